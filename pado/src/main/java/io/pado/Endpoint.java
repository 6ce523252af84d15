package io.pado;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A WebSocket endpoint of a {@link Server}: the request path it answers, its {@link Handler}, the subprotocols it
 * speaks and the web origins allowed to connect.
 *
 * <p><b>Origin.</b> Browsers send the page's origin with every WebSocket request, and any page may try to connect
 * to any server: an allow-list stops other sites from using your users' cookies against you (RFC 6455 §10.2). A
 * request whose {@code Origin} is not in the list is refused with 403. Clients that are not browsers usually send no
 * {@code Origin}; such requests are accepted. An empty list (the default) accepts every origin.
 *
 * {@snippet :
 * var chat = Endpoint.of("/chat", handler)
 *         .withSubprotocols("chat.v2", "chat.v1")
 *         .withAllowedOrigins("https://example.com");
 * }
 *
 * @param path           the exact request path, starting with {@code /}; the query is ignored when routing
 * @param handler        receives the connections' events
 * @param subprotocols   the subprotocols this endpoint speaks, most preferred first (RFC 6455 §1.9); the first of
 *                       these that the client offers is chosen; empty for none
 * @param allowedOrigins the {@code Origin} values allowed, compared exactly (e.g. {@code https://example.com});
 *                       empty to allow any
 */
public record Endpoint(String path, Handler handler, List<String> subprotocols, Set<String> allowedOrigins) {

    public Endpoint {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        Objects.requireNonNull(handler, "handler");
        subprotocols = List.copyOf(subprotocols);
        allowedOrigins = Set.copyOf(allowedOrigins);
    }

    /** An endpoint at {@code path} with no subprotocols that accepts any origin. */
    public static Endpoint of(String path, Handler handler) {
        return new Endpoint(path, handler, List.of(), Set.of());
    }

    /** A copy that speaks these subprotocols, most preferred first. */
    public Endpoint withSubprotocols(String... subprotocols) {
        return new Endpoint(path, handler, List.of(subprotocols), allowedOrigins);
    }

    /** A copy that accepts only requests from these origins (and requests without {@code Origin}). */
    public Endpoint withAllowedOrigins(String... origins) {
        return new Endpoint(path, handler, subprotocols, Set.of(origins));
    }
}
