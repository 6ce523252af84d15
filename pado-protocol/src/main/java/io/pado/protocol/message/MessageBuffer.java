package io.pado.protocol.message;

import java.nio.ByteBuffer;

/**
 * Gathers the pieces of a message that spans frames or reads. Grows by doubling up to what the message needs; the
 * size limit is checked by the caller before appending. Not thread-safe.
 *
 * <p>A buffer handed out by {@link #takeAll()} is never written again. When the gathered bytes were only read (a text
 * message decoded into a {@code String}), {@link #recycle()} keeps the buffer for the next message, up to
 * {@value #KEEP_BYTES} bytes, so that fragmented text does not regrow it every time and an idle connection does not
 * hold a big one.
 */
public final class MessageBuffer {
    private static final int INITIAL_BYTES = 256;
    static final int KEEP_BYTES = 64 << 10;

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

    /**
     * Forgets the gathered bytes, keeping the buffer for the next message if it holds at most {@value #KEEP_BYTES}
     * bytes. Only for bytes that were copied out: never after {@link #takeAll()} handed them over.
     */
    public void recycle() {
        if (buffer != null && buffer.capacity() <= KEEP_BYTES) {
            buffer.clear();
        } else {
            buffer = null;
        }
    }

    /** Forgets everything gathered, and the buffer. */
    public void clear() {
        buffer = null;
    }
}
