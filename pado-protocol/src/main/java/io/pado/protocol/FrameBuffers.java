package io.pado.protocol;

import java.nio.ByteBuffer;

/**
 * Where a {@link Connection} gets the buffers it writes outgoing frames into, those it gathers a received binary
 * message in for a {@link BinaryReceiver}, and those its extensions encode a message into before it is framed. The
 * default, {@link #HEAP}, allocates a new heap buffer for each; a runtime can pool them instead and take each buffer
 * back once {@link Connection#pollOutput()} has handed it out and its bytes are written, or once the engine
 * {@link #giveBack gives it back}, so that sending and receiving allocate nothing.
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

    /**
     * Takes back a buffer from {@link #take} that the engine is done with: one it gathered a received message in, or
     * one an extension encoded a message into. The engine never hands such a buffer out in an event or through
     * {@link Connection#pollOutput()}. A buffer this did not lend may come back too, and is to be ignored. The default
     * lets every buffer go to the garbage collector.
     */
    default void giveBack(ByteBuffer buffer) {
    }

    /**
     * A read-only buffer over the same bytes as {@code input} (a buffer given to {@link Connection#receive}), with
     * the same indices and a limit no lower than {@code input}'s: the engine cuts the views its binary events carry
     * out of it. The default makes a new one each time; a runtime that reads into the same buffer every time may
     * keep one, so that a whole message is handed out with a single small object.
     */
    default ByteBuffer readOnlyView(ByteBuffer input) {
        return input.asReadOnlyBuffer();
    }
}
