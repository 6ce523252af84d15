package io.pado.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pado.protocol.Connection;
import io.pado.protocol.EngineOptions;
import io.pado.protocol.Event;
import io.pado.protocol.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The outbox's gathering writes against a transport that takes a few bytes at a time, or fails: the bytes reach the
 * wire whole and in order, every send is told once its bytes are out, and every pooled buffer goes back. The loop
 * is not started: the test thread is the only one that uses it, as the loop thread would be.
 */
class OutboxTest {
    private static final String UPGRADE = "GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    private final EventLoop loop = new EventLoop("pado-outbox-test", true);
    private final Connection engine = Connection.server(EngineOptions.DEFAULT);
    private final Outbox outbox = new Outbox(loop, engine);

    /** Takes at most {@code perWrite} bytes a call (0 when {@code full}), into {@code wire}; or fails. */
    private static final class TrickleTransport implements Transport {
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        int perWrite;
        boolean full;
        boolean broken;

        TrickleTransport(int perWrite) {
            this.perWrite = perWrite;
        }

        @Override
        public int read(ByteBuffer dst) {
            return 0;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            if (broken) {
                throw new ClosedChannelException();
            }
            long taken = 0;
            for (int i = offset; i < offset + length && !full && taken < perWrite; i++) {
                while (srcs[i].hasRemaining() && taken < perWrite) {
                    wire.write(srcs[i].get());
                    taken++;
                }
            }
            return taken;
        }

        @Override
        public boolean wantsWritable(boolean appQueued) {
            return appQueued;
        }

        @Override
        public boolean flushAfterRead(boolean appQueued) {
            return false;
        }

        @Override
        public boolean hasBufferedInput() {
            return false;
        }

        @Override
        public boolean finishOutput() {
            return true;
        }
    }

    /** The engine opened (its 101 queued and written away), sending through the loop's pool as a link's does. */
    private void open(TrickleTransport transport) throws IOException {
        engine.useFrameBuffers(loop.framePool());
        engine.receive(ByteBuffer.wrap(UPGRADE.getBytes(StandardCharsets.US_ASCII)));
        assertThat(engine.pollEvent()).isInstanceOf(Event.Upgrade.class);
        engine.accept(Optional.empty(), Optional.empty(), Headers.of());
        outbox.takeOutput();
        int perWrite = transport.perWrite;
        transport.perWrite = Integer.MAX_VALUE;
        assertThat(outbox.flush(transport, System.nanoTime())).isTrue();
        transport.perWrite = perWrite;
        transport.wire.reset();
    }

    /** Queues {@code count} binary messages of {@code bytes} each, byte i of message m being m + i; their futures. */
    private CompletableFuture<?>[] send(int count, int bytes) {
        var sent = new CompletableFuture<?>[count];
        for (int m = 0; m < count; m++) {
            byte[] payload = new byte[bytes];
            for (int i = 0; i < bytes; i++) {
                payload[i] = (byte) (m + i);
            }
            var future = new CompletableFuture<Void>();
            outbox.send(Connection::sendBinary, ByteBuffer.wrap(payload), future, null, 0);
            sent[m] = future;
        }
        return sent;
    }

    @Test
    void manyFramesWrittenAFewBytesAtATimeArriveWholeAndInOrder() throws IOException {
        var transport = new TrickleTransport(7);
        open(transport);
        // More frames than the loop's gather array holds, so that the queue is written over several gathers
        int count = loop.gather().length * 3;
        var sent = send(count, 100);
        while (!outbox.flush(transport, System.nanoTime())) {
            assertThat(transport.wire.size()).isPositive();
        }
        assertThat(sent).allSatisfy(f -> assertThat(f).isCompleted());
        byte[] wire = transport.wire.toByteArray();
        assertThat(wire).hasSize(count * (2 + 100)); // server frames: two header bytes, no mask
        for (int m = 0; m < count; m++) {
            int at = m * 102;
            assertThat(wire[at] & 0xFF).as("frame %d's first byte", m).isEqualTo(0x82);
            assertThat(wire[at + 1]).as("frame %d's length", m).isEqualTo((byte) 100);
            for (int i = 0; i < 100; i++) {
                assertThat(wire[at + 2 + i]).as("frame %d, byte %d", m, i).isEqualTo((byte) (m + i));
            }
        }
        assertThat(loop.framePool().lentCount()).isZero();
    }

    @Test
    void aFullSocketKeepsWhatIsLeftQueuedInOrder() throws IOException {
        var transport = new TrickleTransport(250);
        open(transport);
        var sent = send(10, 100);
        assertThat(outbox.flush(transport, System.nanoTime())).isFalse(); // 250 of 1,020 bytes, then full
        assertThat(sent[0]).isCompleted();
        assertThat(sent[3]).isNotCompleted();
        transport.full = true;
        assertThat(outbox.flush(transport, System.nanoTime())).isFalse();
        assertThat(transport.wire.size()).isEqualTo(250);
        transport.full = false;
        transport.perWrite = Integer.MAX_VALUE;
        assertThat(outbox.flush(transport, System.nanoTime())).isTrue();
        assertThat(transport.wire.size()).isEqualTo(10 * 102);
        assertThat(sent).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(loop.framePool().lentCount()).isZero();
    }

    @Test
    void aWriteThatFailsLeavesEveryBufferQueuedForTheDiscardToGiveBack() throws IOException {
        var transport = new TrickleTransport(150);
        open(transport);
        var sent = send(loop.gather().length + 2, 100);
        assertThat(outbox.flush(transport, System.nanoTime())).isFalse();
        transport.broken = true;
        assertThatThrownBy(() -> outbox.flush(transport, System.nanoTime())).isInstanceOf(ClosedChannelException.class);
        assertThat(loop.framePool().lentCount()).isPositive();
        outbox.discard(() -> new IOException("gone"));
        assertThat(loop.framePool().lentCount()).isZero();
        assertThat(sent[0]).isCompleted();
        assertThat(sent[sent.length - 1]).isCompletedExceptionally();
    }
}
