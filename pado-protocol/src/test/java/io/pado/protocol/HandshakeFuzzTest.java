package io.pado.protocol;

import io.pado.protocol.extension.Extension;
import io.pado.protocol.extension.ExtensionFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the opening handshake: request heads (server) and response heads (client), generated near-valid, mutated
 * byte by byte and fed whole and cut anywhere. The only failure allowed is a {@link HandshakeException} with a
 * status the docs name; any split gives the same outcome; valid input always succeeds. Tries per property: the
 * {@code jqwik.tries.default} property (Maven: {@code -Dfuzz.tries=N}); see docs/RELIABILITY.md.
 */
class HandshakeFuzzTest {
    private static final PerMessageDeflate POOLED = PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT);
    private static final PerMessageDeflate CONTEXT = PerMessageDeflate.create(
            PerMessageDeflate.Options.DEFAULT.withMemory(PerMessageDeflate.Memory.CONTEXT_TAKEOVER));
    private static final byte[] CLIENT_KEY = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String KEY = Base64.getEncoder().encodeToString(CLIENT_KEY);

    /** What a parse came to: the head (as text) or the failure, and the bytes left after the head. */
    record Outcome(String head, int status, String failure, String leftover) {
    }

    /** Feeds {@code pieces} to {@code parse} one by one; the leftover is what follows the head. */
    static <T> Outcome parse(Chunks.Parse<T> parse, byte[][] pieces) {
        var leftover = new StringBuilder();
        T head = null;
        try {
            for (byte[] piece : pieces) {
                ByteBuffer in = ByteBuffer.wrap(piece);
                if (head == null) {
                    head = parse.parse(in);
                    if (head == null) {
                        assertThat(in.hasRemaining()).as("a parser that returns null reads all it is given").isFalse();
                    }
                }
                leftover.append(StandardCharsets.ISO_8859_1.decode(in));
            }
        } catch (HandshakeException e) {
            return new Outcome(null, e.status(), e.getMessage(), "");
        }
        return new Outcome(head == null ? null : head.toString(), -1, null, head == null ? "" : leftover.toString());
    }

    // ---------------------------------------------------------------------------------------------- server side

    @Provide
    Arbitrary<byte[]> requests() {
        Arbitrary<String> method = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just("GET")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("POST", "get", "HEAD", "G\tT", "", "GET GET")));
        Arbitrary<String> target = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of("/", "/chat", "/a?b=c&d", "http://h.example/x", "ws://h/x?q",
                        "HTTPS://h:1/", "//")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("*", "/#f", "/%41%zz", "/\u00e9", "ftp://x/", "h.example:80",
                        "/a b")));
        Arbitrary<String> version = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just("HTTP/1.1")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("HTTP/1.0", "HTTP/2.0", "HTTP/1.10", "http/1.1", "HTTP/1",
                        "HTTP/0.9", "HTTP/9.9", "HTTP/1.1 ")));
        Arbitrary<List<String>> headers = requestHeader().list().ofMaxSize(4);
        Arbitrary<String> lineEnd = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(9, Arbitraries.just("\r\n")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("\n", "\r", "\r\r\n")));
        Arbitrary<String> head = Combinators.combine(method, target, version, headers, lineEnd,
                        Arbitraries.frequencyOf(
                                net.jqwik.api.Tuple.of(9, Arbitraries.just(List.of("Host: h.example",
                                        "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: " + KEY,
                                        "Sec-WebSocket-Version: 13"))),
                                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.<String>of()))))
                .as((m, t, v, extra, eol, base) -> {
                    var out = new StringBuilder(m).append(' ').append(t).append(' ').append(v).append(eol);
                    for (String line : base) {
                        out.append(line).append("\r\n");
                    }
                    for (String line : extra) {
                        out.append(line).append(eol);
                    }
                    return out.append("\r\n").toString();
                });
        Arbitrary<String> tail = Arbitraries.of("", "\u0081\u0080\u0001\u0002\u0003\u0004", "GET / HTTP/1.1\r\n");
        return Combinators.combine(head, tail, Fuzz.mutations(4))
                .as((h, t, mutations) -> Fuzz.mutate((h + t).getBytes(StandardCharsets.ISO_8859_1), mutations));
    }

    /** Header lines a browser sends, variants that break one rule each, and extension offers of every shape. */
    private static Arbitrary<String> requestHeader() {
        Arbitrary<String> name = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of("Sec-WebSocket-Protocol", "sec-websocket-extensions",
                        "Sec-WebSocket-Extensions", "Origin", "Cookie")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("Host", "host", "Upgrade", "Connection", "Sec-WebSocket-Key",
                        "Sec-WebSocket-Version", "X", "Bad Name", "", "Transfer-Encoding")));
        Arbitrary<String> value = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, extensionOffers()),
                net.jqwik.api.Tuple.of(2, Arbitraries.of("websocket", "WebSocket, h2c", "Upgrade",
                        "keep-alive, Upgrade", "13", "8, 13", KEY,
                        "dGhlIHNhbXBsZSBub25jZQ", "AAAAAAAAAAAAAAAAAAAAAA==", "chat", "chat, superchat", "chat, chat",
                        "a b", "", "  ", "h.example:8080", "[::1]:80", "h,i", "https://h.example", "null",
                        "x\u0001y", "\u00ff")),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().withChars(" \t,;=\"\\abcxz019:/-_").ofMaxLength(40)));
        Arbitrary<String> separator = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(20, Arbitraries.of(": ", ":")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(" : ", ":\t", "\t: ")));
        return Combinators.combine(name, separator, value)
                .as((n, sep, v) -> n + sep + v);
    }

    /** permessage-deflate offers: valid, out of range, repeated, quoted, and broken. */
    static Arbitrary<String> extensionOffers() {
        Arbitrary<String> parameter = Arbitraries.of("client_max_window_bits", "client_max_window_bits=8",
                "client_max_window_bits=15", "client_max_window_bits=16", "server_max_window_bits=9",
                "server_max_window_bits=\"10\"", "server_max_window_bits=7", "server_max_window_bits",
                "server_no_context_takeover", "client_no_context_takeover", "server_no_context_takeover=1",
                "x=\"a\\\"b\"", "x=\"", "=", "", "client_max_window_bits=08", "server_max_window_bits=99999999999");
        Arbitrary<String> element = Combinators.combine(
                        Arbitraries.of("permessage-deflate", "permessage-deflate", "x-webkit-deflate-frame", "a b", ""),
                        parameter.list().ofMaxSize(4))
                .as((name, ps) -> {
                    var out = new StringBuilder(name);
                    ps.forEach(p -> out.append("; ").append(p));
                    return out.toString();
                });
        return element.list().ofMinSize(1).ofMaxSize(3).map(es -> String.join(", ", es));
    }

    @Property
    void serverHandshakeOnMutatedRequests(@ForAll("requests") byte[] request, @ForAll("cuts") List<Integer> cuts,
            @ForAll("headLimits") int maxHeadBytes) throws HandshakeException {
        Outcome whole = parse(new RequestParser(maxHeadBytes)::parse, new byte[][] {request});
        Outcome split = parse(new RequestParser(maxHeadBytes)::parse, Fuzz.pieces(request, cuts));
        assertThat(split).as("any split gives the same outcome").isEqualTo(whole);
        if (whole.head() == null) {
            Statistics.collect(whole.failure() == null ? "incomplete"
                    : "refused " + whole.status() + " " + whole.failure().replaceAll(":.*", ""));
            if (whole.failure() != null) {
                assertThat(whole.status()).isIn(400, 431, 505);
                assertRejectIsClean(new HandshakeException(whole.status(), whole.failure()));
            }
            return;
        }
        assertThat(request.length - whole.leftover().length()).as("head bytes").isLessThanOrEqualTo(maxHeadBytes);
        RequestHead head = new RequestParser(maxHeadBytes).parse(ByteBuffer.wrap(request));
        if (!ServerHandshake.isUpgrade(head)) {
            Statistics.collect("plain HTTP");
            return;
        }
        UpgradeRequest upgrade;
        try {
            upgrade = ServerHandshake.validate(head);
        } catch (HandshakeException e) {
            Statistics.collect("refused " + e.status() + " " + e.getMessage().replaceAll(",.*|:.*", ""));
            assertThat(e.status()).isIn(400, 405, 426);
            assertRejectIsClean(e);
            return;
        }
        Statistics.collect(upgrade.extensions().isEmpty() ? "upgraded" : "upgraded with extension offers");
        for (PerMessageDeflate factory : List.of(POOLED, CONTEXT)) {
            Optional<String> subprotocol = ServerHandshake.chooseSubprotocol(List.of("superchat", "chat"),
                    upgrade.subprotocols());
            var accepted = ServerHandshake.negotiateExtensions(List.of(factory), upgrade.extensions());
            try {
                ByteBuffer response = ServerHandshake.accept(upgrade, subprotocol,
                        accepted.stream().map(ExtensionFactory.Accepted::response).toList(), Headers.of());
                ResponseHead parsed = new ResponseParser(8192).parse(response);
                assertThat(parsed.status()).isEqualTo(101);
                assertThat(parsed.headers().all("Sec-WebSocket-Accept"))
                        .containsExactly(ServerHandshake.acceptValue(upgrade.key()));
                // What the server accepted, a client that offered the same must accept too (RFC 7692 §7.1)
                for (ExtensionFactory.Accepted a : accepted) {
                    factory.acceptResponse(a.response()).close();
                }
            } finally {
                accepted.forEach(a -> a.extension().close());
            }
        }
    }

    /** An error response must parse, keep its status, and say one line with no internals (issue 7). */
    static void assertRejectIsClean(HandshakeException e) throws HandshakeException {
        ByteBuffer response = ServerHandshake.reject(e);
        ResponseHead head = new ResponseParser(8192).parse(response);
        assertThat(head.status()).isEqualTo(e.status());
        String body = StandardCharsets.UTF_8.decode(response).toString();
        assertThat(body).endsWith("\n");
        assertThat(body.strip()).doesNotContain("\n", "\r", "Exception", "io.pado", "\tat ");
        assertThat(head.headers().all("Content-Length")).containsExactly(
                Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Fuzz.cuts();
    }

    @Provide
    Arbitrary<Integer> headLimits() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.of(1, 64, 256)),
                net.jqwik.api.Tuple.of(8, Arbitraries.just(8192)));
    }

    // ---------------------------------------------------------------------------------------------- client side

    private static ClientHandshake client() {
        return ClientHandshake.create(URI.create("ws://h.example/chat"), List.of("chat", "superchat"),
                List.of(POOLED), Headers.of(), Optional.empty(), CLIENT_KEY);
    }

    @Provide
    Arbitrary<byte[]> responses() {
        String accept = ServerHandshake.acceptValue(KEY);
        Arbitrary<String> status = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just("HTTP/1.1 101 Switching Protocols")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("HTTP/1.1 101", "HTTP/1.1 101 ", "HTTP/1.1 200 OK",
                        "HTTP/1.0 101 x", "HTTP/1.1 1011 x", "HTTP/1.1 404 Not Found", "HTTP/1.1 099 x",
                        "HTTP/2 101 x", "HTTP/1.1 10 x", "HTTP/1.1 101\u0001")));
        Arbitrary<String> name = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of("Upgrade", "Connection", "Sec-WebSocket-Accept",
                        "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "sec-websocket-extensions",
                        "Set-Cookie")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(" folded", "\tfolded", "No-Colon")));
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("websocket", "upgrade", "Upgrade, close", accept, accept + "x", "", "chat",
                        "superchat", "chat, superchat", "other", "a=b"),
                extensionOffers());
        Arbitrary<List<String>> extra = Combinators.combine(name, Arbitraries.of(": ", ":", " :"), value)
                .as((n, sep, v) -> n + sep + v).list().ofMaxSize(3);
        Arbitrary<List<String>> base = Arbitraries.of(
                List.of("Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: " + accept),
                List.of("Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: " + accept,
                        "Sec-WebSocket-Protocol: chat",
                        "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover"),
                List.of());
        Arbitrary<String> head = Combinators.combine(status, base, extra).as((s, b, e) -> {
            var out = new StringBuilder(s).append("\r\n");
            b.forEach(line -> out.append(line).append("\r\n"));
            e.forEach(line -> out.append(line).append("\r\n"));
            return out.append("\r\n").append("\u0081\u0002hi").toString();
        });
        return Combinators.combine(head, Fuzz.mutations(5))
                .as((h, mutations) -> Fuzz.mutate(h.getBytes(StandardCharsets.ISO_8859_1), mutations));
    }

    @Property
    void clientHandshakeOnMutatedResponses(@ForAll("responses") byte[] response, @ForAll("cuts") List<Integer> cuts)
            throws HandshakeException {
        Outcome whole = parse(new ResponseParser(1024)::parse, new byte[][] {response});
        Outcome split = parse(new ResponseParser(1024)::parse, Fuzz.pieces(response, cuts));
        assertThat(split).as("any split gives the same outcome").isEqualTo(whole);
        if (whole.head() == null) {
            Statistics.collect(whole.failure() == null ? "incomplete" : "malformed");
            if (whole.failure() != null) {
                assertThat(whole.status()).isZero();
            }
            return;
        }
        ResponseHead head = new ResponseParser(1024).parse(ByteBuffer.wrap(response));
        ClientHandshake.Result result;
        try {
            result = client().validate(head);
            Statistics.collect(result.extensions().isEmpty() ? "accepted" : "accepted with extension");
        } catch (HandshakeException e) {
            Statistics.collect("refused");
            assertThat(e.status()).isIn(0, head.status());
            assertThat(e.status() == 0).isEqualTo(head.status() == 101);
            return;
        }
        try {
            assertThat(head.status()).isEqualTo(101);
            assertThat(result.subprotocol().orElse("chat")).isIn("chat", "superchat");
            assertThat(result.extensions()).hasSizeLessThanOrEqualTo(1);
        } finally {
            result.extensions().forEach(Extension::close);
        }
    }

    // ------------------------------------------------------------------------------------------------ round trip

    @Provide
    Arbitrary<List<String>> subprotocolLists() {
        return Arbitraries.of("chat", "superchat", "v2.json", "x").set().ofMaxSize(4).map(ArrayList::new);
    }

    /**
     * Valid input round-trips: whatever a client offers, the server's answer to its request is accepted by that
     * client, and the two engines then exchange messages, compressed when both sides chose to.
     */
    @Property
    void clientAndServerAlwaysAgree(@ForAll("subprotocolLists") List<String> offered,
            @ForAll("subprotocolLists") List<String> spoken, @ForAll boolean compress, @ForAll boolean contextTakeover,
            @ForAll("cuts") List<Integer> cuts, @ForAll String message) throws HandshakeException {
        PerMessageDeflate factory = contextTakeover ? CONTEXT : POOLED;
        List<ExtensionFactory> offers = compress ? List.of(factory) : List.of();
        var handshake = ClientHandshake.create(URI.create("ws://h.example:8080/chat?room=1"), offered, offers,
                Headers.of("Cookie", "a=b"), Optional.of("https://h.example"), CLIENT_KEY);
        ByteBuffer request = handshake.request();
        byte[] requestBytes = new byte[request.remaining()];
        request.get(requestBytes);
        Outcome parsed = parse(new RequestParser(8192)::parse, Fuzz.pieces(requestBytes, cuts));
        assertThat(parsed.failure()).isNull();
        UpgradeRequest upgrade = ServerHandshake.validate(new RequestParser(8192).parse(ByteBuffer.wrap(requestBytes)));
        var accepted = ServerHandshake.negotiateExtensions(List.of(factory), upgrade.extensions());
        Optional<String> subprotocol = ServerHandshake.chooseSubprotocol(spoken, upgrade.subprotocols());
        ByteBuffer response = ServerHandshake.accept(upgrade, subprotocol,
                accepted.stream().map(ExtensionFactory.Accepted::response).toList(), Headers.of());
        ClientHandshake.Result result = handshake.validate(new ResponseParser(8192).parse(response));
        assertThat(result.subprotocol()).isEqualTo(subprotocol);
        assertThat(result.extensions()).hasSize(compress ? 1 : 0);

        Engine client = Engine.of(Role.CLIENT, EngineOptions.DEFAULT, result.extensions());
        Engine server = Engine.of(Role.SERVER, EngineOptions.DEFAULT,
                accepted.stream().map(ExtensionFactory.Accepted::extension).toList());
        String big = message.repeat(1 + 200 / (1 + message.length()));
        client.connection.sendText(big);
        server.connection.sendText(message);
        assertThat(server.receive(client.output())).containsExactly(new Event.Text(big));
        assertThat(client.receive(server.output())).containsExactly(new Event.Text(message));
        client.connection.close(1000, "");
        assertThat(server.receive(client.output())).containsExactly(new Event.Closed(1000, ""));
        assertThat(client.receive(server.output())).containsExactly(new Event.Closed(1000, ""));
    }
}
