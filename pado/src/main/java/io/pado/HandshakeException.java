package io.pado;

import java.io.IOException;
import java.io.Serial;
import java.util.Objects;

/**
 * The opening handshake failed (RFC 6455 §4). On a client, {@link Client#connect} fails with it when the server
 * refused (its status and headers are here) or answered in a way RFC 6455 §4.1 does not allow (status 0; the message
 * names what was wrong). On a server, an {@link Endpoint}'s upgrade check throws it to refuse a request with
 * {@link #status()} and {@link #headers()}.
 *
 * <p>The message is fit for a log or an error page; the exception records no stack trace, since peers can cause it
 * at will.
 */
public class HandshakeException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Headers headers;

    /**
     * @param status  an HTTP status from 100 to 599, or 0 when the failure is not about a status
     * @param message what was wrong, readable, without internals
     * @param headers the server's header fields (client side), or extra fields to answer with (server side)
     * @throws IllegalArgumentException if {@code status} is neither 0 nor 100-599
     */
    public HandshakeException(int status, String message, Headers headers) {
        super(Objects.requireNonNull(message, "message"), null);
        if (status != 0 && (status < 100 || status > 599)) {
            throw new IllegalArgumentException("status must be 0 or 100-599: " + status);
        }
        this.status = status;
        this.headers = Objects.requireNonNull(headers, "headers");
    }

    /** A failure without header fields. */
    public HandshakeException(int status, String message) {
        this(status, message, Headers.of());
    }

    /** No stack trace: peers cause this exception at will, and the message says all. */
    @Override
    public Throwable fillInStackTrace() {
        return this;
    }

    /** The HTTP status the server answered (client side) or to answer with (server side), or 0. */
    public int status() {
        return status;
    }

    /** The header fields that came with (or go with) {@link #status()}; empty if none, and after deserialization. */
    public Headers headers() {
        return headers == null ? Headers.of() : headers;
    }
}
