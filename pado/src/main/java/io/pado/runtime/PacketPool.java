package io.pado.runtime;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * One event loop's buffers for TLS records: a {@link TlsTransport} borrows one to read records into or to wrap
 * records in while bytes move, and gives it back as soon as it is empty. So an idle {@code wss://} connection holds
 * no record buffer of its own, and a loop needs only as many as it has connections with bytes in motion at once,
 * plus a few spare. Loop thread only.
 *
 * <p>Buffers come in a few sizes (the sizes the TLS engines ask for: one record to read, a few to write); each size
 * keeps at most {@link #MAX_IDLE} idle buffers. They are heap buffers: the JDK's ciphers work on arrays.
 */
public final class PacketPool {
    /** Sizes pooled; a buffer of any other size is made for the caller and dropped when given back. */
    private static final int MAX_SIZES = 4;
    /** Idle buffers kept per size: at most about 2 MiB for the usual 16 KiB and 64 KiB sizes. */
    static final int MAX_IDLE = 24;

    private final int[] sizes = new int[MAX_SIZES];
    @SuppressWarnings("unchecked")
    private final ArrayDeque<ByteBuffer>[] idle = new ArrayDeque[MAX_SIZES];
    private int sizeCount;
    private int lent;

    /** A cleared buffer of exactly {@code bytes} capacity: an idle one if there is one. */
    ByteBuffer take(int bytes) {
        lent++;
        int i = indexOf(bytes);
        if (i < 0 && sizeCount < MAX_SIZES) {
            i = sizeCount++;
            sizes[i] = bytes;
            idle[i] = new ArrayDeque<>();
        }
        if (i >= 0) {
            ByteBuffer b = idle[i].pollFirst(); // the one given back last, still in the cache
            if (b != null) {
                return b;
            }
        }
        return ByteBuffer.allocate(bytes);
    }

    /**
     * Takes back a buffer from {@link #take}, or one that replaced it; the caller no longer uses it. A buffer of a
     * size no one asked for (a record buffer that grew) is left to the garbage collector.
     */
    void giveBack(ByteBuffer buffer) {
        lent--;
        int i = indexOf(buffer.capacity());
        if (i >= 0 && idle[i].size() < MAX_IDLE) {
            assert !idle[i].contains(buffer) : "a buffer given back twice";
            idle[i].addFirst(buffer.clear());
        }
    }

    /** Buffers lent and not given back: zero once no connection of the loop has bytes in motion. */
    int lentCount() {
        return lent;
    }

    /** Idle buffers kept, of all sizes. */
    int idleCount() {
        int n = 0;
        for (int i = 0; i < sizeCount; i++) {
            n += idle[i].size();
        }
        return n;
    }

    private int indexOf(int capacity) {
        for (int i = 0; i < sizeCount; i++) {
            if (sizes[i] == capacity) {
                return i;
            }
        }
        return -1;
    }
}
