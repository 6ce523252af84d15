package io.pado;

import java.io.IOException;

/**
 * A send was dropped by {@link SlowConsumerPolicy#DROP}: the peer was too far behind. The connection is still open,
 * and later sends may go through.
 */
public final class MessageDroppedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message says how full the queue was */
    public MessageDroppedException(String message) {
        super(message);
    }
}
