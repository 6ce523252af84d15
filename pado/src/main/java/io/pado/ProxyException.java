package io.pado;

import java.io.Serial;

/**
 * The HTTP proxy did not open a tunnel to the server ({@code CONNECT}, RFC 9110 §9.3.6): it answered with a status
 * other than 2xx ({@link #status()}, with its header fields such as {@code Proxy-Authenticate}), or with something
 * that is not HTTP (status 0). The message names the proxy's status and the target; it holds nothing the proxy could
 * use to inject text beyond its reason phrase. See {@link ClientProxy}.
 */
public final class ProxyException extends HandshakeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * @param status  the proxy's status, e.g. 407, 403, 502; 0 if its answer was malformed
     * @param message what happened, readable
     * @param headers the proxy's header fields
     */
    public ProxyException(int status, String message, Headers headers) {
        super(status, message, headers);
    }
}
