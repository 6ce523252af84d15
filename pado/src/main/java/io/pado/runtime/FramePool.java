package io.pado.runtime;

import io.pado.protocol.FrameBuffers;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;

/**
 * One event loop's reusable frame buffers: the engines of its links write outgoing frames into them, and a link gives
 * each back once the socket has taken its bytes. In a steady stream of messages, sending then allocates nothing, and
 * the buffers are direct, so the socket write copies nothing either. An engine also gathers a received binary message
 * that comes in pieces (split across reads, fragmented or compressed) in one, and gives it back once the loop handler
 * has returned. Loop thread only.
 *
 * <p>Frames up to {@link #LARGEST} bytes come from the pool, in five sizes; larger ones are plain heap buffers. The
 * pool remembers which buffers it lent, so that buffers it did not lend (a broadcast frame, a slice of a large payload,
 * handshake bytes) are never taken in, and keeps a few idle buffers of each size.
 */
public final class FramePool implements FrameBuffers {
    private static final int[] SIZES = {256, 2048, 4096 + 16, 16384 + 16, 65536 + 16};
    static final int LARGEST = SIZES[SIZES.length - 1];
    /**
     * Idle buffers kept per size, fewer of the big ones: at most about 4.3 MiB per loop. Enough small ones for a
     * thousand connections with a message each in flight, which would otherwise allocate (and free) direct buffers
     * on every burst.
     */
    private static final int[] MAX_IDLE_OF = {1024, 1024, 256, 32, 8};
    /** The idle cap of the small sizes. */
    static final int MAX_IDLE = MAX_IDLE_OF[0];

    @SuppressWarnings("unchecked")
    private final ArrayDeque<ByteBuffer>[] idle = new ArrayDeque[SIZES.length];
    /** Lent and not yet given back: written frames come back by identity, whatever their position. */
    private final IdentityHashMap<ByteBuffer, Integer> lent = new IdentityHashMap<>();
    /** Received binary messages up to this size reach a loop handler through one reused view: see messageView. */
    static final int REUSED_VIEW_BYTES = 4096;
    private final ByteBuffer messageBuffer = ByteBuffer.allocateDirect(REUSED_VIEW_BYTES);
    private final ByteBuffer messageView = messageBuffer.asReadOnlyBuffer();
    /** The input buffer last seen by {@link #readOnlyView} and its read-only twin. */
    private ByteBuffer viewSource;
    private ByteBuffer view;
    /** Read-only twins of pooled buffers that messages were gathered in, made once per buffer. */
    private final IdentityHashMap<ByteBuffer, ByteBuffer> twins = new IdentityHashMap<>();

    FramePool() {
        for (int i = 0; i < SIZES.length; i++) {
            idle[i] = new ArrayDeque<>();
        }
    }

    @Override
    public ByteBuffer take(int bytes) {
        int size = sizeFor(bytes);
        if (size < 0) {
            return ByteBuffer.allocate(bytes);
        }
        ByteBuffer buffer = idle[size].pollFirst(); // the one given back last, still in the cache
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(SIZES[size]);
        }
        buffer.clear().limit(bytes);
        lent.put(buffer, size);
        return buffer;
    }

    /**
     * The loop reads every socket into the same buffer: its read-only twin is made once and kept, so a received
     * message's view is the only object its event needs.
     */
    @Override
    public ByteBuffer readOnlyView(ByteBuffer input) {
        if (input == viewSource) {
            return view;
        }
        if (lent.containsKey(input)) {
            // A pooled buffer a message was gathered in: its twin lives as long as the buffer stays in the pool
            return twins.computeIfAbsent(input, b -> b.duplicate().clear().asReadOnlyBuffer());
        }
        viewSource = input;
        view = input.duplicate().clear().asReadOnlyBuffer(); // the whole capacity, whatever the input's limit
        return view;
    }

    /**
     * A read-only buffer holding the remaining bytes of {@code message} (an event's view), from position 0, for a
     * loop handler's call. Up to {@link #REUSED_VIEW_BYTES} they are copied into the loop's message buffer and the
     * same view of it is handed out every time: a small copy instead of an object per message, which is safe because
     * handlers on the loop run one at a time and their buffers are valid only during the call. Bigger messages get a
     * slice of the input, whose cost is small beside theirs.
     */
    public ByteBuffer messageView(ByteBuffer message) {
        int length = message.remaining();
        if (length > REUSED_VIEW_BYTES) {
            return message.slice();
        }
        messageBuffer.put(0, message, message.position(), length);
        return messageView.clear().limit(length);
    }

    /** Takes back a buffer whose bytes are written or no longer wanted; ignores buffers the pool did not lend. */
    @Override
    public void giveBack(ByteBuffer buffer) {
        Integer size = lent.remove(buffer);
        if (size == null) {
            return;
        }
        if (idle[size].size() < MAX_IDLE_OF[size]) {
            idle[size].addFirst(buffer);
        } else {
            twins.remove(buffer);
        }
    }

    /** Buffers lent and not given back (for tests: zero once every link has flushed or closed). */
    int lentCount() {
        return lent.size();
    }

    private static int sizeFor(int bytes) {
        for (int i = 0; i < SIZES.length; i++) {
            if (bytes <= SIZES[i]) {
                return i;
            }
        }
        return -1;
    }
}
