package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A client that stops reading: bounded memory, a 1008 after the write timeout, and nobody else slowed down. */
class SlowConsumerTest {
    static final long MAX_QUEUED = 4 << 20;

    @Test
    void aPeerThatStopsReadingIsClosedWith1008AndOthersKeepGoing() throws Exception {
        var recorder = new Recorder();
        var maxSeen = new AtomicLong();
        Handler flood = new Handler() {
            @Override
            public void onOpen(WebSocket ws) {
                recorder.onOpen(ws);
                ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
                try {
                    // A well-behaved producer: it waits while the peer is behind, and stops when it is gone.
                    while (ws.isOpen()) {
                        ws.awaitWritable();
                        ws.sendBinary(chunk);
                        maxSeen.accumulateAndGet(ws.queuedBytes(), Math::max);
                    }
                } catch (ClosedException e) {
                    // the slow consumer was dropped
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason) {
                recorder.onClose(ws, code, reason);
            }
        };
        var options = ServerOptions.builder()
                .eventLoops(1)
                .connection(c -> c
                        .waterMarks(256 << 10, 1 << 20)
                        .maxQueuedBytes(MAX_QUEUED)
                        .writeTimeout(Duration.ofMillis(500)))
                .build();
        try (Server server = Server.create(options).endpoint("/flood", flood).endpoint("/echo", new Echo()).start();
                Client client = Client.create(ClientOptions.DEFAULT);
                RawSocket stalled = RawSocket.open(server.port(), "/flood")) {
            recorder.awaitOpen();
            // The stalled socket reads nothing. Meanwhile another connection on the same loop gets its answers.
            var echo = new Recorder();
            WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), echo)
                    .get(10, TimeUnit.SECONDS);
            echo.awaitOpen();
            for (int i = 0; i < 100; i++) {
                ws.sendText("m" + i);
                assertThat(echo.nextText()).isEqualTo("m" + i);
            }
            assertThat(recorder.awaitClose()).isEqualTo(new Recorder.Close(1008, "slow consumer"));
            assertThat(maxSeen.get()).isLessThanOrEqualTo(MAX_QUEUED);
            assertThat(stalled.awaitEof()).isTrue();
            ws.sendText("after");
            assertThat(echo.nextText()).isEqualTo("after");
        }
    }
}
