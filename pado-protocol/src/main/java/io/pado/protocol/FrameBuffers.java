package io.pado.protocol;

import java.nio.ByteBuffer;

/**
 * Where a {@link Connection} gets the buffers it writes outgoing frames into. The default, {@link #HEAP}, allocates
 * a new heap buffer for each; a runtime can pool them instead and take each buffer back once
 * {@link Connection#pollOutput()} has handed it out and its bytes are written, so that sending allocates nothing.
 */
@FunctionalInterface
public interface FrameBuffers {
    /** A new heap buffer for every frame. */
    FrameBuffers HEAP = ByteBuffer::allocate;

    /**
     * A buffer to write one frame of {@code bytes} bytes into: position 0, limit {@code bytes}, big-endian, writable.
     * Its content is undefined.
     */
    ByteBuffer take(int bytes);
}
