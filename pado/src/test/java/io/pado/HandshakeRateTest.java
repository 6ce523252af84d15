package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The handshake rate limit in a running server, with a fake clock. */
class HandshakeRateTest {
    private static final long SECOND = 1_000_000_000L;

    /** The bucket in a running server: 503 with Retry-After when empty, 101 again once the fake clock refills it. */
    @Test
    void serverRefusesHandshakesOverTheRateUntilTheClockRefillsTheBucket() throws Exception {
        var now = new AtomicLong(0);
        var core = new ServerCore(ServerOptions.builder()
                .eventLoops(1)
                .handshakeRate(2, Duration.ofSeconds(10))
                .build(), now::get);
        core.endpoint(Endpoint.of("/", new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(text);
            }
        }));
        core.start();
        try {
            int port = core.address().getPort();
            assertThat(handshakeStatus(port)).startsWith("HTTP/1.1 101");
            assertThat(handshakeStatus(port)).startsWith("HTTP/1.1 101");
            assertThat(handshakeStatus(port)).startsWith("HTTP/1.1 503 Service Unavailable")
                    .contains("\r\nRetry-After: 5\r\n");
            now.addAndGet(4 * SECOND);
            assertThat(handshakeStatus(port)).startsWith("HTTP/1.1 503").contains("\r\nRetry-After: 1\r\n");
            now.addAndGet(SECOND);
            assertThat(handshakeStatus(port)).startsWith("HTTP/1.1 101");
        } finally {
            core.stop(Duration.ofSeconds(2));
        }
    }

    /** Sends an upgrade request and returns the response head. */
    private static String handshakeStatus(int port) throws IOException {
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            var head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                head.append((char) c);
            }
            return head.toString();
        }
    }
}
