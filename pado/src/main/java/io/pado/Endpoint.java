package io.pado;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A WebSocket endpoint of a {@link Server}: the request path it answers, its {@link Handler}, the subprotocols it
 * speaks and the web origins allowed to connect.
 *
 * <p><b>Origin.</b> Browsers send the page's origin with every WebSocket request, and any page may try to connect
 * to any server: checking it stops other sites from using your users' cookies against you (RFC 6455 §10.2). By
 * default ({@link OriginRule#SAME_ORIGIN}) only the page's own origin is allowed (the {@code Origin} whose host and
 * port are the request's {@code Host}, whatever host name or address the server is reached by), plus any origins
 * listed with {@link #withAllowedOrigins}; others are refused with 403. Clients that are not browsers usually send no
 * {@code Origin}; such requests are accepted. With {@link OriginRule#LISTED}, only the listed origins are allowed,
 * and an empty list accepts every origin: the way to open an endpoint to pages of any site.
 *
 * <p><b>Subprotocols.</b> With {@link SubprotocolRule#REQUIRED}, a client that offers none of the endpoint's
 * subprotocols is refused with 400 and a message naming them, instead of being connected without one.
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
 *                       empty to allow any (unless {@code originRule} is {@link OriginRule#SAME_ORIGIN})
 * @param subprotocolRule whether a client must offer one of {@code subprotocols}; default OPTIONAL
 * @param originRule      SAME_ORIGIN (default): the page's own origin and {@code allowedOrigins}; LISTED: only
 *                        {@code allowedOrigins}, any origin when that is empty
 * @param slowConsumerPolicy what a send does when the peer reads too slowly; default
 *                        {@link SlowConsumerPolicy#FAIL_SEND}
 */
public record Endpoint(String path, Handler handler, List<String> subprotocols, Set<String> allowedOrigins,
        SubprotocolRule subprotocolRule, OriginRule originRule, SlowConsumerPolicy slowConsumerPolicy) {

    /** Whether a client must agree on a subprotocol. */
    public enum SubprotocolRule { OPTIONAL, REQUIRED }

    /** Which browser origins are allowed besides the listed ones. */
    public enum OriginRule { LISTED, SAME_ORIGIN }

    public Endpoint {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        Objects.requireNonNull(handler, "handler");
        subprotocols = List.copyOf(subprotocols);
        allowedOrigins = Set.copyOf(allowedOrigins);
        Objects.requireNonNull(subprotocolRule, "subprotocolRule");
        Objects.requireNonNull(originRule, "originRule");
        Objects.requireNonNull(slowConsumerPolicy, "slowConsumerPolicy");
        if (subprotocolRule == SubprotocolRule.REQUIRED && subprotocols.isEmpty()) {
            throw new IllegalArgumentException("a required subprotocol needs at least one subprotocol: " + path);
        }
    }

    /**
     * An endpoint at {@code path} with no subprotocols that accepts browser pages of its own origin only (and clients
     * that send no {@code Origin}).
     */
    public static Endpoint of(String path, Handler handler) {
        return new Endpoint(path, handler, List.of(), Set.of(), SubprotocolRule.OPTIONAL, OriginRule.SAME_ORIGIN,
                SlowConsumerPolicy.FAIL_SEND);
    }

    /** A copy that speaks these subprotocols, most preferred first. */
    public Endpoint withSubprotocols(String... subprotocols) {
        return new Endpoint(path, handler, List.of(subprotocols), allowedOrigins, subprotocolRule, originRule,
                slowConsumerPolicy);
    }

    /** A copy that accepts only requests from these origins (and requests without {@code Origin}). */
    public Endpoint withAllowedOrigins(String... origins) {
        return new Endpoint(path, handler, subprotocols, Set.of(origins), subprotocolRule, originRule,
                slowConsumerPolicy);
    }

    /** A copy that refuses (400) clients offering none of its subprotocols, or that does not. */
    public Endpoint withSubprotocolRule(SubprotocolRule rule) {
        return new Endpoint(path, handler, subprotocols, allowedOrigins, rule, originRule,
                slowConsumerPolicy);
    }

    /** A copy that also allows the page's own origin ({@link OriginRule#SAME_ORIGIN}), or only the listed ones. */
    public Endpoint withOriginRule(OriginRule rule) {
        return new Endpoint(path, handler, subprotocols, allowedOrigins, subprotocolRule, rule,
                slowConsumerPolicy);
    }

    /** A copy whose connections' sends follow {@code policy} when the peer reads too slowly. */
    public Endpoint withSlowConsumerPolicy(SlowConsumerPolicy policy) {
        return new Endpoint(path, handler, subprotocols, allowedOrigins, subprotocolRule, originRule, policy);
    }

    /**
     * Whether a request with this {@code Origin} (empty when the request had none) may connect to {@code host}, the
     * request's {@code Host} with its port made explicit (the server adds 80 or 443). Same origin compares the
     * origin's host and port, its scheme's default port made explicit, with it.
     */
    public boolean allowsOrigin(Optional<String> origin, String host) {
        if (origin.isEmpty() || allowedOrigins.contains(origin.get())) {
            return true;
        }
        if (originRule == OriginRule.SAME_ORIGIN) {
            return sameOrigin(origin.get(), host);
        }
        return allowedOrigins.isEmpty();
    }

    private static boolean sameOrigin(String origin, String host) {
        int schemeEnd = origin.indexOf("://");
        if (schemeEnd < 0 || host == null) {
            return false;
        }
        String scheme = origin.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        String defaultPort = scheme.equals("https") ? ":443" : scheme.equals("http") ? ":80" : null;
        if (defaultPort == null) {
            return false;
        }
        return withPort(origin.substring(schemeEnd + 3), defaultPort).equalsIgnoreCase(host);
    }

    /** {@code authority} with an explicit port; IPv6 literals keep their brackets. */
    private static String withPort(String authority, String defaultPort) {
        int bracket = authority.lastIndexOf(']');
        return authority.indexOf(':', bracket + 1) >= 0 ? authority : authority + defaultPort;
    }
}
