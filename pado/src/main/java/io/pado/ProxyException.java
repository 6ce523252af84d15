package io.pado;

import io.pado.protocol.Headers;
import java.io.IOException;
import java.io.Serial;
import java.util.Objects;

/**
 * The HTTP proxy did not open a tunnel to the server ({@code CONNECT}, RFC 9110 §9.3.6): it answered with a status
 * other than 2xx, or with something that is not HTTP. The message names the proxy's status and the target; it holds
 * nothing the proxy could use to inject text beyond its reason phrase. See {@link ClientProxy}.
 */
public final class ProxyException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Headers headers;

    /**
     * @param status  the proxy's status, e.g. 407, 403, 502; 0 if its answer was malformed
     * @param message what happened, readable
     * @param headers the proxy's header fields, e.g. {@code Proxy-Authenticate} with 407
     */
    public ProxyException(int status, String message, Headers headers) {
        super(Objects.requireNonNull(message, "message"));
        this.status = status;
        this.headers = Objects.requireNonNull(headers, "headers");
    }

    /** The proxy's HTTP status (407 Proxy Authentication Required, 403, 502...), or 0 if its answer was malformed. */
    public int status() {
        return status;
    }

    /** The proxy's header fields; empty if none (and after deserialization). */
    public Headers headers() {
        return headers == null ? Headers.of() : headers;
    }
}
