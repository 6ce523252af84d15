package io.pado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Metrics} after scripted loads against real servers: every count equals what the load did, on the server (as a
 * whole and by endpoint) and on the client.
 */
class MetricsTest {
    static URI uri(Server server, String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    @Nested
    class Traffic {
        @Test
        void messagesBytesRefusalsAndClosesAreCountedExactly() throws Exception {
            var chat = Endpoint.builder("/chat", new Echo()).subprotocols("chat")
                    .subprotocolRule(Endpoint.SubprotocolRule.REQUIRED).build();
            try (Server server = Server.create(ServerOptions.builder().eventLoops(2).build())
                    .endpoint("/echo", new Echo()).endpoint(chat).start();
                    Client client = Client.create(ClientOptions.DEFAULT)) {
                var http = HttpClient.newHttpClient();
                var textListener = new JdkListener();
                var binaryListener = new JdkListener();
                var texts = http.newWebSocketBuilder().buildAsync(uri(server, "/echo"), textListener)
                        .get(10, TimeUnit.SECONDS);
                var binaries = http.newWebSocketBuilder().buildAsync(uri(server, "/echo"), binaryListener)
                        .get(10, TimeUnit.SECONDS);
                long bytes = 0;
                for (int i = 0; i < 10; i++) {
                    String text = "파도 " + i; // 3-byte characters: bytes are not characters
                    texts.sendText(text, true).join();
                    assertThat(textListener.next()).isEqualTo(text);
                    bytes += utf8(text);
                }
                for (int i = 0; i < 5; i++) {
                    byte[] data = new byte[1000 * i + 1];
                    binaries.sendBinary(ByteBuffer.wrap(data), true).join();
                    assertThat(binaryListener.next(byte[].class)).isEqualTo(data);
                    bytes += data.length;
                }
                var recorder = new Recorder();
                WebSocket pado = client.connect(uri(server, "/echo"), recorder).get(10, TimeUnit.SECONDS);
                recorder.next(Recorder.Open.class);
                for (int i = 0; i < 3; i++) {
                    pado.sendText("hello " + i).join();
                    assertThat(recorder.next(Recorder.Text.class).text()).isEqualTo("hello " + i);
                    bytes += utf8("hello " + i);
                }

                // Refused: 404 three times (before routing), 403 at /echo (origin), 400 at /chat (no subprotocol)
                for (int i = 0; i < 2; i++) {
                    assertThatThrownBy(() -> http.newWebSocketBuilder()
                            .buildAsync(uri(server, "/nothing"), new JdkListener()).join())
                            .hasCauseInstanceOf(WebSocketHandshakeException.class);
                }
                try (RawSocket raw = RawSocket.connect(server.port())) {
                    raw.write(RawSocket.upgradeRequest("/echo",
                            "Sec-WebSocket-Version: 13\r\nOrigin: https://elsewhere.example\r\n"));
                    assertThat(raw.readHead()).startsWith("HTTP/1.1 403");
                }
                assertThatThrownBy(() -> http.newWebSocketBuilder()
                        .buildAsync(uri(server, "/chat"), new JdkListener()).join())
                        .hasCauseInstanceOf(WebSocketHandshakeException.class);
                // The client's own refusal, also the server's third 404
                assertThatThrownBy(() -> client.connect(uri(server, "/nothing"), new Recorder()).join())
                        .isInstanceOf(CompletionException.class).hasCauseInstanceOf(HandshakeException.class);

                texts.sendClose(1000, "").join();
                binaries.sendClose(4001, "done").join();
                pado.close(1000, "bye").join();
                Await.until("every WebSocket closed", () -> server.metrics().connectionsOpen() == 0
                        && client.metrics().connectionsOpen() == 0);

                Metrics all = server.metrics();
                assertThat(all.connectionsOpened()).isEqualTo(3);
                assertThat(all.messagesReceived()).isEqualTo(18);
                assertThat(all.bytesReceived()).isEqualTo(bytes);
                Await.until("the echoes counted as written", () -> server.metrics().messagesSent() == 18);
                assertThat(all.bytesSent()).isEqualTo(bytes);
                assertThat(all.handshakesRefused()).isEqualTo(5);
                assertThat(all.handshakesRefusedByStatus()).isEqualTo(Map.of(400, 1L, 403, 1L, 404, 3L));
                assertThat(all.closesByCode()).isEqualTo(Map.of(1000, 2L, 4001, 1L));
                assertThat(all.sendsFailed() + all.sendsDropped() + all.slowConsumersClosed()).isZero();
                assertThat(all.queuedBytes()).isZero();
                assertThat(all.tlsHandshakesCompleted() + all.tlsHandshakesFailed()).isZero();

                Map<String, Metrics> byEndpoint = server.endpointMetrics();
                assertThat(byEndpoint).containsOnlyKeys("/chat", "/echo");
                Metrics echo = byEndpoint.get("/echo");
                assertThat(echo.connectionsOpened()).isEqualTo(3);
                assertThat(echo.messagesReceived()).isEqualTo(18);
                assertThat(echo.handshakesRefusedByStatus()).isEqualTo(Map.of(403, 1L));
                assertThat(byEndpoint.get("/chat").handshakesRefusedByStatus()).isEqualTo(Map.of(400, 1L));
                assertThat(byEndpoint.get("/chat").connectionsOpened()).isZero();

                Metrics mine = client.metrics();
                assertThat(mine.connectionsOpened()).isEqualTo(1);
                assertThat(mine.messagesSent()).isEqualTo(3);
                assertThat(mine.messagesReceived()).isEqualTo(3);
                assertThat(mine.bytesSent()).isEqualTo(mine.bytesReceived()).isEqualTo(3 * utf8("hello 0"));
                assertThat(mine.handshakesRefusedByStatus()).isEqualTo(Map.of(404, 1L));
                assertThat(mine.closes(1000)).isEqualTo(1);
            }
        }

        @Test
        void compressedMessagesAreCountedBeforeAndAfterTheCodecsOnBothSides() throws Exception {
            try (Server server = Server.create(ServerOptions.builder()
                    .connection(c -> c.compression(Compression.DEFAULT)).build()).endpoint("/echo", new Echo()).start();
                    Client client = Client.create(ClientOptions.builder()
                            .connection(c -> c.compression(Compression.DEFAULT)).build())) {
                var recorder = new Recorder();
                WebSocket ws = client.connect(uri(server, "/echo"), recorder).get(10, TimeUnit.SECONDS);
                long bytes = 0;
                for (int i = 0; i < 20; i++) {
                    String text = ("wave " + i + " ").repeat(30); // compressed: over 64 bytes
                    ws.sendText(text).join();
                    assertThat(recorder.await(Recorder.Text.class).text()).isEqualTo(text);
                    bytes += utf8(text);
                }
                ws.close(1000, "").join();
                Await.until("closed", () -> server.metrics().connectionsOpen() == 0);
                Metrics s = server.metrics();
                Metrics c = client.metrics();
                assertThat(c.deflateInputBytes()).isEqualTo(bytes);
                assertThat(s.inflateOutputBytes()).isEqualTo(bytes);
                assertThat(s.inflateInputBytes()).isEqualTo(c.deflateOutputBytes()).isLessThan(bytes / 3);
                assertThat(s.deflateInputBytes()).isEqualTo(bytes);
                long sent = bytes;
                Await.until("the client inflated every echo", () -> client.metrics().inflateOutputBytes() == sent);
                assertThat(c.inflateInputBytes()).isEqualTo(s.deflateOutputBytes());
                assertThat(s.bytesReceived()).isEqualTo(s.bytesSent()).isEqualTo(bytes); // before compression
                assertThat(server.endpointMetrics().get("/echo").deflateInputBytes()).isZero(); // whole server only
            }
        }

        @Test
        void aBroadcastCountsOneMessagePerConnectionReachedAndOneFailurePerClosedOne() throws Exception {
            var members = new java.util.concurrent.CopyOnWriteArrayList<WebSocket>();
            var left = new java.util.concurrent.CountDownLatch(1);
            Handler room = new Handler() {
                @Override
                public void onOpen(WebSocket ws) {
                    members.add(ws);
                }

                @Override
                public void onClose(WebSocket ws, int code, String reason) {
                    left.countDown(); // the member stays in the list: a broadcast to it fails
                }
            };
            try (Server server = Server.create(ServerOptions.builder().build()).endpoint("/room", room).start();
                    Client client = Client.create(ClientOptions.DEFAULT)) {
                var recorders = new java.util.ArrayList<Recorder>();
                var sockets = new java.util.ArrayList<WebSocket>();
                for (int i = 0; i < 3; i++) {
                    var recorder = new Recorder();
                    recorders.add(recorder);
                    sockets.add(client.connect(uri(server, "/room"), recorder).get(10, TimeUnit.SECONDS));
                }
                Await.until("three members", () -> members.size() == 3);
                server.endpoint("/room", room); // added again at the same path: its counts go on

                assertThat(server.broadcast(members, "hi all")).isEqualTo(3);
                for (Recorder r : recorders) {
                    assertThat(r.await(Recorder.Text.class).text()).isEqualTo("hi all");
                }
                Await.until("three written", () -> server.metrics().messagesSent() == 3);
                assertThat(server.endpointMetrics().get("/room").bytesSent()).isEqualTo(3 * utf8("hi all"));

                sockets.get(0).close(1000, "").join();
                assertThat(left.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(server.metrics().connectionsOpen()).isEqualTo(2);
                assertThat(server.broadcast(members, "hi again")).isEqualTo(2);
                Await.until("two more written", () -> server.metrics().messagesSent() == 5);
                assertThat(server.metrics().sendsFailed()).isEqualTo(1); // the closed member's
                assertThat(server.metrics().connectionsOpened()).isEqualTo(3);
            }
        }
    }

    @Nested
    class Tls {
        @TempDir
        Path dir;

        @Test
        void handshakesThatFinishAndThatFailAreCountedOnBothSides() throws Exception {
            var local = TestCertificates.create(dir, "localhost", "dns:localhost,ip:127.0.0.1");
            try (Server server = Server.create(ServerOptions.builder()
                    .tls(ServerTls.fromPem(local.certificatePem(), local.keyPem())).build())
                    .endpoint("/echo", new Echo()).start();
                    Client trusting = Client.create(ClientOptions.builder().tls(local.clientTls()).build());
                    Client untrusting = Client.create(ClientOptions.DEFAULT)) {
                URI uri = URI.create("wss://localhost:" + server.port() + "/echo");
                var http = HttpClient.newBuilder().sslContext(local.trustingContext()).build();
                http.newWebSocketBuilder().buildAsync(uri, new JdkListener()).get(10, TimeUnit.SECONDS)
                        .sendClose(1000, "").join();
                trusting.connect(uri, new Recorder()).get(10, TimeUnit.SECONDS).close(1000, "").join();
                assertThatThrownBy(() -> untrusting.connect(uri, new Recorder()).get(10, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class);
                try (RawSocket plain = RawSocket.connect(server.port())) { // not TLS at all
                    plain.write(RawSocket.upgradeRequest("/echo", "Sec-WebSocket-Version: 13\r\n"));
                    readToTheEnd(plain); // the server gives up on it
                }
                Await.until("four handshakes ended", () -> server.metrics().tlsHandshakesCompleted()
                        + server.metrics().tlsHandshakesFailed() == 4);
                assertThat(server.metrics().tlsHandshakesCompleted()).isEqualTo(2);
                assertThat(server.metrics().tlsHandshakesFailed()).isEqualTo(2);
                assertThat(server.endpointMetrics().get("/echo").tlsHandshakesCompleted()).isZero(); // server only
                assertThat(trusting.metrics().tlsHandshakesCompleted()).isEqualTo(1);
                assertThat(untrusting.metrics().tlsHandshakesFailed()).isEqualTo(1);
                assertThat(untrusting.metrics().tlsHandshakesCompleted()).isZero();
            }
        }
    }

    /** Reads until the server closes the connection (or resets it). */
    static void readToTheEnd(RawSocket socket) {
        try {
            while (socket.input().read() >= 0) {
                // what the server sends before it closes does not matter here
            }
        } catch (java.io.IOException e) {
            // reset: closed too
        }
    }

    /** Peers that never read: what each slow-consumer policy does is counted, and no loss goes unlogged. */
    @Nested
    class Loss {
        static final int ATTEMPTS = 1000;
        static final byte[] CHUNK = new byte[16 << 10];

        /**
         * Sends up to {@link #ATTEMPTS} messages (16 MiB, more than the sockets' buffers hold) as soon as the WebSocket
         * opens, while it is open, and counts the tries. It ignores the futures, as handlers often do, but one that
         * failed at once: then it waits for room, so that the flood outlasts what the kernel takes.
         */
        static final class Flood implements Handler {
            final AtomicInteger attempts = new AtomicInteger();
            final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

            @Override
            public void onOpen(WebSocket ws) {
                try {
                    for (int i = 0; i < ATTEMPTS && ws.isOpen(); i++) {
                        attempts.incrementAndGet();
                        if (ws.sendBinary(ByteBuffer.wrap(CHUNK)).isCompletedExceptionally()) {
                            ws.awaitWritable();
                        }
                    }
                } catch (ClosedException e) {
                    // the peer was closed while we waited: the flood is over
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }
        }

        /** A server whose one endpoint floods a peer that never reads, under {@code policy}. */
        static Server server(String path, Flood flood, SlowConsumerPolicy policy, Duration writeTimeout)
                throws Exception {
            return Server.create(ServerOptions.builder().connection(c -> c
                            .waterMarks(16 << 10, 64 << 10)
                            .maxQueuedBytes(256 << 10)
                            .writeTimeout(writeTimeout)
                            .closeTimeout(Duration.ofSeconds(1))
                            .slowConsumerPolicy(policy)).build())
                    .endpoint(path, flood).start();
        }

        /** Connects a peer that reads nothing after the handshake, with a small receive buffer. */
        static RawSocket sleeper(Server server, String path) throws Exception {
            var socket = new java.net.Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            return RawSocket.upgrade(socket, path);
        }

        /** Waits for the flood at {@code path} to end and its connection to close; the endpoint's metrics then. */
        static Metrics afterTheEnd(Server server, String path, Flood flood) throws InterruptedException {
            assertThat(flood.done.await(20, TimeUnit.SECONDS)).as("the flood ended").isTrue();
            Metrics m = server.endpointMetrics().get(path);
            Await.until("the slow consumer closed", () -> m.connectionsOpened() == 1 && m.connectionsOpen() == 0);
            Await.until("every send settled",
                    () -> m.messagesSent() + m.sendsFailed() + m.sendsDropped() == flood.attempts.get());
            return m;
        }

        @Test
        void closePolicyViolationClosesWith1008AndEverySendIsWrittenOrFailed() throws Exception {
            var flood = new Flood();
            try (Server server = server("/close", flood, SlowConsumerPolicy.CLOSE_POLICY_VIOLATION,
                    Duration.ofSeconds(30)); RawSocket peer = sleeper(server, "/close")) {
                Metrics m = afterTheEnd(server, "/close", flood);
                assertThat(m.slowConsumersClosed()).isEqualTo(1);
                assertThat(m.closesByCode()).isEqualTo(Map.of(1008, 1L));
                assertThat(m.sendsFailed()).isPositive();
                assertThat(m.sendsDropped()).isZero();
                assertThat(m.messagesSent()).isLessThan(flood.attempts.get());
                assertThat(m.bytesSent()).isEqualTo(m.messagesSent() * CHUNK.length);
                assertThat(m.queuedBytes()).isZero();
            }
        }

        @Test
        void failSendFailsEachSendOverTheLimitAndTheWriteTimeoutClosesThePeer() throws Exception {
            var flood = new Flood();
            var lines = new LossLines("/fail");
            try (lines; Server server = server("/fail", flood, SlowConsumerPolicy.FAIL_SEND, Duration.ofSeconds(2));
                    RawSocket peer = sleeper(server, "/fail")) {
                // The flood waits, after a failed send, until the queue drains to the low-water mark, which a peer
                // that reads nothing never lets it do: however much the kernel took before, the queue ends above it
                // (not always above the high-water mark: the sends in flight when one failed may have been written).
                Await.until("the queue past the low-water mark", () -> server.metrics().queuedBytes() > 16 << 10);
                Metrics m = afterTheEnd(server, "/fail", flood);
                assertThat(m.slowConsumersClosed()).isEqualTo(1); // by the write timeout
                assertThat(m.closesByCode()).isEqualTo(Map.of(1008, 1L));
                assertThat(m.sendsFailed()).isPositive();
                assertThat(m.sendsDropped()).isZero();
                assertThat(m.queuedBytes()).isZero();
                assertThat(lines.count()).as("one line at the first loss, none more within the minute").isEqualTo(1);
                server.stop();
                assertThat(lines.count()).as("and one at stop with the rest").isEqualTo(2);
                assertThat(lines.failedReported()).isEqualTo(m.sendsFailed());
                assertThat(lines.text()).contains("whenWritable", "When a send fails");
            }
        }

        @Test
        void dropCountsEveryMessageItDrops() throws Exception {
            var flood = new Flood();
            try (Server server = server("/drop", flood, SlowConsumerPolicy.DROP, Duration.ofSeconds(30))) {
                RawSocket peer = sleeper(server, "/drop");
                assertThat(flood.done.await(20, TimeUnit.SECONDS)).as("the flood ended").isTrue();
                assertThat(flood.attempts.get()).isEqualTo(ATTEMPTS); // DROP never closes: every send was tried
                peer.close(); // the peer leaves; what it did not read is lost with it
                Metrics m = afterTheEnd(server, "/drop", flood);
                // 16 MiB tried, a few MiB fit in the sockets' buffers: most of the rest were dropped
                assertThat(m.sendsDropped()).isGreaterThan(ATTEMPTS / 4);
                assertThat(m.slowConsumersClosed()).isZero();
                assertThat(server.endpointMetrics().get("/drop").sendsDropped()).isEqualTo(m.sendsDropped());
            }
        }

        @Test
        void aSendAfterTheCloseFailsAndCounts() throws Exception {
            var closedOne = new java.util.concurrent.CompletableFuture<WebSocket>();
            Handler handler = new Handler() {
                @Override
                public void onClose(WebSocket ws, int code, String reason) {
                    closedOne.complete(ws);
                }
            };
            try (Server server = Server.create(ServerOptions.builder().build()).endpoint("/x", handler).start()) {
                var ws = HttpClient.newHttpClient().newWebSocketBuilder()
                        .buildAsync(uri(server, "/x"), new JdkListener()).get(10, TimeUnit.SECONDS);
                ws.sendClose(1000, "").join();
                WebSocket serverSide = closedOne.get(10, TimeUnit.SECONDS);
                assertThat(serverSide.sendText("too late")).isCompletedExceptionally();
                assertThat(server.metrics().sendsFailed()).isEqualTo(1);
                assertThatThrownBy(() -> serverSide.sendText("later still").get())
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ClosedException.class);
                assertThat(server.metrics().sendsFailed()).isEqualTo(2);
            }
        }
    }

    /** Captures the WARNING lines about lost sends of one scope. */
    static final class LossLines extends java.util.logging.Handler implements AutoCloseable {
        private final java.util.logging.Logger logger = java.util.logging.Logger.getLogger(
                "io.pado.runtime.Counters");
        private final String scope;
        private final java.util.List<java.util.logging.LogRecord> records =
                new java.util.concurrent.CopyOnWriteArrayList<>();

        LossLines(String scope) {
            this.scope = scope;
            logger.addHandler(this);
        }

        @Override
        public void publish(java.util.logging.LogRecord record) {
            Object[] parameters = record.getParameters();
            if (parameters != null && parameters.length > 0 && scope.equals(parameters[0])) {
                records.add(record);
            }
        }

        int count() {
            return records.size();
        }

        /** The failed sends the lines reported, added up. */
        long failedReported() {
            return records.stream().mapToLong(r -> ((Number) r.getParameters()[1]).longValue()).sum();
        }

        String text() {
            var formatter = new java.util.logging.SimpleFormatter();
            return records.stream().map(formatter::formatMessage).reduce("", String::concat);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
