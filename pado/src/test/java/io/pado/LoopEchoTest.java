package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Handlers on the event loop get views of the loop's read buffer, which the next read reuses, or of a pooled buffer
 * that a message arriving in pieces was gathered in, which the next such message reuses. Sending such a view back as
 * it is must still send the bytes that arrived, whatever the size, however the message came (split across reads,
 * fragmented, compressed) and however many connections share the loop.
 */
class LoopEchoTest {
    static final int CONNECTIONS = 16;
    static final int MESSAGES = 24;

    /** Echoes binary messages back as received: the view itself, no copy. */
    static final class ViewEcho implements Handler {
        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data);
        }

        @Override
        public void onPing(WebSocket ws, ByteBuffer data) {
            ws.sendPong(data);
        }
    }

    /** The same with a send callback: the handler gets the loop's reused view of small messages; allocates nothing. */
    static final class CallbackEcho implements Handler {
        final java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.Queue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final SendCallback counting = failure -> {
            if (failure == null) {
                written.incrementAndGet();
            } else {
                failures.add(failure);
            }
        };

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data, counting);
        }
    }

    static ByteBuffer message(int connection, int n) {
        int size = switch (n % 6) {
            case 0 -> 100;
            case 1 -> 5_000;
            case 2 -> 20_000;
            case 3 -> 70_000;
            case 4 -> 0;
            default -> 4_096; // the largest message that goes through the loop's reused view
        };
        ByteBuffer b = ByteBuffer.allocate(size);
        for (int i = 0; i < size; i++) {
            b.put(i, (byte) (connection * 31 + n * 7 + i));
        }
        return b;
    }

    @Test
    void viewsSentBackFromTheLoopArriveIntact() throws Exception {
        echoesArriveIntact(new ViewEcho());
    }

    @Test
    void viewsSentBackWithACallbackArriveIntactAndEveryCallbackIsToldOfTheWrite() throws Exception {
        var echo = new CallbackEcho();
        echoesArriveIntact(echo);
        Await.until("every send callback", () -> echo.written.get() == CONNECTIONS * MESSAGES);
        assertThat(echo.failures).isEmpty();
    }

    @Test
    void compressedMessagesSentBackFromTheLoopArriveIntact() throws Exception {
        echoesArriveIntact(new ViewEcho(), Compression.DEFAULT);
    }

    @Test
    void fragmentedMessagesFromTheJdkClientReachTheLoopWholeAndComeBackIntact() throws Exception {
        var options = ServerOptions.builder().eventLoops(1).connection(c -> c.dispatch(Dispatch.EVENT_LOOP)).build();
        var http = HttpClient.newHttpClient();
        try (Server server = Server.create(options).endpoint("/echo", new ViewEcho()).start()) {
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/echo");
            var sockets = new ArrayList<java.net.http.WebSocket>();
            var listeners = new ArrayList<JdkListener>();
            for (int c = 0; c < 4; c++) {
                var listener = new JdkListener();
                listeners.add(listener);
                sockets.add(http.newWebSocketBuilder().buildAsync(uri, listener).get(10, TimeUnit.SECONDS));
            }
            for (int n = 0; n < MESSAGES; n++) {
                // Each connection sends its message in three frames, the connections' frames interleaved
                var parts = new ArrayList<ByteBuffer[]>();
                for (int c = 0; c < sockets.size(); c++) {
                    ByteBuffer whole = message(c, n);
                    int third = whole.remaining() / 3;
                    parts.add(new ByteBuffer[] {whole.slice(0, third), whole.slice(third, third),
                            whole.slice(2 * third, whole.remaining() - 2 * third)});
                }
                for (int part = 0; part < 3; part++) {
                    for (int c = 0; c < sockets.size(); c++) {
                        sockets.get(c).sendBinary(parts.get(c)[part], part == 2).get(10, TimeUnit.SECONDS);
                    }
                }
            }
            for (int c = 0; c < sockets.size(); c++) {
                for (int n = 0; n < MESSAGES; n++) {
                    assertThat((byte[]) listeners.get(c).next())
                            .as("connection " + c + " message " + n).isEqualTo(Recorder.bytes(message(c, n)));
                }
            }
        }
    }

    private static void echoesArriveIntact(Handler echo) throws Exception {
        echoesArriveIntact(echo, null);
    }

    /** CONNECTIONS clients send MESSAGES each at once; {@code deflate}, if not null, compresses every message. */
    private static void echoesArriveIntact(Handler echo, Compression deflate) throws Exception {
        var options = ServerOptions.builder().eventLoops(1).connection(c -> c.dispatch(Dispatch.EVENT_LOOP)).build();
        var clientOptions = ClientOptions.DEFAULT;
        if (deflate != null) {
            options = options.toBuilder().connection(c -> c.compression(deflate)).build();
            clientOptions = clientOptions.toBuilder().connection(c -> c.compression(deflate)).build();
        }
        try (Server server = Server.create(options).endpoint("/echo", echo).start();
                Client client = Client.create(clientOptions)) {
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/echo");
            var done = new ArrayList<CompletableFuture<List<String>>>();
            for (int c = 0; c < CONNECTIONS; c++) {
                int connection = c;
                var problems = new CompletableFuture<List<String>>();
                var seen = new ArrayList<String>();
                Handler checker = new Handler() {
                    int next;

                    @Override
                    public void onBinary(WebSocket ws, ByteBuffer data) {
                        if (!data.equals(message(connection, next))) {
                            seen.add("connection " + connection + " message " + next + " came back changed");
                        }
                        if (++next == MESSAGES) {
                            problems.complete(seen);
                        }
                    }
                };
                done.add(problems);
                WebSocket ws = client.connect(uri, checker).get(10, TimeUnit.SECONDS);
                // All at once, so that the server reads several connections' messages in one loop iteration
                for (int n = 0; n < MESSAGES; n++) {
                    ws.sendBinary(message(connection, n));
                }
            }
            for (var problems : done) {
                assertThat(problems.get(30, TimeUnit.SECONDS)).isEmpty();
            }
        }
    }
}
