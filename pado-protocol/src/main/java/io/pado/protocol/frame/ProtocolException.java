package io.pado.protocol.frame;

/**
 * The peer broke the protocol. It carries the close code to fail the connection with. No stack trace: peers can
 * trigger it at will, so it must be cheap.
 */
public final class ProtocolException extends RuntimeException {
    private final CloseCode closeCode;

    public ProtocolException(CloseCode closeCode, String message) {
        super(message, null, false, false);
        this.closeCode = closeCode;
    }

    /** The code to send in the Close frame that fails the connection. */
    public CloseCode closeCode() {
        return closeCode;
    }
}
