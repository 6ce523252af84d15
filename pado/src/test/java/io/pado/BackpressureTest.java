package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A peer that stops reading: the sender sees it, waits, and memory stays bounded. */
class BackpressureTest {
    static final long LOW = 64 << 10;
    static final long HIGH = 256 << 10;
    static final long MAX = 1 << 20;

    @Test
    void queueStopsGrowingAndSenderWaitsForTheLowWaterMark() throws Exception {
        var recorder = new Recorder();
        var options = ServerOptions.builder()
                .eventLoops(1)
                .connection(c -> c.waterMarks(LOW, HIGH).maxQueuedBytes(MAX))
                .build();
        try (var server = Server.create(options).endpoint("/ws", recorder).start();
                var raw = RawSocket.open(server.port(), "/ws")) {
            WebSocket ws = recorder.awaitOpen();
            ByteBuffer chunk = ByteBuffer.allocate(16 << 10);
            long maxSeen = 0;
            boolean stalled = false;
            // Send while writable; when not, wait a bounded time for writability: once that wait times out, the
            // kernel buffers are full and only our queue is left. Bounded: at most 160 MiB offered.
            for (int i = 0; i < 10_000 && !stalled; i++) {
                ws.sendBinary(chunk);
                maxSeen = Math.max(maxSeen, ws.queuedBytes());
                if (!ws.isWritable()) {
                    try {
                        ws.whenWritable().get(1, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        stalled = true;
                    }
                }
            }
            assertThat(stalled).as("the sender sees the peer stall").isTrue();
            // Stalled above the low-water mark (it may sit between the marks, where isWritable() is true again).
            assertThat(ws.queuedBytes()).isGreaterThan(LOW);
            // Sends still work up to the hard maximum, then fail without queueing.
            IOException full = null;
            for (int i = 0; i < 1_000 && full == null; i++) {
                CompletableFuture<Void> sent = ws.sendBinary(chunk);
                maxSeen = Math.max(maxSeen, ws.queuedBytes());
                if (sent.isCompletedExceptionally()) {
                    try {
                        sent.get();
                    } catch (ExecutionException e) {
                        full = (IOException) e.getCause();
                    }
                }
            }
            assertThat(full).as("a send fails once the queue is full").isNotNull();
            assertThat(full.getMessage()).contains("send queue full");
            assertThat(maxSeen).isLessThanOrEqualTo(MAX);
            assertThat(ws.isWritable()).isFalse();
            CompletableFuture<Void> writable = ws.whenWritable();
            assertThat(writable).isNotDone();

            // The peer reads again: the queue drains and the waiter is released.
            Thread.ofVirtual().start(() -> {
                try {
                    raw.awaitEof();
                } catch (IOException e) {
                    // the test fails below if this matters
                }
            });
            writable.get(10, TimeUnit.SECONDS);
            assertThat(ws.queuedBytes()).isLessThanOrEqualTo(HIGH);
            ws.awaitWritable();
            assertThat(ws.isWritable()).isTrue();
        }
    }

    @Test
    void blockingSenderOnAVirtualThreadKeepsMemoryBounded() throws Exception {
        var recorder = new Recorder();
        var options = ServerOptions.builder()
                .eventLoops(1)
                .connection(c -> c.waterMarks(LOW, HIGH).maxQueuedBytes(MAX))
                .build();
        try (var server = Server.create(options).endpoint("/ws", recorder).start();
                var raw = RawSocket.open(server.port(), "/ws")) {
            WebSocket ws = recorder.awaitOpen();
            var sent = new java.util.concurrent.atomic.AtomicLong();
            var sender = Thread.ofVirtual().start(() -> {
                ByteBuffer chunk = ByteBuffer.allocate(8 << 10);
                try {
                    for (int i = 0; i < 2_000; i++) { // 16 MiB in all
                        ws.awaitWritable();
                        ws.sendBinary(chunk).exceptionally(e -> {
                            throw new AssertionError("a send failed", e);
                        });
                        sent.incrementAndGet();
                    }
                } catch (ClosedException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            long received = 0;
            long maxQueued = 0;
            while (received < 2_000) {
                var frame = raw.readFrame();
                assertThat(frame.payload()).hasSize(8 << 10);
                received++;
                maxQueued = Math.max(maxQueued, ws.queuedBytes());
            }
            sender.join(10_000);
            assertThat(sent.get()).isEqualTo(2_000);
            assertThat(maxQueued).isLessThanOrEqualTo(HIGH + (8 << 10) + 14);
        }
    }

    @Test
    void slowHandlerStopsTheServerReadingInsteadOfBuffering() throws Exception {
        var release = new CompletableFuture<Void>();
        var count = new java.util.concurrent.atomic.AtomicInteger();
        Handler slow = new Handler() {
            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                release.join();
                count.incrementAndGet();
            }
        };
        var options = ServerOptions.builder()
                .eventLoops(1)
                .connection(c -> c.waterMarks(LOW, HIGH).maxQueuedBytes(MAX))
                .build();
        try (var server = Server.create(options).endpoint("/ws", slow).start();
                var raw = RawSocket.open(server.port(), "/ws")) {
            raw.socket.setSoTimeout(2_000);
            byte[] frame = RawSocket.frame(0x82, new byte[16 << 10]);
            // The server stops reading above the high-water mark, the kernel buffers fill, and our writes block:
            // a writer thread that is still blocked after the bounded loop shows the push-back.
            var writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 4_000; i++) { // 64 MiB, far beyond kernel buffers
                        raw.write(frame);
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            assertThat(writer.join(java.time.Duration.ofSeconds(3))).as("writer blocked by TCP push-back").isFalse();
            release.complete(null);
            assertThat(writer.join(java.time.Duration.ofSeconds(30))).isTrue();
        }
    }
}
