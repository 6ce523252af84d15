package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import io.pado.protocol.RequestHead;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 7's limits on real sockets: connections per address, the handshake rate, and error answers that reveal no
 * internals. Every refusal leaves the other connections working.
 */
class ConnectionLimitsTest {
    private static final String SECRET = "s3cret-internal-detail";

    @Test
    void socketsOverThePerAddressLimitAreClosedAtOnceAndTheCountIsReleasedOnClose() throws Exception {
        try (var server = Server.create(ServerOptions.builder().eventLoops(2).maxConnectionsPerAddress(3).build())
                .endpoint("/echo", new Echo()).start()) {
            for (int round = 0; round < 2; round++) { // a second round proves the first one's counts were released
                var open = new ArrayList<RawSocket>();
                for (int i = 0; i < 3; i++) {
                    open.add(openWithin(server.port(), Duration.ofSeconds(10)));
                }
                try (var refused = RawSocket.connect(server.port())) {
                    assertThat(readAll(refused.input())).as("round %d: nothing is answered", round).isEmpty();
                }
                for (RawSocket ws : open) {
                    ws.sendText("still here");
                    assertThat(ws.readFrame().text()).isEqualTo("still here");
                }
                for (RawSocket ws : open) {
                    ws.close();
                }
            }
        }
    }

    @Test
    void handshakesOverTheRateGet503WithRetryAfterWhileOpenConnectionsCarryOn() throws Exception {
        // Two tokens, the next in 30 minutes: no refill can happen while the test runs
        var options = ServerOptions.builder().eventLoops(1).handshakeRate(2, Duration.ofHours(1)).build();
        try (var server = Server.create(options).endpoint("/echo", new Echo()).start();
                var first = RawSocket.open(server.port(), "/echo");
                var second = RawSocket.open(server.port(), "/echo")) {
            for (int i = 0; i < 3; i++) {
                try (var raw = RawSocket.connect(server.port())) {
                    raw.write(RawSocket.upgradeRequest("/echo", "Sec-WebSocket-Version: 13\r\n"));
                    String head = raw.readHead();
                    assertThat(head).startsWith("HTTP/1.1 503 Service Unavailable\r\n").containsPattern(
                            "\r\nRetry-After: 17[0-9][0-9]\r\n|\r\nRetry-After: 1800\r\n");
                    assertThat(body(raw.input())).isEqualTo("too many WebSocket handshakes, retry later\n");
                    assertThat(raw.awaitEof()).isTrue();
                }
                first.sendText("m" + i);
                assertThat(first.readFrame().text()).isEqualTo("m" + i);
            }
            // Plain HTTP is the application's and not limited
            try (var raw = RawSocket.connect(server.port())) {
                raw.write("GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(raw.readHead()).startsWith("HTTP/1.1 404");
            }
            second.sendText("done");
            assertThat(second.readFrame().text()).isEqualTo("done");
        }
    }

    @Test
    void failuresAnswerWithoutInternals() throws Exception {
        Handler throwing = new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                throw new IllegalStateException(SECRET + " (expected by the test)");
            }
        };
        try (var server = Server.create(ServerOptions.builder().eventLoops(1).build())
                .endpoint("/echo", new Echo()).endpoint("/throw", throwing)
                .http(request -> {
                    throw new IllegalStateException(SECRET + " (expected by the test)");
                }).start();
                var good = RawSocket.open(server.port(), "/echo")) {
            // An HTTP handler that throws
            try (var raw = RawSocket.connect(server.port())) {
                raw.write("GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                assertThat(raw.readHead()).startsWith("HTTP/1.1 500");
                assertThat(body(raw.input())).isEqualTo("Internal Server Error\n");
            }
            // A WebSocket handler that throws: 1011 with a fixed reason
            try (var raw = RawSocket.open(server.port(), "/throw")) {
                raw.sendText("boom");
                RawSocket.Frame close = raw.readFrame();
                assertThat(close.opcode()).isEqualTo(8);
                assertThat(close.closeCode()).isEqualTo(1011);
                assertThat(new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8))
                        .isEqualTo("internal error");
            }
            // A peer error: the reason names the rule broken, nothing else
            try (var raw = RawSocket.open(server.port(), "/echo")) {
                raw.write(RawSocket.frame(0x83, new byte[0]));
                RawSocket.Frame close = raw.readFrame();
                assertThat(close.closeCode()).isEqualTo(1002);
                assertThat(new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8))
                        .isEqualTo("reserved opcode 3");
            }
            good.sendText("fine");
            assertThat(good.readFrame().text()).isEqualTo("fine");
        }
    }

    /** Opens a WebSocket, retrying while the server still counts sockets that the client already closed. */
    private static RawSocket openWithin(int port, Duration deadline) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            try {
                return RawSocket.open(port, "/echo");
            } catch (IOException e) {
                if (System.nanoTime() - end > 0) {
                    throw e;
                }
            }
        }
    }

    /** Everything until the server closes: empty for a socket closed without an answer. */
    private static String readAll(InputStream in) {
        var out = new StringBuilder();
        try {
            for (int c; (c = in.read()) >= 0; ) {
                out.append((char) c);
            }
        } catch (IOException e) {
            // a reset is a close too
        }
        return out.toString();
    }

    /** The rest of a response after its head, up to the server's close. */
    private static String body(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
