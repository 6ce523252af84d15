package io.pado.protocol.fuzz;

import io.pado.protocol.FrameBuffers;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Frame buffers lent as a pooling runtime lends them, keeping count: each comes filled with junk (its content is
 * undefined) and is scribbled over when given back, so that an engine that reads what it did not write, or uses a
 * buffer after giving it back, shows it in its output or events. Giving back a buffer twice is a failure. It keeps
 * the most bytes lent at once, to bound what the engine holds.
 */
final class LendingBuffers implements FrameBuffers {
    private static final byte JUNK = (byte) 0xA5;
    private static final byte SCRIBBLE = (byte) 0x5A;

    private final Set<ByteBuffer> lent = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<ByteBuffer> back = Collections.newSetFromMap(new IdentityHashMap<>());
    private long lentBytes;
    private long mostLentBytes;

    @Override
    public ByteBuffer take(int bytes) {
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        fill(buffer, JUNK);
        lent.add(buffer);
        lentBytes += bytes;
        mostLentBytes = Math.max(mostLentBytes, lentBytes);
        return buffer;
    }

    @Override
    public void giveBack(ByteBuffer buffer) {
        if (lent.remove(buffer)) {
            lentBytes -= buffer.capacity();
            fill(buffer, SCRIBBLE);
            back.add(buffer);
        } else if (back.contains(buffer)) {
            throw new AssertionError("a buffer given back twice: " + buffer);
        }
        // else one that was not lent (an HTTP answer, a slice of the application's data): ignored, as documented
    }

    /** How many lent buffers have not come back. */
    int outstanding() {
        return lent.size();
    }

    /** The most bytes that were lent and not given back at one time. */
    long mostLentBytes() {
        return mostLentBytes;
    }

    private static void fill(ByteBuffer buffer, byte value) {
        Arrays.fill(buffer.array(), value); // a heap buffer of ours, whatever its position and limit now
    }
}
