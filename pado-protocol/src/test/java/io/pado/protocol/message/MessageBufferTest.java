package io.pado.protocol.message;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

class MessageBufferTest {

    private static ByteBuffer bytes(int n, int value) {
        ByteBuffer buf = ByteBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            buf.put(i, (byte) value);
        }
        return buf;
    }

    @Test
    void gathersPiecesAndGrows() {
        var message = new MessageBuffer();
        message.append(bytes(200, 1));
        message.append(bytes(300, 2));
        assertThat(message.size()).isEqualTo(500);
        ByteBuffer all = message.takeAll();
        assertThat(all.remaining()).isEqualTo(500);
        assertThat(all.get(199)).isEqualTo((byte) 1);
        assertThat(all.get(200)).isEqualTo((byte) 2);
        assertThat(all.isReadOnly()).isTrue();
        assertThat(message.size()).isZero();
        assertThat(message.takeAll().remaining()).isZero();
    }

    @Test
    void recycleKeepsASmallBufferForTheNextMessage() {
        var message = new MessageBuffer();
        message.append(bytes(1000, 1));
        byte[] array = message.array();
        message.recycle();
        assertThat(message.size()).isZero();
        message.append(bytes(10, 2));
        assertThat(message.array()).isSameAs(array);
        assertThat(message.array()[0]).isEqualTo((byte) 2);
    }

    @Test
    void recycleDropsABigBuffer() {
        var message = new MessageBuffer();
        message.append(bytes(MessageBuffer.KEEP_BYTES + 1, 1));
        message.recycle();
        assertThat(message.array()).isNull();
        assertThat(message.size()).isZero();
    }

    @Test
    void aBufferTakenAfterRecyclingIsNeverWrittenAgain() {
        var message = new MessageBuffer();
        message.append(bytes(100, 1));
        message.recycle();
        message.append(bytes(100, 2));
        ByteBuffer taken = message.takeAll();
        message.append(bytes(100, 3));
        assertThat(taken.get(0)).isEqualTo((byte) 2);
        assertThat(message.array()[0]).isEqualTo((byte) 3);
    }

    @Test
    void discardFirstKeepsTheRest() {
        var message = new MessageBuffer();
        message.append(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
        message.discardFirst(3);
        assertThat(message.size()).isEqualTo(1);
        assertThat(message.array()[0]).isEqualTo((byte) 4);
        message.clear();
        assertThat(message.size()).isZero();
    }
}
