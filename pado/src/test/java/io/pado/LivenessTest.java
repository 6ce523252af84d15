package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Keep-alive Pings and the pong timeout, on the server and on the client, with short intervals. */
class LivenessTest {
    static final Duration INTERVAL = Duration.ofMillis(100);
    static final Duration PONG_TIMEOUT = Duration.ofMillis(300);

    static ServerOptions serverOptions() {
        return ServerOptions.builder()
                .eventLoops(1)
                .connection(c -> c.pingInterval(INTERVAL).pongTimeout(PONG_TIMEOUT))
                .build();
    }

    @Test
    void serverClosesAPeerThatNeverAnswersPingsWith1001() throws Exception {
        var recorder = new Recorder();
        try (Server server = Server.create(serverOptions()).endpoint("/", recorder).start();
                RawSocket raw = RawSocket.open(server.port(), "/")) {
            recorder.awaitOpen();
            RawSocket.Frame ping = raw.readFrame();
            assertThat(ping.opcode()).isEqualTo(0x9);
            assertThat(ping.payload()).hasSize(8);
            // We answer nothing: the next frame is the server giving up, then the end of the connection.
            RawSocket.Frame close = raw.readFrame();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(1001);
            assertThat(new String(close.payload(), 2, close.payload().length - 2)).isEqualTo("ping timeout");
            assertThat(raw.awaitEof()).isTrue();
            assertThat(recorder.awaitClose()).isEqualTo(new Recorder.Close(1001, "ping timeout"));
        }
    }

    @Test
    void aJdkClientThatAnswersPingsStaysOpen() throws Exception {
        var recorder = new Recorder();
        try (Server server = Server.create(serverOptions()).endpoint("/", new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(text);
            }

            @Override
            public void onPong(WebSocket ws, java.nio.ByteBuffer data) {
                recorder.onPong(ws, data);
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason) {
                recorder.onClose(ws, code, reason);
            }
        }).start()) {
            var listener = new JdkListener();
            var ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/"), listener).join();
            // Five pings answered take at least 5 intervals, well past one pong timeout.
            for (int i = 0; i < 5; i++) {
                assertThat(recorder.next()).isInstanceOf(Recorder.Pong.class);
            }
            ws.sendText("still open", true).join();
            assertThat(listener.next()).isEqualTo("still open");
            ws.sendClose(1000, "bye").join();
            assertThat(listener.next(JdkListener.Close.class).code()).isEqualTo(1000);
        }
    }

    @Test
    void clientPingsTheServerAndGivesUpOnASilentOne() throws Exception {
        try (var listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
                Client client = Client.create(ClientOptions.builder()
                        .connection(c -> c.pingInterval(INTERVAL).pongTimeout(PONG_TIMEOUT))
                        .build())) {
            var recorder = new Recorder();
            var connecting = client.connect(URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/"), recorder);
            try (var socket = listener.accept()) {
                socket.setSoTimeout(10_000);
                var in = new java.io.DataInputStream(socket.getInputStream());
                String request = readHead(in);
                String key = request.lines().filter(l -> l.startsWith("Sec-WebSocket-Key: ")).findFirst()
                        .orElseThrow().substring("Sec-WebSocket-Key: ".length());
                socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept(key) + "\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                connecting.join();
                recorder.awaitOpen();
                assertThat(in.readUnsignedByte()).isEqualTo(0x89); // a Ping, FIN set
                assertThat(recorder.awaitClose()).isEqualTo(new Recorder.Close(1001, "ping timeout"));
            }
        }
    }

    static String readHead(java.io.DataInputStream in) throws java.io.IOException {
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.toString();
    }

    static String accept(String key) throws Exception {
        var sha1 = java.security.MessageDigest.getInstance("SHA-1");
        byte[] digest = sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return java.util.Base64.getEncoder().encodeToString(digest);
    }
}
