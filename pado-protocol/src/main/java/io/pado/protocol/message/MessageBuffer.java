package io.pado.protocol.message;

import java.nio.ByteBuffer;

/**
 * Gathers the pieces of a message that spans frames or reads. Grows by doubling up to what the message needs; the
 * size limit is checked by the caller before appending. Not thread-safe.
 */
public final class MessageBuffer {
    private static final int INITIAL_BYTES = 256;

    private ByteBuffer buffer;

    /** Appends the remaining bytes of {@code piece}, moving its position to its limit. */
    public void append(ByteBuffer piece) {
        int needed = piece.remaining();
        if (buffer == null) {
            buffer = ByteBuffer.allocate(Math.max(INITIAL_BYTES, needed));
        } else if (buffer.remaining() < needed) {
            long wanted = Math.max((long) buffer.capacity() * 2, (long) buffer.position() + needed);
            ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(wanted, Integer.MAX_VALUE - 8));
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
        buffer.put(piece);
    }

    /** Bytes gathered so far. */
    public int size() {
        return buffer == null ? 0 : buffer.position();
    }

    /** The heap array behind the gathered bytes, which start at index 0; null when nothing was gathered. */
    public byte[] array() {
        return buffer == null ? null : buffer.array();
    }

    /**
     * Hands the gathered bytes over as a read-only buffer and forgets them: the next message starts a new buffer, so
     * a message already handed out is never overwritten.
     */
    public ByteBuffer takeAll() {
        if (buffer == null) {
            return ByteBuffer.allocate(0).asReadOnlyBuffer();
        }
        ByteBuffer all = buffer.flip().asReadOnlyBuffer();
        buffer = null;
        return all;
    }

    /** Drops the first {@code bytes} bytes gathered, keeping the rest (at most a few) for the next piece. */
    public void discardFirst(int bytes) {
        buffer.flip().position(bytes);
        buffer.compact();
    }

    /** Forgets everything gathered. */
    public void clear() {
        buffer = null;
    }
}
