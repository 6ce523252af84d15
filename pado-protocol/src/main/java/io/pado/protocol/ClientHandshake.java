package io.pado.protocol;

import io.pado.protocol.extension.Extension;
import io.pado.protocol.extension.ExtensionFactory;
import io.pado.protocol.extension.ExtensionOffer;
import io.pado.protocol.handshake.Http;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The client's side of one opening handshake (RFC 6455 §4.1): write the request, then check the server's response
 * and find the subprotocol and extensions it chose. One instance per connection attempt; not thread-safe.
 *
 * <p>The engine makes no randomness: the 16 bytes of the {@code Sec-WebSocket-Key} nonce are passed in, from a
 * strong source such as {@link java.security.SecureRandom} (RFC 6455 §4.1 (7), §10.3).
 * {@snippet :
 * var handshake = ClientHandshake.create(URI.create("wss://example.com/chat"), List.of("chat"), List.of(),
 *         Headers.of(), Optional.empty(), ClientHandshake.newKey(secureRandom));
 * write(handshake.request());
 * ResponseHead head = responseParser.parse(readBuffer); // until non-null
 * ClientHandshake.Result result = handshake.validate(head); // throws HandshakeException
 * }
 */
public final class ClientHandshake {

    /** Header fields the request writes itself (or that would put a body before the frames), lower case. */
    private static final Set<String> OWN_HEADERS = Set.of("host", "upgrade", "connection", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions", "origin",
            "content-length", "transfer-encoding");

    private final String target;
    private final String host;
    private final List<String> subprotocols;
    private final List<ExtensionFactory> factories;
    private final List<ExtensionOffer> offers;
    private final Headers extraHeaders;
    private final Optional<String> origin;
    private final String key;

    private ClientHandshake(String target, String host, List<String> subprotocols, List<ExtensionFactory> factories,
                            List<ExtensionOffer> offers, Headers extraHeaders, Optional<String> origin, String key) {
        this.target = target;
        this.host = host;
        this.subprotocols = subprotocols;
        this.factories = factories;
        this.offers = offers;
        this.extraHeaders = extraHeaders;
        this.origin = origin;
        this.key = key;
    }

    /**
     * A handshake for {@code uri}.
     *
     * @param uri          a {@code ws} or {@code wss} URI with a host and no fragment or user info (RFC 6455 §3);
     *                     non-ASCII characters in its path and query are sent percent-encoded as UTF-8
     * @param subprotocols the subprotocols to offer, best first: distinct tokens; may be empty
     * @param extensions   the extensions to offer, best first; each factory's {@link ExtensionFactory#clientOffers()}
     *                     are sent, and factories with none are not offered; at most one factory per name
     * @param extraHeaders more request fields (cookies, authorization); none of those the handshake writes itself
     *                     ({@code Host, Upgrade, Connection, Origin, Sec-WebSocket-*}) nor {@code Content-Length} or
     *                     {@code Transfer-Encoding}
     * @param origin       the {@code Origin} to send, as browsers do (RFC 6454), e.g. {@code https://example.com}
     * @param key16        the 16 random bytes of the nonce; copied
     * @throws IllegalArgumentException naming the bad value, if any rule above is broken or a value holds anything
     *                                  but visible US-ASCII, SP and HTAB
     */
    /**
     * {@link #create(URI, List, List, Headers, Optional, byte[])} offering permessage-deflate if {@code compression}
     * is given.
     */
    public static ClientHandshake create(URI uri, List<String> subprotocols, Optional<PerMessageDeflate> compression,
                                         Headers extraHeaders, Optional<String> origin, byte[] key16) {
        return create(uri, subprotocols, compression.<List<ExtensionFactory>>map(List::of).orElse(List.of()),
                extraHeaders, origin, key16);
    }

    static ClientHandshake create(URI uri, List<String> subprotocols, List<ExtensionFactory> extensions,
                                         Headers extraHeaders, Optional<String> origin, byte[] key16) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(extraHeaders, "extraHeaders");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(key16, "key16");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("WebSocket URI must have scheme ws or wss: " + uri);
        }
        // RFC 6455 §3: fragment identifiers MUST NOT be used in WebSocket URIs.
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("WebSocket URI must not have a fragment: " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("WebSocket URI must have a host (ASCII or punycode): " + uri);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("WebSocket URI must not have user info: " + uri);
        }
        if (key16.length != 16) {
            throw new IllegalArgumentException("the key must be 16 bytes, got " + key16.length);
        }
        var distinct = new HashSet<String>();
        for (String subprotocol : subprotocols) {
            Http.checkToken("subprotocol", subprotocol);
            if (!distinct.add(subprotocol)) { // RFC 6455 §4.1 (10): elements MUST all be unique
                throw new IllegalArgumentException("subprotocol offered twice: " + subprotocol);
            }
        }
        var names = new HashSet<String>();
        var offers = new ArrayList<ExtensionOffer>();
        for (ExtensionFactory factory : extensions) {
            if (!names.add(factory.name())) {
                throw new IllegalArgumentException("two extension factories named " + factory.name());
            }
            for (ExtensionOffer offer : factory.clientOffers()) {
                if (!offer.name().equals(factory.name())) {
                    throw new IllegalArgumentException("extension factory " + factory.name() + " offers "
                            + offer.name());
                }
                offers.add(offer);
            }
        }
        ServerHandshake.renderExtensions(offers); // checks that the offers can be sent
        extraHeaders.forEach((name, value) -> {
            if (OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("extra header " + name + " would override the handshake's own");
            }
            Http.checkSendableValue("header " + name, value);
        });
        origin.ifPresent(o -> Http.checkSendableValue("Origin", o));
        return new ClientHandshake(target(uri), host(uri, scheme), List.copyOf(subprotocols),
                List.copyOf(extensions), List.copyOf(offers), extraHeaders, origin,
                Base64.getEncoder().encodeToString(key16));
    }

    /** The request target: raw path ({@code /} if empty) and query, non-ASCII characters percent-encoded. */
    private static String target(URI uri) {
        String path = uri.getRawPath().isEmpty() ? "/" : uri.getRawPath(); // a URI with a host has a path
        String query = uri.getRawQuery();
        String target = query == null ? path : path + "?" + query;
        var out = new StringBuilder(target.length());
        for (byte b : target.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c > 0x20 && c < 0x7F) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    /**
     * RFC 6455 §4.1 (4): host, and {@code :port} only when it is not the scheme's default. {@link URI#getHost()}
     * already gives an IPv6 literal in brackets.
     */
    private static String host(URI uri, String scheme) {
        String host = uri.getHost();
        int port = uri.getPort();
        int defaultPort = scheme.equals("ws") ? 80 : 443;
        return port < 0 || port == defaultPort ? host : host + ":" + port;
    }

    /**
     * 16 bytes for a {@code Sec-WebSocket-Key}, from {@code source}. Use a {@link java.security.SecureRandom}: RFC
     * 6455 §4.1 (7) asks for a nonce picked randomly for each connection.
     */
    public static byte[] newKey(RandomGenerator source) {
        var key = new byte[16];
        source.nextBytes(key);
        return key;
    }

    /** The {@code Sec-WebSocket-Key} sent: base64 of the 16 key bytes. */
    public String key() {
        return key;
    }

    /**
     * The opening request (RFC 6455 §4.1): {@code GET target HTTP/1.1}, then {@code Host}, {@code Upgrade:
     * websocket}, {@code Connection: Upgrade}, {@code Sec-WebSocket-Key}, {@code Sec-WebSocket-Version: 13}, then
     * {@code Sec-WebSocket-Protocol}, {@code Sec-WebSocket-Extensions} and {@code Origin} when there are any, then
     * the extra headers, and the blank line.
     *
     * @return a new heap buffer holding the US-ASCII request, position 0, ready to write
     */
    public ByteBuffer request() {
        var out = new StringBuilder(256)
                .append("GET ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        if (!subprotocols.isEmpty()) {
            out.append("Sec-WebSocket-Protocol: ").append(String.join(", ", subprotocols)).append("\r\n");
        }
        if (!offers.isEmpty()) {
            out.append("Sec-WebSocket-Extensions: ").append(ServerHandshake.renderExtensions(offers)).append("\r\n");
        }
        origin.ifPresent(o -> out.append("Origin: ").append(o).append("\r\n"));
        extraHeaders.appendTo(out);
        out.append("\r\n");
        return ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Checks the server's response against RFC 6455 §4.1 and returns what was negotiated. Each failure is a
     * {@link HandshakeException} whose message names the header that was wrong:
     * <ul>
     *   <li>a status other than 101: the exception carries that status and the server's headers
     *       ({@code server answered 404 Not Found});</li>
     *   <li>otherwise status 0, with the server's headers: {@code Upgrade} is not exactly {@code websocket} (any
     *       case); {@code Connection} lacks the token {@code Upgrade}; {@code Sec-WebSocket-Accept} is missing,
     *       repeated or not the value for our key; {@code Sec-WebSocket-Protocol} holds more than one value or one
     *       we did not offer; a {@code Sec-WebSocket-Extensions} element is malformed, names an extension we did not
     *       offer or one already accepted, claims an RSV bit already claimed, or its factory's
     *       {@link ExtensionFactory#acceptResponse(ExtensionOffer)} refused it.</li>
     * </ul>
     * On failure, extensions already made are closed.
     *
     * @return the subprotocol (empty if the server chose none) and the extensions in the order the server listed
     *         them, which is the order they apply (RFC 6455 §9.1)
     */
    public Result validate(ResponseHead response) throws HandshakeException {
        Headers headers = response.headers();
        if (response.status() != 101) {
            // RFC 6455 §4.1: any status other than 101 is handled as HTTP; the handshake is not complete.
            String reason = response.reason().isEmpty() ? Http.reasonPhrase(response.status()) : response.reason();
            throw new HandshakeException(response.status(), "server answered " + response.status() + " "
                    + reason.chars().filter(Http::isSendableValueChar)
                            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append),
                    headers);
        }
        // RFC 6455 §4.1 (2), (3): Upgrade MUST be websocket, Connection MUST hold the token Upgrade.
        List<String> upgrade = headers.tokens("Upgrade");
        if (upgrade.size() != 1 || !upgrade.getFirst().equalsIgnoreCase("websocket")) {
            throw failure(headers, "Upgrade header must be websocket, got " + Http.quote(String.join(", ", upgrade)));
        }
        if (!headers.hasToken("Connection", "Upgrade")) {
            throw failure(headers, "Connection header must hold Upgrade, got "
                    + Http.quote(String.join(", ", headers.all("Connection"))));
        }
        // RFC 6455 §4.1 (4): Sec-WebSocket-Accept MUST be the hash of our key.
        List<String> accepts = headers.all("Sec-WebSocket-Accept");
        if (accepts.size() != 1) {
            throw failure(headers, accepts.isEmpty() ? "missing Sec-WebSocket-Accept header"
                    : "more than one Sec-WebSocket-Accept header");
        }
        if (!accepts.getFirst().equals(ServerHandshake.acceptValue(key))) {
            throw failure(headers, "Sec-WebSocket-Accept does not match the key: " + Http.quote(accepts.getFirst()));
        }
        Optional<String> subprotocol = subprotocol(headers);
        return new Result(subprotocol, extensions(headers), response);
    }

    private Optional<String> subprotocol(Headers headers) throws HandshakeException {
        // RFC 6455 §4.1 (6): a subprotocol not offered (or any, if none was) MUST fail the connection.
        List<String> values = headers.tokens("Sec-WebSocket-Protocol");
        if (values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1 || headers.all("Sec-WebSocket-Protocol").size() > 1) {
            throw failure(headers, "Sec-WebSocket-Protocol must hold one value, got "
                    + Http.quote(String.join(", ", headers.all("Sec-WebSocket-Protocol"))));
        }
        if (!subprotocols.contains(values.getFirst())) {
            throw failure(headers, "Sec-WebSocket-Protocol " + Http.quote(values.getFirst()) + " was not offered"
                    + (subprotocols.isEmpty() ? " (none was)" : "; we offered " + subprotocols));
        }
        return Optional.of(values.getFirst());
    }

    private List<Extension> extensions(Headers headers) throws HandshakeException {
        // RFC 6455 §4.1 (5): an extension not offered MUST fail the connection.
        var made = new ArrayList<Extension>();
        try {
            var used = new HashSet<String>();
            int usedRsvBits = 0;
            for (String value : headers.all("Sec-WebSocket-Extensions")) {
                List<ExtensionOffer> elements;
                try {
                    elements = ExtensionOffer.parseHeader(value);
                } catch (IllegalArgumentException e) {
                    throw failure(headers, e.getMessage());
                }
                for (ExtensionOffer element : elements) {
                    ExtensionFactory factory = offeredFactory(element.name());
                    if (factory == null) {
                        throw failure(headers, "Sec-WebSocket-Extensions names " + Http.quote(element.name())
                                + ", which was not offered");
                    }
                    if (!used.add(element.name())) {
                        throw failure(headers, "Sec-WebSocket-Extensions names " + Http.quote(element.name())
                                + " twice");
                    }
                    Extension extension;
                    try {
                        extension = factory.acceptResponse(element);
                    } catch (IllegalArgumentException e) {
                        throw failure(headers, "Sec-WebSocket-Extensions " + Http.quote(element.toString())
                                + " refused: " + e.getMessage());
                    }
                    made.add(extension);
                    if ((extension.rsvBits() & usedRsvBits) != 0) {
                        throw failure(headers, "Sec-WebSocket-Extensions: " + element.name()
                                + " claims an RSV bit already used by another extension");
                    }
                    usedRsvBits |= extension.rsvBits();
                }
            }
            return List.copyOf(made);
        } catch (HandshakeException e) {
            made.forEach(Extension::close); // they may hold native memory
            throw e;
        }
    }

    private ExtensionFactory offeredFactory(String name) {
        for (ExtensionFactory factory : factories) {
            if (factory.name().equals(name) && offers.stream().anyMatch(o -> o.name().equals(name))) {
                return factory;
            }
        }
        return null;
    }

    private static HandshakeException failure(Headers headers, String message) {
        return new HandshakeException(0, message, headers);
    }

    /**
     * What the handshake settled.
     *
     * @param subprotocol the subprotocol the server chose, if any
     * @param extensions  the extensions to use, in the order they apply; the connection owns and closes them
     * @param response    the server's response head, for cookies and other headers
     */
    public record Result(Optional<String> subprotocol, List<Extension> extensions, ResponseHead response) {
        /** Copies {@code extensions}; nulls are refused. */
        public Result {
            Objects.requireNonNull(subprotocol, "subprotocol");
            extensions = List.copyOf(extensions);
            Objects.requireNonNull(response, "response");
        }
    }
}
