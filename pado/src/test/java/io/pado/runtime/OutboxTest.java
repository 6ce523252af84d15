package io.pado.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pado.protocol.Connection;
import io.pado.protocol.EngineOptions;
import io.pado.protocol.Event;
import io.pado.protocol.Headers;
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

    /** The engine opened (its 101 queued and written away), sending through the loop's pool as a link's does. */
    private MemorySocket open() throws IOException {
        var socket = new MemorySocket();
        engine.useFrameBuffers(loop.framePool());
        engine.receive(ByteBuffer.wrap(UPGRADE.getBytes(StandardCharsets.US_ASCII)));
        assertThat(engine.pollEvent()).isInstanceOf(Event.Upgrade.class);
        engine.accept(Optional.empty(), Optional.empty(), Headers.of());
        outbox.takeOutput();
        assertThat(outbox.flush(socket, System.nanoTime())).isTrue();
        socket.takeWritten(); // the 101
        return socket;
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
        var socket = open();
        socket.perWrite(7);
        // More frames than the loop's gather array holds, so that the queue is written over several gathers
        int count = loop.gather().length * 3;
        var sent = send(count, 100);
        while (!outbox.flush(socket, System.nanoTime())) {
            assertThat(socket.writtenSize()).isPositive();
        }
        assertThat(sent).allSatisfy(f -> assertThat(f).isCompleted());
        byte[] wire = socket.takeWritten();
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
        var socket = open();
        socket.acceptBytes(250);
        var sent = send(10, 100);
        assertThat(outbox.flush(socket, System.nanoTime())).isFalse(); // 250 of 1,020 bytes, then full
        assertThat(sent[0]).isCompleted();
        assertThat(sent[3]).isNotCompleted();
        assertThat(outbox.flush(socket, System.nanoTime())).isFalse();
        assertThat(socket.writtenSize()).isEqualTo(250);
        socket.acceptBytes(Long.MAX_VALUE);
        assertThat(outbox.flush(socket, System.nanoTime())).isTrue();
        assertThat(socket.writtenSize()).isEqualTo(10 * 102);
        assertThat(sent).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(loop.framePool().lentCount()).isZero();
    }

    @Test
    void aWriteThatFailsLeavesEveryBufferQueuedForTheDiscardToGiveBack() throws IOException {
        var socket = open();
        socket.acceptBytes(150);
        var sent = send(loop.gather().length + 2, 100);
        assertThat(outbox.flush(socket, System.nanoTime())).isFalse();
        socket.breakIt();
        assertThatThrownBy(() -> outbox.flush(socket, System.nanoTime())).isInstanceOf(ClosedChannelException.class);
        assertThat(loop.framePool().lentCount()).isPositive();
        outbox.discard(() -> new IOException("gone"));
        assertThat(loop.framePool().lentCount()).isZero();
        assertThat(sent[0]).isCompleted();
        assertThat(sent[sent.length - 1]).isCompletedExceptionally();
    }
}
