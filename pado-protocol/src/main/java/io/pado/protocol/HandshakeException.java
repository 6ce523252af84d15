package io.pado.protocol;

import java.io.IOException;
import java.io.Serial;
import java.util.Objects;

/**
 * The opening handshake failed. The message says what was wrong in words fit for a log or an error page; it never
 * holds a stack trace, since peers can cause it at will.
 *
 * <p><b>Server side</b> ({@link RequestParser}, {@link ServerHandshake#validate(RequestHead)}, or the application
 * refusing an origin or a path): {@link #status()} is the HTTP status to answer with (400, 403, 404, 405, 426, 431,
 * 505...) and {@link #headers()} the extra header fields that status needs, such as {@code Sec-WebSocket-Version: 13}
 * with 426. {@link ServerHandshake#reject(HandshakeException)} renders both as a response.
 *
 * <p><b>Client side</b> ({@link ResponseParser}, {@link ClientHandshake#validate(ResponseHead)}): {@link #status()}
 * is the status the server answered when it was not 101, with the server's header fields in {@link #headers()}. It
 * is 0 when the failure is not about the status: a malformed response, or a 101 whose headers break RFC 6455 §4.1
 * (wrong {@code Sec-WebSocket-Accept}, an unoffered subprotocol...).
 */
public final class HandshakeException extends IOException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Headers headers;

    /**
     * A handshake failure.
     *
     * @param status  0, or an HTTP status from 100 to 599
     * @param message what was wrong, readable, without internals
     * @param headers extra header fields to answer with (server side) or the server's fields (client side)
     * @throws IllegalArgumentException if {@code status} is neither 0 nor 100-599
     */
    public HandshakeException(int status, String message, Headers headers) {
        super(Objects.requireNonNull(message, "message"));
        if (status != 0 && (status < 100 || status > 599)) {
            throw new IllegalArgumentException("status must be 0 or 100-599: " + status);
        }
        this.status = status;
        this.headers = Objects.requireNonNull(headers, "headers");
    }

    /** A failure with no extra header fields. */
    public HandshakeException(int status, String message) {
        this(status, message, Headers.of());
    }

    /** 400 Bad Request: the request is not a valid HTTP/1.1 request or WebSocket upgrade. */
    public static HandshakeException badRequest(String why) {
        return new HandshakeException(400, why);
    }

    /** 403 Forbidden: the application refuses this request, e.g. its {@code Origin} (RFC 6455 §4.2.2, §10.2). */
    public static HandshakeException forbidden(String why) {
        return new HandshakeException(403, why);
    }

    /** 404 Not Found: there is no WebSocket endpoint at the requested path. */
    public static HandshakeException notFound(String why) {
        return new HandshakeException(404, why);
    }

    /**
     * Records no stack trace: peers cause this exception at will, so it must be cheap, and the message says all.
     * ({@link IOException} has no constructor that turns the stack trace off, so this override does.)
     */
    @Override
    public Throwable fillInStackTrace() {
        return this;
    }

    /** The HTTP status to answer with (server side), the status the server answered (client side), or 0. */
    public int status() {
        return status;
    }

    /**
     * Server side: extra header fields to send with {@link #status()}; client side: the server's header fields.
     * Empty if there are none (and after deserialization, which does not keep them).
     */
    public Headers headers() {
        return headers == null ? Headers.of() : headers;
    }
}
