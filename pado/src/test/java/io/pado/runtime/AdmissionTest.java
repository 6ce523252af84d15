package io.pado.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.pado.Endpoint;
import io.pado.Handler;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The per-address count and the handshake token bucket, on a fake clock. */
class AdmissionTest {
    private static final long SECOND = 1_000_000_000L;

    @Nested
    class HandshakeRate {
        private final AtomicLong now = new AtomicLong(42 * SECOND);

        @Test
        void allowsABurstOfPermitsThenOneEveryPeriodOverPermits() {
            var rate = new ServerOptions.HandshakeRate(4, Duration.ofSeconds(2));
            var admission = new Admission(0, Optional.of(rate), now::get);
            for (int i = 0; i < 4; i++) {
                assertThat(admission.takeHandshake()).as("handshake %d", i).isZero();
            }
            assertThat(admission.takeHandshake()).isEqualTo(SECOND / 2);
            now.addAndGet(SECOND / 2 - 1);
            assertThat(admission.takeHandshake()).isEqualTo(1);
            now.addAndGet(1);
            assertThat(admission.takeHandshake()).isZero();
            assertThat(admission.takeHandshake()).isEqualTo(SECOND / 2);
        }

        @Test
        void refillsToTheBurstAndNoFurther() {
            var admission = new Admission(0, Optional.of(ServerOptions.HandshakeRate.perSecond(3)), now::get);
            now.addAndGet(3600 * SECOND);
            for (int i = 0; i < 3; i++) {
                assertThat(admission.takeHandshake()).isZero();
            }
            assertThat(admission.takeHandshake()).isPositive();
        }

        @Test
        void noLimitNeverRefuses() {
            var admission = new Admission(0, Optional.empty(), now::get);
            for (int i = 0; i < 100_000; i++) {
                assertThat(admission.takeHandshake()).isZero();
            }
        }
    }

    @Nested
    class ConnectionsPerAddress {
        private final InetAddress a = InetAddress.getLoopbackAddress();
        private final InetAddress b;

        ConnectionsPerAddress() throws IOException {
            b = InetAddress.getByAddress(new byte[] {10, 0, 0, 1});
        }

        @Test
        void countsEachAddressAndForgetsItWhenItsLastSocketCloses() {
            var admission = new Admission(2, Optional.empty(), System::nanoTime);
            assertThat(admission.admitConnection(a)).isTrue();
            assertThat(admission.admitConnection(a)).isTrue();
            assertThat(admission.admitConnection(a)).isFalse();
            assertThat(admission.admitConnection(b)).isTrue();
            admission.releaseConnection(a);
            assertThat(admission.admitConnection(a)).isTrue();
            admission.releaseConnection(a);
            admission.releaseConnection(a);
            admission.releaseConnection(b);
            assertThat(admission.trackedAddresses()).isZero();
        }

        @Test
        void noLimitTracksNothing() {
            var admission = new Admission(0, Optional.empty(), System::nanoTime);
            for (int i = 0; i < 1000; i++) {
                assertThat(admission.admitConnection(a)).isTrue();
            }
            assertThat(admission.trackedAddresses()).isZero();
        }
    }

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
