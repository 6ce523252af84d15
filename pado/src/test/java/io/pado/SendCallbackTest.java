package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link WebSocket#sendBinary(ByteBuffer, SendCallback)}: told once, on success and on failure, from any thread. */
class SendCallbackTest {

    /** A callback that completes a future with its outcome: the failure, or null when written. */
    static final class Outcome implements SendCallback {
        final CompletableFuture<Throwable> told = new CompletableFuture<>();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void done(Throwable failure) {
            calls.incrementAndGet();
            told.complete(failure);
        }

        Throwable await() throws Exception {
            return told.get(10, TimeUnit.SECONDS);
        }
    }

    private static WebSocket connect(Client client, Server server, Recorder clientSide) throws Exception {
        return client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/p"), clientSide)
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSendFromAnotherThreadIsToldWhenWritten() throws Exception {
        var serverSide = new Recorder();
        try (Server server = Server.create(ServerOptions.DEFAULT).endpoint("/p", serverSide).start();
                Client client = Client.create(ClientOptions.DEFAULT)) {
            var clientSide = new Recorder();
            connect(client, server, clientSide);
            WebSocket ws = serverSide.awaitOpen();
            var outcome = new Outcome();
            ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), outcome);
            assertThat(outcome.await()).isNull();
            assertThat(clientSide.await(Recorder.Binary.class).data()).containsExactly(1, 2, 3);
            assertThat(outcome.calls).hasValue(1);
        }
    }

    @Test
    void aSendAfterTheCloseIsToldWhyItFailed() throws Exception {
        var serverSide = new Recorder();
        try (Server server = Server.create(ServerOptions.DEFAULT).endpoint("/p", serverSide).start();
                Client client = Client.create(ClientOptions.DEFAULT)) {
            connect(client, server, new Recorder());
            WebSocket ws = serverSide.awaitOpen();
            ws.close(1000, "bye").get(10, TimeUnit.SECONDS);
            var outcome = new Outcome();
            ws.sendBinary(ByteBuffer.wrap(new byte[] {1}), outcome);
            assertThat(outcome.await()).isInstanceOf(ClosedException.class);
            assertThat(outcome.calls).hasValue(1);
        }
    }

    /** A loop handler whose callback throws: logged, and the connection goes on echoing. */
    @Test
    void aCallbackThatThrowsDoesNotHurtTheConnection() throws Exception {
        var failing = new AtomicInteger();
        SendCallback throwing = failure -> {
            failing.incrementAndGet();
            throw new IllegalStateException("thrown on purpose by a test callback");
        };
        Handler echo = new Handler() {
            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                ws.sendBinary(data, throwing);
            }
        };
        var options = ServerOptions.builder().connection(c -> c.dispatch(Dispatch.EVENT_LOOP)).build();
        try (Server server = Server.create(options).endpoint("/p", echo).start();
                Client client = Client.create(ClientOptions.DEFAULT)) {
            var clientSide = new Recorder();
            WebSocket ws = connect(client, server, clientSide);
            for (byte n = 0; n < 3; n++) {
                ws.sendBinary(ByteBuffer.wrap(new byte[] {n}));
                assertThat(clientSide.await(Recorder.Binary.class).data()).containsExactly(n);
            }
            Await.until("three callbacks", () -> failing.get() == 3);
            assertThat(ws.isOpen()).isTrue();
        }
    }
}
