package io.pado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The JDK's own {@code java.net.http.WebSocket} client against a pado server: an independent peer. */
class JdkClientInteropTest {
    static final int BIG = 16 << 20;
    static Server server;
    /** Each test that uses {@code /recorded} sets a fresh recorder. */
    static volatile Recorder recorder = new Recorder();
    static HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = Server.create(ServerOptions.builder()
                .eventLoops(2)
                .connection(c -> c
                        .maxFrameBytes(BIG)
                        .maxMessageBytes(BIG)
                        .closeTimeout(Duration.ofSeconds(5))
                        .maxQueuedBytes(4L * BIG))
                .build())
                .endpoint(Endpoint.builder("/echo", new Echo()).subprotocols("chat.v2", "chat.v1").build())
                .endpoint(Endpoint.builder("/strict", new Echo()).allowedOrigins("https://good.example").build())
                .endpoint("/recorded", new Handler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        recorder.onOpen(ws);
                    }

                    @Override
                    public void onPing(WebSocket ws, ByteBuffer data) {
                        recorder.onPing(ws, data);
                    }

                    @Override
                    public void onPong(WebSocket ws, ByteBuffer data) {
                        recorder.onPong(ws, data);
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason) {
                        recorder.onClose(ws, code, reason);
                    }
                })
                .http(request -> request.path().equals("/")
                        ? HttpResponse.ok("text/html; charset=utf-8", "<h1>hi</h1>".getBytes(StandardCharsets.UTF_8))
                        : HttpResponse.notFound())
                .start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    static java.net.http.WebSocket connect(String path, JdkListener listener) {
        return http.newWebSocketBuilder().buildAsync(uri(path), listener).join();
    }

    @Nested
    class Messages {
        @Test
        void textIsEchoed() throws Exception {
            var listener = new JdkListener();
            var ws = connect("/echo", listener);
            ws.sendText("hello, 파도", true).join();
            assertThat(listener.next()).isEqualTo("hello, 파도");
        }

        @Test
        void binaryIsEchoed() throws Exception {
            var listener = new JdkListener();
            var ws = connect("/echo", listener);
            byte[] data = {0, 1, 2, (byte) 0xFF};
            ws.sendBinary(ByteBuffer.wrap(data), true).join();
            assertThat((byte[]) listener.next()).isEqualTo(data);
        }

        @Test
        void fragmentedMessageArrivesWhole() throws Exception { // RFC 6455 §5.4
            var listener = new JdkListener();
            var ws = connect("/echo", listener);
            ws.sendText("frag", false).join();
            ws.sendText("men", false).join();
            ws.sendText("ted", true).join();
            assertThat(listener.next()).isEqualTo("fragmented");
        }

        @Test
        void sixteenMebibyteMessagesGoBothWays() throws Exception {
            var listener = new JdkListener();
            var ws = connect("/echo", listener);
            byte[] data = new byte[BIG];
            new Random(42).nextBytes(data);
            ws.sendBinary(ByteBuffer.wrap(data), true).join();
            assertThat((byte[]) listener.next()).isEqualTo(data);

            String text = "x".repeat(BIG - 1) + "y";
            ws.sendText(text, true).join();
            assertThat(listener.next()).isEqualTo(text);
        }

        @Test
        void manyMessagesKeepTheirOrder() throws Exception {
            var listener = new JdkListener();
            var ws = connect("/echo", listener);
            for (int i = 0; i < 1000; i++) {
                ws.sendText("m" + i, true).join();
            }
            for (int i = 0; i < 1000; i++) {
                assertThat(listener.next()).isEqualTo("m" + i);
            }
        }
    }

    @Nested
    class PingPong { // RFC 6455 §5.5.2, §5.5.3
        @Test
        void serverAnswersPingWithSamePayload() throws Exception {
            var listener = new JdkListener();
            var ws = connect("/echo", listener);
            ws.sendPing(ByteBuffer.wrap(new byte[] {1, 2, 3})).join();
            assertThat(listener.next(JdkListener.Pong.class).data()).containsExactly(1, 2, 3);
        }

        @Test
        void handlerSeesPingAndThePongToItsPing() throws Exception {
            recorder = new Recorder();
            var listener = new JdkListener();
            var ws = connect("/recorded", listener);
            WebSocket serverSide = recorder.awaitOpen();
            ws.sendPing(ByteBuffer.wrap(new byte[] {7})).join();
            assertThat(recorder.next(Recorder.Ping.class).data()).containsExactly(7);
            serverSide.sendPing(ByteBuffer.wrap(new byte[] {9})).join();
            assertThat(recorder.next(Recorder.Pong.class).data()).containsExactly(9);
            ws.sendClose(1000, "").join();
            recorder.awaitClose();
        }
    }

    @Nested
    class Closing { // RFC 6455 §7
        @Test
        void clientClosesWithCodeAndReason() throws Exception {
            recorder = new Recorder();
            var listener = new JdkListener();
            var ws = connect("/recorded", listener);
            recorder.awaitOpen();
            ws.sendClose(4000, "client bye").join();
            assertThat(recorder.awaitClose()).isEqualTo(new Recorder.Close(4000, "client bye"));
            assertThat(listener.next(JdkListener.Close.class).code()).isEqualTo(4000);
        }

        @Test
        void serverClosesWithCodeAndReason() throws Exception {
            recorder = new Recorder();
            var listener = new JdkListener();
            var ws = connect("/recorded", listener);
            WebSocket serverSide = recorder.awaitOpen();
            serverSide.close(4001, "server bye").join();
            assertThat(serverSide.isOpen()).isFalse();
            assertThat(listener.next(JdkListener.Close.class)).isEqualTo(new JdkListener.Close(4001, "server bye"));
            // The JDK client answers the Close by itself.
            assertThat(recorder.awaitClose().code()).isEqualTo(4001);
            // The JDK marks its output closed once its own write of the Close completes, which may come after the
            // server has read that Close.
            Await.until("the JDK client's output to close", ws::isOutputClosed);
            assertThat(serverSide.sendText("late")).failsWithin(Recorder.TIMEOUT)
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(ClosedException.class);
        }
    }

    @Nested
    class Handshake { // RFC 6455 §4.2
        @Test
        void serverChoosesItsPreferredSubprotocolAmongOffered() {
            var ws = http.newWebSocketBuilder().subprotocols("chat.v1", "chat.v2")
                    .buildAsync(uri("/echo"), new JdkListener()).join();
            assertThat(ws.getSubprotocol()).isEqualTo("chat.v2");
        }

        @Test
        void noSubprotocolWhenNoneInCommon() {
            var ws = http.newWebSocketBuilder().subprotocols("other")
                    .buildAsync(uri("/echo"), new JdkListener()).join();
            assertThat(ws.getSubprotocol()).isEmpty();
        }

        @Test
        void allowedOriginConnects() {
            var ws = http.newWebSocketBuilder().header("Origin", "https://good.example")
                    .buildAsync(uri("/strict"), new JdkListener()).join();
            assertThat(ws.isOutputClosed()).isFalse();
        }

        @Test
        void refusedOriginGets403() {
            assertThatThrownBy(() -> http.newWebSocketBuilder().header("Origin", "https://evil.example")
                    .buildAsync(uri("/strict"), new JdkListener()).join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                            .isEqualTo(403));
        }

        @Test
        void unknownPathGets404() {
            assertThatThrownBy(() -> connect("/nowhere", new JdkListener()))
                    .cause().isInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                            .isEqualTo(404));
        }

        @Test
        void wrongVersionGets426WithTheSupportedVersion() throws Exception { // RFC 6455 §4.4
            try (var raw = RawSocket.connect(server.port())) {
                raw.write(RawSocket.upgradeRequest("/echo", "Sec-WebSocket-Version: 8\r\n"));
                String head = raw.readHead();
                assertThat(head).startsWith("HTTP/1.1 426").containsIgnoringCase("Sec-WebSocket-Version: 13");
            }
        }
    }

    @Nested
    class PlainHttp {
        @Test
        void pageAndWebSocketShareThePort() throws Exception {
            var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("<h1>hi</h1>");
            assertThat(response.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        }

        @Test
        void otherPathsGet404() throws Exception {
            var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/x"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(404);
        }
    }
}
