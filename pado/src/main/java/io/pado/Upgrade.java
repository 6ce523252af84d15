package io.pado;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One WebSocket upgrade request as an {@link Endpoint}'s {@link Endpoint.UpgradeCheck} sees it, before the server
 * answers: who asks for what, and what the answer will hold. The check may refuse the request by throwing
 * {@link HandshakeException}, or let it through, choosing another subprotocol, adding response headers (a cookie)
 * and attaching an object that the connection then carries ({@link WebSocket#attachment()}).
 *
 * <p>Not thread-safe: the check that gets it is its only user, and it is not used after the check returns.
 *
 * {@snippet :
 * var endpoint = Endpoint.builder("/rooms/{room}", handler)
 *         .upgradeCheck(upgrade -> {
 *             String user = sessions.userOf(upgrade.headers().first("Cookie").orElse(""));
 *             if (user == null) {
 *                 throw new HandshakeException(401, "log in first");
 *             }
 *             upgrade.attach(new Member(user, upgrade.pathParameters().get("room")));
 *         })
 *         .build();
 * }
 */
public final class Upgrade {
    /** Header fields the handshake writes itself, lower case: a check may not set them. */
    private static final Set<String> OWN_HEADERS = Set.of("upgrade", "connection", "sec-websocket-accept",
            "sec-websocket-protocol", "sec-websocket-extensions", "content-length", "transfer-encoding");

    private final String path;
    private final Optional<String> query;
    private final Headers headers;
    private final Optional<String> origin;
    private final List<String> offeredSubprotocols;
    private final InetSocketAddress remoteAddress;
    private final Map<String, String> pathParameters;
    private Optional<String> subprotocol;
    private final List<String> responseHeaders = new ArrayList<>();
    private Object attachment;

    Upgrade(String path, Optional<String> query, Headers headers, Optional<String> origin,
            List<String> offeredSubprotocols, InetSocketAddress remoteAddress, Map<String, String> pathParameters,
            Optional<String> subprotocol) {
        this.path = path;
        this.query = query;
        this.headers = headers;
        this.origin = origin;
        this.offeredSubprotocols = offeredSubprotocols;
        this.remoteAddress = remoteAddress;
        this.pathParameters = pathParameters;
        this.subprotocol = subprotocol;
    }

    /** The request path, without the query, still percent-encoded. */
    public String path() {
        return path;
    }

    /** The query of the request target without the {@code ?}, still percent-encoded; empty if there is none. */
    public Optional<String> query() {
        return query;
    }

    /** The request's header fields. */
    public Headers headers() {
        return headers;
    }

    /** The {@code Origin} header, which browsers send (RFC 6455 §10.2); already checked against the endpoint's rule. */
    public Optional<String> origin() {
        return origin;
    }

    /** The subprotocols the client offered, in its order of preference. */
    public List<String> offeredSubprotocols() {
        return offeredSubprotocols;
    }

    /** The address of the other end of the TCP connection. */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /**
     * The values of the {@code {name}} segments of the endpoint's path, percent-decoded: {@code /rooms/{room}} and a
     * request for {@code /rooms/blue} give {@code {room=blue}}. Empty for an endpoint with an exact path.
     */
    public Map<String, String> pathParameters() {
        return pathParameters;
    }

    /** The subprotocol the answer will name: the endpoint's choice, or the check's. */
    public Optional<String> subprotocol() {
        return subprotocol;
    }

    /**
     * Answers with {@code chosen} as the subprotocol instead of the endpoint's choice.
     *
     * @throws IllegalArgumentException if the client did not offer it (RFC 6455 §4.2.2 forbids that)
     */
    public void subprotocol(String chosen) {
        if (!offeredSubprotocols.contains(chosen)) {
            throw new IllegalArgumentException("subprotocol " + chosen + " was not offered; the client offered "
                    + offeredSubprotocols);
        }
        subprotocol = Optional.of(chosen);
    }

    /** Answers without a subprotocol, whatever the endpoint would choose. */
    public void noSubprotocol() {
        subprotocol = Optional.empty();
    }

    /**
     * Adds a header field to the 101 answer, such as {@code Set-Cookie}.
     *
     * @throws IllegalArgumentException for a field the handshake writes itself, a name that is not a token, or a
     *                                  value with a control character
     */
    public void responseHeader(String name, String value) {
        if (OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("header " + name + " is the handshake's own");
        }
        Headers.of(name, value); // checks the name and value
        responseHeaders.add(name);
        responseHeaders.add(value);
    }

    /** Attaches {@code value} to the connection, for its handler: {@link WebSocket#attachment()}. */
    public void attach(Object value) {
        this.attachment = Objects.requireNonNull(value, "value");
    }

    Headers responseHeaders() {
        return Headers.of(responseHeaders.toArray(String[]::new));
    }

    Object attachment() {
        return attachment;
    }
}
