package io.pado.protocol;

import java.nio.ByteBuffer;

/**
 * Takes whole binary messages from a {@link Connection} while it parses them, instead of {@link Event.Binary}
 * events: for a runtime whose handlers run on the thread that calls {@link Connection#receive}, so that a message
 * costs no event object. See {@link Connection#deliverBinaryTo}.
 */
@FunctionalInterface
public interface BinaryReceiver {
    /**
     * A whole binary message: bytes {@code from} to {@code from + length} of {@code input}, unmasked. They are valid
     * only during the call and must not be changed; {@code input}'s position and limit must not be moved.
     */
    void onBinary(ByteBuffer input, int from, int length);
}
