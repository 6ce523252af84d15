package io.pado.protocol;

import io.pado.protocol.extension.ExtensionOffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A valid WebSocket opening request (RFC 6455 §4.2.1), as {@link ServerHandshake#validate(RequestHead)} read it.
 * The application looks at it to choose: refuse the path (404) or the origin (403), pick a subprotocol, negotiate
 * extensions, then answer with {@link ServerHandshake#accept}.
 *
 * @param head         the request head as received
 * @param key          the {@code Sec-WebSocket-Key} value, base64 of 16 bytes
 * @param subprotocols the subprotocols the client offered, in its order of preference; empty if none
 * @param extensions   the extension offers, in the client's order; empty if none
 * @param origin       the {@code Origin} header, sent by browsers (RFC 6455 §10.2, RFC 6454)
 */
public record UpgradeRequest(RequestHead head, String key, List<String> subprotocols,
                             List<ExtensionOffer> extensions, Optional<String> origin) {

    /** Copies the lists; refuses nulls. */
    public UpgradeRequest {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(key, "key");
        subprotocols = List.copyOf(subprotocols);
        extensions = List.copyOf(extensions);
        Objects.requireNonNull(origin, "origin");
    }

    /** The path of the request target, without the query, still percent-encoded: the resource name's path. */
    public String path() {
        return head.path();
    }

    /** The query of the request target without the {@code ?}, still percent-encoded; empty if there is none. */
    public Optional<String> query() {
        return head.query();
    }

    /** The {@code Host} header, e.g. {@code example.com:8080}; empty if the request had none. */
    public String host() {
        return head.headers().first("Host").orElse("");
    }
}
