package io.pado.protocol;

import io.pado.protocol.extension.Extension;
import io.pado.protocol.extension.ExtensionFactory;
import io.pado.protocol.extension.ExtensionOffer;
import io.pado.protocol.handshake.Http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The server's side of the opening handshake (RFC 6455 §4.2): check a request, choose a subprotocol and
 * extensions, and write the 101 answer or an error response. Stateless functions, safe from any thread.
 *
 * <p>The model: the runtime reads a head with {@link RequestParser}; if {@link #isUpgrade(RequestHead)} says it
 * asks for a WebSocket, {@link #validate(RequestHead)} checks it against RFC 6455 §4.2.1. The application then
 * decides what the engine cannot: whether the path exists (404) and the origin is welcome (403), which subprotocol
 * and extensions to use. {@link #accept} writes the 101 response; {@link #reject} writes the response for any
 * {@link HandshakeException}, the engine's or the application's.
 * {@snippet :
 * try {
 *     UpgradeRequest request = ServerHandshake.validate(head);
 *     if (!request.path().equals("/chat")) {
 *         throw HandshakeException.notFound("no WebSocket endpoint at " + request.path());
 *     }
 *     Optional<String> subprotocol = ServerHandshake.chooseSubprotocol(List.of("chat"), request.subprotocols());
 *     var extensions = ServerHandshake.negotiateExtensions(factories, request.extensions());
 *     write(ServerHandshake.accept(request, subprotocol,
 *             extensions.stream().map(ExtensionFactory.Accepted::response).toList(), Headers.of()));
 * } catch (HandshakeException e) {
 *     write(ServerHandshake.reject(e));
 * }
 * }
 */
public final class ServerHandshake {

    /** The GUID that RFC 6455 §1.3 appends to the key before hashing. */
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /**
     * A SHA-1 digest never used itself, only cloned: {@link MessageDigest#getInstance} looks up a provider and checks
     * algorithm constraints on every call, a clone copies a few arrays, and cloning a digest that never changes is
     * safe from any thread.
     */
    private static final MessageDigest SHA1 = newSha1();

    /** The only version of RFC 6455 (§4.1, §11.6). */
    private static final String VERSION = "13";

    /** Header fields that {@link #accept} writes itself, lower case. */
    private static final Set<String> ACCEPT_OWN = Set.of("upgrade", "connection", "sec-websocket-accept",
            "sec-websocket-protocol", "sec-websocket-extensions");

    /** Header fields that {@link #reject} writes itself, lower case. */
    private static final Set<String> REJECT_OWN = Set.of("connection", "content-type", "content-length",
            "x-content-type-options");

    private ServerHandshake() {
    }

    /**
     * Whether {@code head} asks for a WebSocket: it has an {@code Upgrade} header with the token {@code websocket}
     * (any case). Other requests are plain HTTP, for an HTTP handler; these go to {@link #validate(RequestHead)}.
     */
    public static boolean isUpgrade(RequestHead head) {
        return head.headers().hasToken("Upgrade", "websocket");
    }

    /**
     * Checks an opening request against RFC 6455 §4.2.1 and reads what the server needs from it.
     *
     * <p>Refusals, in the order they are checked:
     * <ul>
     *   <li>400 if the version is older than HTTP/1.1;</li>
     *   <li>405 Method Not Allowed, with {@code Allow: GET}, if the method is not GET: the request is well formed,
     *       it only uses the wrong method, and RFC 9110 §15.5.6 has a status for exactly that;</li>
     *   <li>400 if the target is not in origin form ({@code /path?query}) or absolute form with an http, https, ws or
     *       wss URI, or holds a fragment;</li>
     *   <li>400 if there is not exactly one {@code Host} header, or it is empty or holds whitespace or a comma;</li>
     *   <li>400 if {@code Upgrade} lacks the token {@code websocket}, or {@code Connection} the token
     *       {@code Upgrade} (any case, among other tokens);</li>
     *   <li>426 Upgrade Required, with {@code Sec-WebSocket-Version: 13} and {@code Upgrade: websocket}, unless there
     *       is exactly one {@code Sec-WebSocket-Version} and it is {@code 13} (RFC 6455 §4.2.2);</li>
     *   <li>400 unless there is exactly one {@code Sec-WebSocket-Key} whose value is padded base64 of 16 bytes;</li>
     *   <li>400 if a {@code Sec-WebSocket-Protocol} element is not a token or is repeated (RFC 6455 §4.1);</li>
     *   <li>400 if a {@code Sec-WebSocket-Extensions} header is malformed (RFC 6455 §9.1);</li>
     *   <li>400 if there is more than one {@code Origin} header.</li>
     * </ul>
     *
     * @throws HandshakeException for the first rule the request breaks; its message names the header
     */
    public static UpgradeRequest validate(RequestHead head) throws HandshakeException {
        Headers headers = head.headers();
        // RFC 6455 §4.2.1 (1): an HTTP/1.1 or higher GET request, with a Request-URI.
        if (Http.versionNumber(head.version()) < 11) {
            throw HandshakeException.badRequest("a WebSocket upgrade needs HTTP/1.1 or newer, not "
                    + Http.quote(head.version()));
        }
        if (!head.method().equals("GET")) {
            throw new HandshakeException(405, "a WebSocket upgrade must use GET, not " + Http.quote(head.method()),
                    Headers.of("Allow", "GET"));
        }
        checkTarget(head);
        // RFC 6455 §4.2.1 (2); RFC 9112 §3.2: a server MUST answer 400 to a request without exactly one Host.
        List<String> hosts = headers.all("Host");
        if (hosts.size() != 1) {
            throw HandshakeException.badRequest(hosts.isEmpty() ? "missing Host header" : "more than one Host header");
        }
        String host = hosts.getFirst();
        if (host.isEmpty() || host.indexOf(',') >= 0 || host.indexOf(' ') >= 0 || host.indexOf('\t') >= 0) {
            throw HandshakeException.badRequest("bad Host header: " + Http.quote(host));
        }
        // RFC 6455 §4.2.1 (3), (4)
        if (!headers.hasToken("Upgrade", "websocket")) {
            throw HandshakeException.badRequest("Upgrade header must hold websocket, got "
                    + Http.quote(String.join(", ", headers.all("Upgrade"))));
        }
        if (!headers.hasToken("Connection", "Upgrade")) {
            throw HandshakeException.badRequest("Connection header must hold Upgrade, got "
                    + Http.quote(String.join(", ", headers.all("Connection"))));
        }
        // RFC 6455 §4.2.2 (4): another version MUST be answered with 426 and the versions the server speaks.
        List<String> versions = headers.all("Sec-WebSocket-Version");
        if (!versions.equals(List.of(VERSION))) {
            throw new HandshakeException(426, "Sec-WebSocket-Version must be 13, got "
                    + (versions.isEmpty() ? "none" : Http.quote(String.join(", ", versions))),
                    Headers.of("Sec-WebSocket-Version", VERSION, "Upgrade", "websocket"));
        }
        String key = key(headers);
        List<String> subprotocols = subprotocols(headers);
        List<ExtensionOffer> extensions = new ArrayList<>();
        for (String value : headers.all("Sec-WebSocket-Extensions")) {
            try {
                extensions.addAll(ExtensionOffer.parseHeader(value));
            } catch (IllegalArgumentException e) {
                throw HandshakeException.badRequest(e.getMessage());
            }
        }
        List<String> origins = headers.all("Origin");
        if (origins.size() > 1) {
            throw HandshakeException.badRequest("more than one Origin header");
        }
        return new UpgradeRequest(head, key, subprotocols, extensions,
                origins.isEmpty() ? Optional.empty() : Optional.of(origins.getFirst()));
    }

    private static void checkTarget(RequestHead head) throws HandshakeException {
        String target = head.target();
        String scheme = target.substring(0, Math.max(0, target.indexOf("://"))).toLowerCase(Locale.ROOT);
        boolean absolute = head.isAbsoluteForm() && Set.of("http", "https", "ws", "wss").contains(scheme);
        // RFC 6455 §4.1: the Request-URI is a resource name (a relative URI) or an absolute http(s) URI.
        if (!target.startsWith("/") && !absolute) {
            throw HandshakeException.badRequest("request target must be a path or an absolute URI, not "
                    + Http.quote(target));
        }
        // RFC 6455 §3: fragment identifiers MUST NOT be used in WebSocket URIs.
        if (target.indexOf('#') >= 0) {
            throw HandshakeException.badRequest("request target must not hold a fragment: " + Http.quote(target));
        }
    }

    private static String key(Headers headers) throws HandshakeException {
        // RFC 6455 §4.2.1 (5): exactly one Sec-WebSocket-Key, base64 of a 16-byte nonce (§4.1 (7)).
        List<String> keys = headers.all("Sec-WebSocket-Key");
        if (keys.size() != 1) {
            throw HandshakeException.badRequest(keys.isEmpty() ? "missing Sec-WebSocket-Key header"
                    : "more than one Sec-WebSocket-Key header");
        }
        String key = keys.getFirst();
        byte[] nonce;
        try {
            nonce = key.length() == 24 ? Base64.getDecoder().decode(key) : new byte[0];
        } catch (IllegalArgumentException e) {
            nonce = new byte[0];
        }
        if (nonce.length != 16) {
            throw HandshakeException.badRequest("Sec-WebSocket-Key must be base64 of 16 bytes, got "
                    + Http.quote(key));
        }
        return key;
    }

    private static List<String> subprotocols(Headers headers) throws HandshakeException {
        // RFC 6455 §4.1 (10): elements are tokens and MUST all be unique; repeated headers count as one list.
        List<String> subprotocols = headers.tokens("Sec-WebSocket-Protocol");
        var seen = new HashSet<String>();
        for (String subprotocol : subprotocols) {
            if (!Http.isToken(subprotocol)) {
                throw HandshakeException.badRequest("Sec-WebSocket-Protocol element is not a token: "
                        + Http.quote(subprotocol));
            }
            if (!seen.add(subprotocol)) {
                throw HandshakeException.badRequest("Sec-WebSocket-Protocol offers " + Http.quote(subprotocol)
                        + " twice");
            }
        }
        return subprotocols;
    }

    /**
     * The {@code Sec-WebSocket-Accept} value for a {@code Sec-WebSocket-Key}: base64 of the SHA-1 of the key followed
     * by the RFC's GUID (RFC 6455 §4.2.2 (5.4)). {@code dGhlIHNhbXBsZSBub25jZQ==} gives
     * {@code s3pPLMBiTxaQ9kYGzzhZRbK+xOo=}.
     */
    public static String acceptValue(String key) {
        Objects.requireNonNull(key, "key");
        MessageDigest sha1;
        try {
            sha1 = (MessageDigest) SHA1.clone();
        } catch (CloneNotSupportedException e) {
            sha1 = newSha1(); // a provider whose SHA-1 cannot be cloned
        }
        byte[] digest = sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(digest);
    }

    private static MessageDigest newSha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }

    /**
     * The subprotocol to answer with: the first of the server's preferences that the client offered, compared
     * exactly (RFC 6455 §4.2.2 (5.4): the server MUST pick one of the client's values); empty if none matches.
     * Server {@code [superchat, chat]} and client {@code chat, superchat} give {@code superchat}.
     *
     * @param serverPreference the subprotocols the server speaks, best first
     * @param offered          {@link UpgradeRequest#subprotocols()}
     */
    public static Optional<String> chooseSubprotocol(List<String> serverPreference, List<String> offered) {
        for (String subprotocol : serverPreference) {
            if (offered.contains(subprotocol)) {
                return Optional.of(subprotocol);
            }
        }
        return Optional.empty();
    }

    /**
     * Negotiates extensions (RFC 6455 §9.1): each factory, in the server's order, is passed the client's offers
     * with its name (compared exactly), in the client's order, and may accept one. The result is in the server's
     * order. Factories with no offer are not asked. An acceptance whose extension claims an RSV bit already claimed
     * by an earlier one is dropped, and its extension closed, so two extensions never share a bit (RFC 6455 §5.2).
     *
     * @param serverFactories the extensions the server supports, most wanted first
     * @param offered         {@link UpgradeRequest#extensions()}
     * @return the acceptances; put their {@link ExtensionFactory.Accepted#response() responses} in {@link #accept}
     *         and their extensions in the connection
     */
    public static List<ExtensionFactory.Accepted> negotiateExtensions(List<ExtensionFactory> serverFactories,
                                                                      List<ExtensionOffer> offered) {
        var accepted = new ArrayList<ExtensionFactory.Accepted>();
        int usedRsvBits = 0;
        for (ExtensionFactory factory : serverFactories) {
            List<ExtensionOffer> offers = offered.stream().filter(o -> o.name().equals(factory.name())).toList();
            if (offers.isEmpty()) {
                continue;
            }
            Optional<ExtensionFactory.Accepted> acceptance = factory.acceptOffers(offers);
            if (acceptance.isEmpty()) {
                continue;
            }
            Extension extension = acceptance.get().extension();
            if ((extension.rsvBits() & usedRsvBits) != 0) {
                extension.close(); // it may hold native memory
                continue;
            }
            usedRsvBits |= extension.rsvBits();
            accepted.add(acceptance.get());
        }
        return List.copyOf(accepted);
    }

    /**
     * The 101 Switching Protocols response that completes the handshake (RFC 6455 §4.2.2 (5)):
     * {@code Upgrade: websocket}, {@code Connection: Upgrade}, {@code Sec-WebSocket-Accept}, then
     * {@code Sec-WebSocket-Protocol} and {@code Sec-WebSocket-Extensions} if there are any, then
     * {@code extraHeaders} (cookies, for instance).
     *
     * @param request            the validated request
     * @param subprotocol        the chosen subprotocol; it must be one the client offered
     * @param extensionResponses the accepted extensions' response elements, in the order they apply; each must name
     *                           an extension the client offered, at most once
     * @param extraHeaders       more fields; they must not be any of the five above
     * @return a new heap buffer holding the US-ASCII response, position 0, ready to write
     * @throws IllegalArgumentException if a rule above is broken, or a value holds anything but visible US-ASCII,
     *                                  SP and HTAB (so nothing can split a header line)
     */
    public static ByteBuffer accept(UpgradeRequest request, Optional<String> subprotocol,
                                    List<ExtensionOffer> extensionResponses, Headers extraHeaders) {
        Objects.requireNonNull(subprotocol, "subprotocol");
        Objects.requireNonNull(extraHeaders, "extraHeaders");
        var out = new StringBuilder(256)
                .append("HTTP/1.1 101 Switching Protocols\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Accept: ").append(acceptValue(request.key())).append("\r\n");
        if (subprotocol.isPresent()) {
            // RFC 6455 §4.2.2 (5.4): the server MUST NOT answer with a subprotocol the client did not offer.
            if (!request.subprotocols().contains(subprotocol.get())) {
                throw new IllegalArgumentException("subprotocol " + Http.quote(subprotocol.get())
                        + " was not offered; the client offered " + request.subprotocols());
            }
            out.append("Sec-WebSocket-Protocol: ").append(subprotocol.get()).append("\r\n");
        }
        if (!extensionResponses.isEmpty()) {
            var names = new HashSet<String>();
            for (ExtensionOffer response : extensionResponses) {
                // RFC 6455 §9.1: the server MUST NOT accept an extension the client did not offer.
                if (request.extensions().stream().noneMatch(o -> o.name().equals(response.name()))) {
                    throw new IllegalArgumentException("extension " + Http.quote(response.name())
                            + " was not offered");
                }
                if (!names.add(response.name())) {
                    throw new IllegalArgumentException("extension " + Http.quote(response.name())
                            + " is accepted twice");
                }
            }
            out.append("Sec-WebSocket-Extensions: ").append(renderExtensions(extensionResponses)).append("\r\n");
        }
        extraHeaders.forEach((name, value) -> {
            if (ACCEPT_OWN.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("extra header " + name + " would override the handshake's own");
            }
            Http.checkSendableValue("header " + name, value);
        });
        extraHeaders.appendTo(out);
        out.append("\r\n");
        return ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A {@code Sec-WebSocket-Extensions} value for {@code elements}: each one's {@link ExtensionOffer#toString()},
     * comma-separated.
     *
     * @throws IllegalArgumentException if a name is not a token or a value cannot be sent
     */
    static String renderExtensions(List<ExtensionOffer> elements) {
        var out = new StringBuilder();
        for (ExtensionOffer element : elements) {
            Http.checkToken("extension name", element.name());
            for (ExtensionOffer.Parameter parameter : element.parameters()) {
                Http.checkToken("parameter name of extension " + element.name(), parameter.name());
            }
            String rendered = element.toString();
            Http.checkSendableValue("extension " + element.name(), rendered);
            if (!out.isEmpty()) {
                out.append(", ");
            }
            out.append(rendered);
        }
        return out.toString();
    }

    /**
     * An HTTP error response for a refused handshake: the status line with the standard reason phrase,
     * {@code Content-Type: text/plain; charset=utf-8}, {@code Content-Length}, {@code X-Content-Type-Options:
     * nosniff}, {@code Connection: close} ({@code Connection: Upgrade, close} when the exception's headers hold an
     * {@code Upgrade}, as RFC 9110 §7.8 asks), then the exception's {@link HandshakeException#headers() headers}, and
     * its message as the body. The runtime closes the connection after writing it.
     *
     * <p>Fields among the exception's headers that this method writes itself, or whose values are not visible
     * US-ASCII, are left out: an error response must always be writable.
     *
     * @return a new heap buffer, position 0, ready to write
     * @throws IllegalArgumentException if the exception's status is not 300-599 (a client-side exception)
     */
    public static ByteBuffer reject(HandshakeException e) {
        int status = e.status();
        if (status < 300) {
            throw new IllegalArgumentException("not an error status to answer with: " + status);
        }
        byte[] body = (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
        boolean upgrade = e.headers().contains("Upgrade");
        var head = new StringBuilder(256)
                .append("HTTP/1.1 ").append(status).append(' ').append(Http.reasonPhrase(status)).append("\r\n")
                .append("Content-Type: text/plain; charset=utf-8\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("X-Content-Type-Options: nosniff\r\n")
                .append(upgrade ? "Connection: Upgrade, close\r\n" : "Connection: close\r\n");
        e.headers().forEach((name, value) -> {
            if (!REJECT_OWN.contains(name.toLowerCase(Locale.ROOT))
                    && value.chars().allMatch(Http::isSendableValueChar)) {
                head.append(name).append(": ").append(value).append("\r\n");
            }
        });
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(headBytes.length + body.length).put(headBytes).put(body).flip();
    }
}
