package io.pado.protocol.frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** XOR masking of payloads (RFC 6455 §5.3), eight bytes at a time. */
public final class Masking {

    private Masking() {
    }

    /**
     * Masks (or unmasks: the operation is its own inverse) bytes {@code from} (inclusive) to {@code to} (exclusive)
     * of {@code buf} in place, with absolute indexes; the buffer's position and limit do not move.
     *
     * @param key    the masking key, as read from the frame header (big-endian)
     * @param offset how many payload bytes before {@code from} were already masked with this key, so that a payload
     *               split over several buffers continues with the right key byte
     */
    public static void mask(ByteBuffer buf, int from, int to, int key, long offset) {
        if (key == 0) {
            return;
        }
        int rotated = Integer.rotateLeft(key, (int) (8 * (offset & 3)));
        long key8 = ((long) rotated << 32) | (rotated & 0xFFFF_FFFFL);
        if (buf.order() == ByteOrder.LITTLE_ENDIAN) {
            key8 = Long.reverseBytes(key8);
        }
        int i = from;
        for (; i + 8 <= to; i += 8) {
            buf.putLong(i, buf.getLong(i) ^ key8);
        }
        for (; i < to; i++) {
            buf.put(i, (byte) (buf.get(i) ^ (rotated >>> (24 - 8 * ((i - from) & 3)))));
        }
    }
}
