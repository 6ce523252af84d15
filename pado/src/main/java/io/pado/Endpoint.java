package io.pado;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A WebSocket endpoint of a {@link Server}: the request path it answers, its {@link Handler}, the subprotocols it
 * speaks and the web origins allowed to connect. Immutable; {@link #of(String, Handler)} for the common case,
 * {@link #builder(String, Handler)} for the rest.
 *
 * <p><b>Origin.</b> Browsers send the page's origin with every WebSocket request, and any page may try to connect
 * to any server: checking it stops other sites from using your users' cookies against you (RFC 6455 §10.2). By
 * default ({@link OriginRule#SAME_ORIGIN}) only the page's own origin is allowed (the {@code Origin} whose host and
 * port are the request's {@code Host}, whatever host name or address the server is reached by), plus any origins
 * listed with {@link Builder#allowedOrigins}; others are refused with 403. Clients that are not browsers usually send
 * no {@code Origin}; such requests are accepted. With {@link OriginRule#LISTED}, only the listed origins are allowed,
 * and an empty list accepts every origin: the way to open an endpoint to pages of any site.
 *
 * <p><b>Subprotocols.</b> With {@link SubprotocolRule#REQUIRED}, a client that offers none of the endpoint's
 * subprotocols is refused with 400 and a message naming them, instead of being connected without one.
 *
 * <p><b>Paths.</b> A path is matched exactly, or, if it has segments like {@code {room}}, as a template:
 * {@code /rooms/{room}} answers {@code /rooms/blue} and {@code /rooms/red}, and the
 * {@linkplain Upgrade#pathParameters() values} reach the endpoint's {@linkplain #upgradeCheck() upgrade check}. An
 * exact path wins over a template; among templates, the first added wins.
 *
 * <p><b>Upgrade check.</b> An {@link UpgradeCheck} sees each request before it is accepted, after the origin and
 * subprotocol rules: it may refuse it (authentication, say) or let it through with a subprotocol of its choosing,
 * more response headers and an {@linkplain Upgrade#attach attachment}. It runs where handlers run: on a virtual
 * thread by default, so it may block.
 *
 * {@snippet :
 * var chat = Endpoint.builder("/chat", handler)
 *         .subprotocols("chat.v2", "chat.v1")
 *         .allowedOrigins("https://example.com")
 *         .build();
 * }
 */
public final class Endpoint {

    /** Whether a client must agree on a subprotocol. */
    public enum SubprotocolRule { OPTIONAL, REQUIRED }

    /** Which browser origins are allowed besides the listed ones. */
    public enum OriginRule { LISTED, SAME_ORIGIN }

    /** Decides about one upgrade request before the server accepts it; see {@link Upgrade}. */
    @FunctionalInterface
    public interface UpgradeCheck {
        /**
         * Looks at {@code upgrade} and returns to let it through, or throws to refuse it.
         *
         * @throws HandshakeException to refuse with its status (300-599), headers and message, which the client sees
         * @throws Exception          anything else refuses with 500, and is logged
         */
        void check(Upgrade upgrade) throws Exception;
    }

    private final String path;
    private final Handler handler;
    private final List<String> subprotocols;
    private final Set<String> allowedOrigins;
    private final SubprotocolRule subprotocolRule;
    private final OriginRule originRule;
    private final Optional<SlowConsumerPolicy> slowConsumerPolicy;
    private final Optional<UpgradeCheck> upgradeCheck;
    /** The path's segments when it is a template, else null. */
    private final String[] template;

    private Endpoint(Builder b) {
        path = Objects.requireNonNull(b.path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        handler = Objects.requireNonNull(b.handler, "handler");
        subprotocols = List.copyOf(b.subprotocols);
        allowedOrigins = Set.copyOf(b.allowedOrigins);
        subprotocolRule = Objects.requireNonNull(b.subprotocolRule, "subprotocolRule");
        originRule = Objects.requireNonNull(b.originRule, "originRule");
        slowConsumerPolicy = Objects.requireNonNull(b.slowConsumerPolicy, "slowConsumerPolicy");
        upgradeCheck = Objects.requireNonNull(b.upgradeCheck, "upgradeCheck");
        template = path.contains("{") ? template(path) : null;
        if (subprotocolRule == SubprotocolRule.REQUIRED && subprotocols.isEmpty()) {
            throw new IllegalArgumentException("a required subprotocol needs at least one subprotocol: " + path);
        }
    }

    /**
     * An endpoint at {@code path} with no subprotocols that accepts browser pages of its own origin only (and clients
     * that send no {@code Origin}).
     */
    public static Endpoint of(String path, Handler handler) {
        return builder(path, handler).build();
    }

    /** A builder for an endpoint at {@code path}, the exact request path (the query is ignored when routing). */
    public static Builder builder(String path, Handler handler) {
        return new Builder(path, handler);
    }

    /** A builder holding this endpoint's settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The exact request path, starting with {@code /}. */
    public String path() {
        return path;
    }

    /** Receives the connections' events. */
    public Handler handler() {
        return handler;
    }

    /** The subprotocols this endpoint speaks, most preferred first (RFC 6455 §1.9); empty for none. */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /** The {@code Origin} values allowed besides those the {@link #originRule()} allows, compared exactly. */
    public Set<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** Whether a client must offer one of {@link #subprotocols()}; default OPTIONAL. */
    public SubprotocolRule subprotocolRule() {
        return subprotocolRule;
    }

    /** SAME_ORIGIN (default): the page's own origin and the listed ones; LISTED: only the listed ones. */
    public OriginRule originRule() {
        return originRule;
    }

    /** The slow-consumer policy of this endpoint's connections, if not the server's. */
    public Optional<SlowConsumerPolicy> slowConsumerPolicy() {
        return slowConsumerPolicy;
    }

    /** The check that sees each upgrade request before it is accepted, if any. */
    public Optional<UpgradeCheck> upgradeCheck() {
        return upgradeCheck;
    }

    /** Whether the path is a template with {@code {name}} segments. */
    boolean isTemplate() {
        return template != null;
    }

    /** The path parameters if {@code requestPath} matches this template, else null. */
    Map<String, String> match(String requestPath) {
        String[] segments = requestPath.split("/", -1);
        if (segments.length != template.length) {
            return null;
        }
        var parameters = new LinkedHashMap<String, String>();
        for (int i = 0; i < segments.length; i++) {
            String t = template[i];
            if (t.startsWith("{")) {
                if (segments[i].isEmpty()) {
                    return null;
                }
                parameters.put(t.substring(1, t.length() - 1), URLDecoder.decode(segments[i].replace("+", "%2B"),
                        StandardCharsets.UTF_8));
            } else if (!t.equals(segments[i])) {
                return null;
            }
        }
        return Collections.unmodifiableMap(parameters);
    }

    private static String[] template(String path) {
        String[] segments = path.split("/", -1);
        var names = new HashSet<String>();
        for (String segment : segments) {
            boolean parameter = segment.startsWith("{") && segment.endsWith("}") && segment.length() > 2;
            if (segment.contains("{") || segment.contains("}")) {
                if (!parameter || !names.add(segment) || segment.indexOf('{', 1) >= 0) {
                    throw new IllegalArgumentException("a path parameter is a whole segment {name}, each name once: "
                            + path);
                }
            }
        }
        return segments;
    }

    /** Builds an {@link Endpoint}; not thread-safe. */
    public static final class Builder {
        private final String path;
        private final Handler handler;
        private List<String> subprotocols = List.of();
        private Set<String> allowedOrigins = Set.of();
        private SubprotocolRule subprotocolRule = SubprotocolRule.OPTIONAL;
        private OriginRule originRule = OriginRule.SAME_ORIGIN;
        private Optional<SlowConsumerPolicy> slowConsumerPolicy = Optional.empty();
        private Optional<UpgradeCheck> upgradeCheck = Optional.empty();

        private Builder(String path, Handler handler) {
            this.path = path;
            this.handler = handler;
        }

        private Builder(Endpoint e) {
            path = e.path;
            handler = e.handler;
            subprotocols = e.subprotocols;
            allowedOrigins = e.allowedOrigins;
            subprotocolRule = e.subprotocolRule;
            originRule = e.originRule;
            slowConsumerPolicy = e.slowConsumerPolicy;
            upgradeCheck = e.upgradeCheck;
        }

        /** Speaks these subprotocols, most preferred first: the first the client offers is chosen. */
        public Builder subprotocols(String... subprotocols) {
            this.subprotocols = List.of(subprotocols);
            return this;
        }

        /** Also accepts requests from these origins (e.g. {@code https://example.com}). */
        public Builder allowedOrigins(String... origins) {
            this.allowedOrigins = Set.of(origins);
            return this;
        }

        /** Refuses (400) clients offering none of the subprotocols, or not (the default). */
        public Builder subprotocolRule(SubprotocolRule rule) {
            this.subprotocolRule = rule;
            return this;
        }

        /** Also allows the page's own origin ({@link OriginRule#SAME_ORIGIN}, the default), or only the listed. */
        public Builder originRule(OriginRule rule) {
            this.originRule = rule;
            return this;
        }

        /** This endpoint's sends follow {@code policy} when the peer reads too slowly, whatever the server's. */
        public Builder slowConsumerPolicy(SlowConsumerPolicy policy) {
            this.slowConsumerPolicy = Optional.of(policy);
            return this;
        }

        /** Runs {@code check} on each upgrade request before it is accepted; see {@link Upgrade}. */
        public Builder upgradeCheck(UpgradeCheck check) {
            this.upgradeCheck = Optional.of(check);
            return this;
        }

        /**
         * The endpoint.
         *
         * @throws IllegalArgumentException if the path does not start with {@code /} or has a malformed parameter
         *                                  segment, or a subprotocol is required but none is given
         */
        public Endpoint build() {
            return new Endpoint(this);
        }
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
