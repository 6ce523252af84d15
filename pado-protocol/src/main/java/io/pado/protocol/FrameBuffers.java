package io.pado.protocol;

import java.nio.ByteBuffer;

/**
 * Where a {@link Connection} gets the buffers it writes outgoing frames into, those it gathers a received binary
 * message in when it does not arrive whole, and those its extensions encode a message into. The default,
 * {@link #HEAP}, allocates a new heap buffer for each; a runtime can pool them instead and take each buffer back once
 * {@link Connection#pollOutput()} has handed it out and its bytes are written, or once the engine
 * {@link #giveBack gives it back}, so that sending and receiving allocate nothing.
 */
@FunctionalInterface
public interface FrameBuffers {
    /** A new heap buffer for every frame. */
    FrameBuffers HEAP = ByteBuffer::allocate;

    /**
     * A buffer to write {@code bytes} bytes into: position 0, limit {@code bytes}, big-endian, writable. Its content
     * is undefined.
     */
    ByteBuffer take(int bytes);

    /**
     * Takes back a buffer from {@link #take} that the engine is done with: one it gathered a received message in (at
     * the next {@link Connection#receive} after the message's event), or one an extension encoded a message into. A
     * buffer this did not lend may come back too, and is to be ignored. The default lets every buffer go to the
     * garbage collector.
     */
    default void giveBack(ByteBuffer buffer) {
    }

    /**
     * A read-only buffer over the same bytes as {@code source} (a buffer given to {@link Connection#receive}, or one
     * from {@link #take}), with the same indices, for the engine to show a message through: it sets the view's
     * position and limit to the message, and the view is valid until the next call. The default makes a new one each
     * time; a runtime that reads into the same buffer every time may return the same view, so that a message is
     * handed out without a new object.
     */
    default ByteBuffer readOnlyView(ByteBuffer source) {
        return source.duplicate().clear().asReadOnlyBuffer();
    }
}
