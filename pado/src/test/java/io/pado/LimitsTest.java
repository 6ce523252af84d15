package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each limit and timeout of {@link ServerOptions}, checked over a real socket. */
class LimitsTest {

    static Server start(ServerOptions options, Handler handler) throws Exception {
        return Server.create(options.toBuilder().eventLoops(1).build()).endpoint("/ws", handler).start();
    }

    @Test
    void defaultsAreSafe() {
        var d = ServerOptions.DEFAULT;
        assertThat(d.host()).isEqualTo("127.0.0.1");
        assertThat(d.connection().handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.maxRequestHeadBytes()).isEqualTo(8192);
        assertThat(d.connection().maxMessageBytes()).isEqualTo(1 << 20);
        assertThat(d.connection().maxFrameBytes()).isEqualTo(1 << 20);
        assertThat(d.connection().closeTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.connection().idleTimeout()).isEqualTo(Duration.ZERO);
        assertThat(d.connection().maxQueuedBytes()).isGreaterThan(d.connection().highWaterBytes());
    }

    @Test
    void silentConnectionIsClosedAfterTheHandshakeTimeout() throws Exception {
        try (var server = start(ServerOptions.builder()
                .connection(c -> c.handshakeTimeout(Duration.ofMillis(300)))
                .build(), new Recorder());
                var raw = RawSocket.connect(server.port())) {
            raw.write("GET /ws HTTP/1.1\r\n"); // and then nothing
            long t0 = System.nanoTime();
            assertThat(raw.awaitEof()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(250),
                    Duration.ofSeconds(5));
        }
    }

    @Test
    void requestHeadOverTheLimitGets431() throws Exception {
        try (var server = start(ServerOptions.builder().maxRequestHeadBytes(1024).build(), new Recorder());
                var raw = RawSocket.connect(server.port())) {
            raw.write(RawSocket.upgradeRequest("/ws", "Sec-WebSocket-Version: 13\r\nX-Big: " + "a".repeat(2000)
                    + "\r\n"));
            assertThat(raw.readHead()).startsWith("HTTP/1.1 431");
            assertThat(raw.awaitEof()).isTrue();
        }
    }

    @Test
    void frameOverTheLimitClosesWith1009() throws Exception {
        var recorder = new Recorder();
        try (var server = start(ServerOptions.builder()
                .connection(c -> c.maxFrameBytes(1024).maxMessageBytes(4096).closeTimeout(Duration.ofSeconds(5)))
                .build(),
                recorder); var raw = RawSocket.open(server.port(), "/ws")) {
            raw.write(RawSocket.frame(0x82, new byte[1025]));
            var close = raw.readFrame();
            assertThat(close.opcode()).isEqualTo(8);
            assertThat(close.closeCode()).isEqualTo(1009);
            assertThat(recorder.awaitClose().code()).isEqualTo(1009);
            assertThat(raw.awaitEof()).isTrue();
        }
    }

    @Test
    void messageOverTheLimitClosesWith1009() throws Exception {
        var recorder = new Recorder();
        try (var server = start(ServerOptions.builder()
                .connection(c -> c.maxFrameBytes(1024).maxMessageBytes(2048).closeTimeout(Duration.ofSeconds(5)))
                .build(),
                recorder); var raw = RawSocket.open(server.port(), "/ws")) {
            raw.write(RawSocket.frame(0x02, new byte[1000])); // binary, not final
            raw.write(RawSocket.frame(0x00, new byte[1000])); // continuation
            raw.write(RawSocket.frame(0x80, new byte[1000])); // final continuation: 3000 bytes in all
            var close = raw.readFrame();
            assertThat(close.closeCode()).isEqualTo(1009);
            assertThat(recorder.awaitClose().code()).isEqualTo(1009);
        }
    }

    @Test
    void peerThatNeverAnswersTheCloseIsDroppedAfterTheCloseTimeout() throws Exception {
        var recorder = new Recorder();
        var options = ServerOptions.builder().connection(c -> c.closeTimeout(Duration.ofMillis(300))).build();
        try (var server = start(options, recorder); var raw = RawSocket.open(server.port(), "/ws")) {
            WebSocket ws = recorder.awaitOpen();
            long t0 = System.nanoTime();
            ws.close(1000, "bye");
            assertThat(raw.readFrame().closeCode()).isEqualTo(1000);
            // no answer from us
            assertThat(raw.awaitEof()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(250),
                    Duration.ofSeconds(5));
            assertThat(recorder.awaitClose().code()).isEqualTo(1006);
        }
    }

    @Test
    void idleConnectionIsClosedWith1001() throws Exception {
        var recorder = new Recorder();
        try (var server = start(ServerOptions.builder()
                .connection(c -> c.idleTimeout(Duration.ofMillis(300)))
                .build(), recorder);
                var raw = RawSocket.open(server.port(), "/ws")) {
            recorder.awaitOpen();
            long t0 = System.nanoTime();
            var close = raw.readFrame();
            assertThat(close.closeCode()).isEqualTo(1001);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
            raw.write(RawSocket.frame(0x88, RawSocket.closePayload(1001, "")));
            assertThat(raw.awaitEof()).isTrue();
            assertThat(recorder.awaitClose().code()).isEqualTo(1001);
        }
    }

    @Test
    void activeConnectionIsNotIdle() throws Exception {
        var options = ServerOptions.builder().connection(c -> c.idleTimeout(Duration.ofMillis(400))).build();
        try (var server = start(options, new Echo()); var raw = RawSocket.open(server.port(), "/ws")) {
            long end = System.nanoTime() + Duration.ofMillis(1200).toNanos();
            while (System.nanoTime() < end) {
                raw.sendText("still here");
                var frame = raw.readFrame();
                assertThat(frame.opcode()).as("an echo, not a Close").isEqualTo(1);
                assertThat(frame.text()).isEqualTo("still here");
                var pause = new java.util.concurrent.CompletableFuture<Void>();
                pause.completeOnTimeout(null, 100, java.util.concurrent.TimeUnit.MILLISECONDS).join();
            }
        }
    }

    @Test
    void badOptionsAreRefusedAtOnce() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerOptions.builder()
                .connection(c -> c.waterMarks(10, 5))
                .build())
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerOptions.builder().port(70000).build())
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> ServerOptions.builder().connection(c -> c.handshakeTimeout(Duration.ZERO)).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
