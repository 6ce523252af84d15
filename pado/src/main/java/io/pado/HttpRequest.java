package io.pado;

import io.pado.protocol.RequestHead;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * A plain HTTP request (not a WebSocket upgrade) that a {@link Server} hands to its {@link HttpHandler}.
 *
 * @param method  the method token, case-sensitive, e.g. {@code GET}
 * @param target  the request-target as sent, e.g. {@code /chat?room=1}
 * @param headers the header fields
 * @param body    the body, empty if there is none; owned by the request, do not modify it
 */
public record HttpRequest(String method, String target, Headers headers, byte[] body) {

    public HttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    /**
     * The path of the target without the query, still percent-encoded: {@code /chat} for {@code /chat?room=1}. For a
     * target in absolute form ({@code http://example.com/chat?x}, RFC 9112 §3.2.2) the scheme and authority are
     * dropped too, and an empty path is {@code /}.
     */
    public String path() {
        return RequestHead.pathOf(target);
    }

    /** What follows the first {@code ?} of the target, still percent-encoded; empty if there is no {@code ?}. */
    public Optional<String> query() {
        return RequestHead.queryOf(target);
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
