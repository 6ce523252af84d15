package io.pado.jakarta;

import io.pado.HandshakeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.Encoder;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Jakarta steps of a server's opening handshake, run by pado's upgrade check before it accepts a request: the
 * configurator checks the origin (403 when it says no), chooses the subprotocol and extensions, and modifies the
 * handshake with a per-connection copy of the user properties (Jakarta WebSocket §3.1.2 to §3.1.5). What the
 * session needs later is attached to the request as a {@link Handshake}. Immutable and thread-safe; the configurator
 * is called by many requests at once, as in every Jakarta container.
 */
final class ServerUpgrade {
    private static final System.Logger LOG = System.getLogger(ServerUpgrade.class.getName());
    /** Fields of the 101 answer that pado writes, besides the Sec-WebSocket-* ones. */
    private static final Set<String> OWN_FIELDS = Set.of("upgrade", "connection", "content-length",
            "transfer-encoding");

    private final ServerEndpointConfig config;
    private final ServerEndpointConfig.Configurator configurator;
    private final List<Extension> installed;
    private final boolean secure;

    /**
     * @param installed the extensions pado would agree on: permessage-deflate when the server compresses
     * @param secure    whether the server speaks TLS
     */
    ServerUpgrade(ServerEndpointConfig config, List<Extension> installed, boolean secure) {
        this.config = config;
        this.configurator = PadoServerContainer.configurator(config);
        this.installed = List.copyOf(installed);
        this.secure = secure;
    }

    /**
     * Runs the steps for one request.
     *
     * @throws HandshakeException 403 if the configurator refuses the origin; 500 if a configurator method threw
     *                            (its exception is logged)
     */
    void check(UpgradeView upgrade) throws HandshakeException {
        try {
            run(upgrade);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the configurator of " + config.getPath() + " threw", e);
            throw new HandshakeException(500, "internal error");
        }
    }

    private void run(UpgradeView upgrade) throws HandshakeException {
        if (!configurator.checkOrigin(upgrade.origin().orElse(null))) {
            throw new HandshakeException(403, "origin not allowed");
        }
        String subprotocol = configurator.getNegotiatedSubprotocol(config.getSubprotocols(),
                upgrade.offeredSubprotocols());
        if (subprotocol != null && !subprotocol.isEmpty()) {
            upgrade.subprotocol(subprotocol);
        } else {
            upgrade.noSubprotocol();
        }
        List<Extension> requested = SimpleExtension.parse(upgrade.headers().all("Sec-WebSocket-Extensions"));
        List<Extension> extensions = configurator.getNegotiatedExtensions(installed, requested);

        Map<String, Object> userProperties = new HashMap<>(config.getUserProperties());
        String query = upgrade.query();
        URI requestUri = requestUri(upgrade.path(), query);
        var request = new Request(Collections.unmodifiableMap(Handshake.headerMap(upgrade.headers())), requestUri,
                query);
        var responseHeaders = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
        if (subprotocol != null && !subprotocol.isEmpty()) {
            responseHeaders.put(HandshakeRequest.SEC_WEBSOCKET_PROTOCOL, new ArrayList<>(List.of(subprotocol)));
        }
        configurator.modifyHandshake(new ConnectionConfig(config, userProperties), request,
                () -> responseHeaders);
        responseHeaders.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            // RFC 6455 §4.2.2: pado writes the handshake's own fields; the configurator adds the others
            if (!lower.startsWith("sec-websocket-") && !OWN_FIELDS.contains(lower) && values != null) {
                values.forEach(value -> upgrade.responseHeader(name, value));
            }
        });
        upgrade.attach(new Handshake(requestUri, query, upgrade.pathParameters(), userProperties,
                extensions.stream().filter(e -> installed.stream().anyMatch(i -> i.getName().equals(e.getName())))
                        .toList(), secure));
    }

    /** The request target as a URI: the path and query as they came, or the path alone if they do not parse. */
    static URI requestUri(String path, String query) {
        try {
            return URI.create(query == null ? path : path + "?" + query);
        } catch (IllegalArgumentException e) {
            return URI.create("/");
        }
    }

    /** The request as {@code modifyHandshake} sees it. pado does not authenticate: no principal, no roles. */
    private record Request(Map<String, List<String>> headers, URI uri, String query) implements HandshakeRequest {
        @Override
        public Map<String, List<String>> getHeaders() {
            return headers;
        }

        @Override
        public Principal getUserPrincipal() {
            return null;
        }

        @Override
        public URI getRequestURI() {
            return uri;
        }

        @Override
        public boolean isUserInRole(String role) {
            return false;
        }

        /** There is no HTTP session outside a Servlet container. */
        @Override
        public Object getHttpSession() {
            return null;
        }

        @Override
        public Map<String, List<String>> getParameterMap() {
            return Collections.unmodifiableMap(Handshake.parameters(query));
        }

        @Override
        public String getQueryString() {
            return query;
        }
    }

    /** The endpoint's configuration with this connection's own copy of the user properties (§3.1.5). */
    private record ConnectionConfig(ServerEndpointConfig config, Map<String, Object> userProperties)
            implements ServerEndpointConfig {
        @Override
        public Class<?> getEndpointClass() {
            return config.getEndpointClass();
        }

        @Override
        public String getPath() {
            return config.getPath();
        }

        @Override
        public List<String> getSubprotocols() {
            return config.getSubprotocols();
        }

        @Override
        public List<Extension> getExtensions() {
            return config.getExtensions();
        }

        @Override
        public Configurator getConfigurator() {
            return config.getConfigurator();
        }

        @Override
        public List<Class<? extends Encoder>> getEncoders() {
            return config.getEncoders();
        }

        @Override
        public List<Class<? extends Decoder>> getDecoders() {
            return config.getDecoders();
        }

        @Override
        public Map<String, Object> getUserProperties() {
            return userProperties;
        }
    }
}
