package io.pado;

import java.io.IOException;

/**
 * The WebSocket is closed (or closing) so the operation could not be done: a send after {@code close}, a send that
 * raced with the peer's Close, or a wait for writability that ended because the connection went away.
 *
 * <p>{@link #code()} is the close code that ended the connection as far as it is known, or 1006 (abnormal
 * closure) when the connection ended without a closing handshake.
 */
public final class ClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int code;

    /**
     * @param code    the close code (RFC 6455 §7.4)
     * @param message what was refused
     */
    public ClosedException(int code, String message) {
        super(message);
        this.code = code;
    }

    /** The close code of the connection, RFC 6455 §7.4. */
    public int code() {
        return code;
    }
}
