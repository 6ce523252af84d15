package io.pado.protocol;

import io.pado.protocol.extension.Extension;
import io.pado.protocol.extension.ExtensionOffer;
import io.pado.protocol.FakeExtensions.Answer;
import io.pado.protocol.FakeExtensions.Factory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static io.pado.protocol.Chunks.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientHandshakeTest {

    /** The nonce of RFC 6455 §1.2: its base64 is {@code dGhlIHNhbXBsZSBub25jZQ==}. */
    static final byte[] SAMPLE_KEY = "the sample nonce".getBytes(StandardCharsets.US_ASCII);

    static ClientHandshake sample() {
        return ClientHandshake.create(URI.create("ws://server.example.com/chat"), List.of("chat", "superchat"),
                List.of(), Headers.of(), Optional.of("http://example.com"), SAMPLE_KEY);
    }

    static ClientHandshake to(String uri) {
        return ClientHandshake.create(URI.create(uri), List.of(), List.of(), Headers.of(), Optional.empty(),
                SAMPLE_KEY);
    }

    static String requestLine(ClientHandshake handshake) {
        String request = ServerHandshakeTest.string(handshake.request());
        return request.substring(0, request.indexOf("\r\n"));
    }

    static String host(ClientHandshake handshake) {
        return ServerHandshakeTest.head(ServerHandshakeTest.string(handshake.request())).headers().first("Host")
                .orElseThrow();
    }

    static ResponseHead response(String text) {
        try {
            return new ResponseParser(8192).parse(ByteBuffer.wrap(ascii(text)));
        } catch (HandshakeException e) {
            throw new AssertionError(e);
        }
    }

    /** The RFC sample response with {@code header} replaced (or removed, when {@code replacement} is empty). */
    static ResponseHead sampleResponseWith(String header, String replacement) {
        String text = ResponseParserTest.SAMPLE.replaceFirst("(?m)^" + header + ":[^\r]*\r\n",
                replacement.isEmpty() ? "" : replacement.replace("{NL}", "\r\n") + "\r\n");
        assertThat(text).as("sample has %s", header).isNotEqualTo(ResponseParserTest.SAMPLE);
        return response(text);
    }

    static HandshakeException failure(ClientHandshake handshake, ResponseHead response) {
        try {
            ClientHandshake.Result result = handshake.validate(response);
            throw new AssertionError("expected a failure, got " + result);
        } catch (HandshakeException e) {
            return e;
        }
    }

    @Nested
    class WebSocketUris { // RFC 6455 §3
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "http://example.com/       | scheme ws or wss",
                "/chat                     | scheme ws or wss",
                "ws://example.com/#frag    | must not have a fragment",
                "ws:/chat                  | must have a host",
                "ws://bücher.example/      | must have a host",
                "ws://user:pw@example.com/ | must not have user info"})
        void clientRefusesUrisThatAreNotWebSocketUris(String uri, String message) {
            assertThatThrownBy(() -> to(uri))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(message)
                    .hasMessageEndingWith(uri);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "ws://example.com            | example.com",
                "ws://example.com:80/        | example.com",
                "WS://example.com:8080/      | example.com:8080",
                "wss://example.com:443/      | example.com",
                "wss://example.com:80/       | example.com:80",
                "ws://[::1]:9000/            | [::1]:9000",
                "wss://[2001:db8::7]/        | [2001:db8::7]",
                "ws://127.0.0.1:0/           | 127.0.0.1:0"})
        void hostHasThePortOnlyWhenItIsNotTheDefault(String uri, String host) { // RFC 6455 §4.1 (4)
            assertThat(host(to(uri))).isEqualTo(host);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "ws://example.com                  | GET / HTTP/1.1",
                "ws://example.com?x=1              | GET /?x=1 HTTP/1.1",
                "ws://example.com/a%20b?q=%C3%A9&r | GET /a%20b?q=%C3%A9&r HTTP/1.1",
                "ws://example.com/caf\u00e9?\u00e9 | GET /caf%C3%A9?%C3%A9 HTTP/1.1"})
        void theTargetIsThePathAndQueryInAscii(String uri, String requestLine) { // RFC 6455 §4.1 (3)
            assertThat(requestLine(to(uri))).isEqualTo(requestLine);
        }
    }

    @Nested
    class Arguments {
        @Test
        void theKeyMustBe16Bytes() { // RFC 6455 §4.1 (7)
            assertThatThrownBy(() -> ClientHandshake.create(URI.create("ws://a/"), List.of(), List.of(), Headers.of(),
                    Optional.empty(), new byte[15]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("the key must be 16 bytes, got 15");
        }

        @Test
        void subprotocolsMustBeDistinctTokens() { // RFC 6455 §4.1 (10)
            assertThatThrownBy(() -> ClientHandshake.create(URI.create("ws://a/"), List.of("a b"), List.of(),
                    Headers.of(), Optional.empty(), SAMPLE_KEY))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("subprotocol is not an HTTP token: \"a b\"");
            assertThatThrownBy(() -> ClientHandshake.create(URI.create("ws://a/"), List.of("chat", "chat"), List.of(),
                    Headers.of(), Optional.empty(), SAMPLE_KEY))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("subprotocol offered twice: chat");
        }

        @Test
        void extensionFactoriesMustHaveDistinctNamesAndOfferOnlyTheirOwn() {
            var a = Factory.accepting("x-a", Extension.RSV1);
            var wrong = new Factory("x-b", Extension.RSV1, Answer.ACCEPT_FIRST, new ExtensionOffer("x-c", List.of()));

            assertThatThrownBy(() -> ClientHandshake.create(URI.create("ws://a/"), List.of(), List.of(a, a),
                    Headers.of(), Optional.empty(), SAMPLE_KEY))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("two extension factories named x-a");
            assertThatThrownBy(() -> ClientHandshake.create(URI.create("ws://a/"), List.of(), List.of(wrong),
                    Headers.of(), Optional.empty(), SAMPLE_KEY))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("extension factory x-b offers x-c");
        }

        @Test
        void extraHeadersMustNotOverrideTheHandshake() {
            for (String name : List.of("Host", "upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
                    "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Origin", "Content-Length",
                    "Transfer-Encoding")) {
                assertThatThrownBy(() -> ClientHandshake.create(URI.create("ws://a/"), List.of(), List.of(),
                        Headers.of(name, "x"), Optional.empty(), SAMPLE_KEY))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("extra header " + name + " would override the handshake's own");
            }
        }

        @Test
        void valuesMustBeVisibleAscii() {
            assertThatThrownBy(() -> ClientHandshake.create(URI.create("ws://a/"), List.of(), List.of(),
                    Headers.of("Cookie", "caf\u00e9"), Optional.empty(), SAMPLE_KEY))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header Cookie");
            assertThatThrownBy(() -> ClientHandshake.create(URI.create("ws://a/"), List.of(), List.of(),
                    Headers.of(), Optional.of("http://a\r\nX: y"), SAMPLE_KEY))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Origin has a character");
        }

        @Test
        void newKeyTakes16BytesFromTheSource() {
            byte[] expected = new byte[16];
            new Random(7).nextBytes(expected);

            assertThat(ClientHandshake.newKey(new Random(7))).isEqualTo(expected);
        }
    }

    @Nested
    class OpeningRequest { // RFC 6455 §4.1
        @Test
        void theRfcSampleRequestIsWritten() {
            ClientHandshake handshake = sample();

            assertThat(handshake.key()).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
            assertThat(ServerHandshakeTest.string(handshake.request())).isEqualTo("""
                    GET /chat HTTP/1.1\r
                    Host: server.example.com\r
                    Upgrade: websocket\r
                    Connection: Upgrade\r
                    Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
                    Sec-WebSocket-Version: 13\r
                    Sec-WebSocket-Protocol: chat, superchat\r
                    Origin: http://example.com\r
                    \r
                    """);
        }

        @Test
        void extensionOffersAndExtraHeadersAreWritten() {
            var deflate = new Factory("permessage-deflate", Extension.RSV1, Answer.ACCEPT_FIRST,
                    ExtensionOffer.parseHeader("permessage-deflate; client_max_window_bits, permessage-deflate")
                            .toArray(ExtensionOffer[]::new));
            var silent = new Factory("x-silent", Extension.RSV2, Answer.ACCEPT_FIRST);
            var handshake = ClientHandshake.create(URI.create("wss://example.com/"), List.of(),
                    List.of(deflate, silent), Headers.of("Cookie", "a=1", "Authorization", "Bearer t"),
                    Optional.empty(), SAMPLE_KEY);

            assertThat(ServerHandshakeTest.string(handshake.request())).endsWith("""
                    Sec-WebSocket-Version: 13\r
                    Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, permessage-deflate\r
                    Cookie: a=1\r
                    Authorization: Bearer t\r
                    \r
                    """);
        }

        @Test
        void eachCallGivesAFreshBuffer() {
            ClientHandshake handshake = sample();
            ByteBuffer first = handshake.request();
            first.position(first.limit());

            assertThat(handshake.request().position()).isZero();
        }

        @Test
        void theServerAcceptsTheRequest() throws HandshakeException {
            UpgradeRequest request = ServerHandshake.validate(
                    ServerHandshakeTest.head(ServerHandshakeTest.string(sample().request())));

            assertThat(request.subprotocols()).containsExactly("chat", "superchat");
            assertThat(request.origin()).contains("http://example.com");
        }
    }

    @Nested
    class ServerResponse { // RFC 6455 §4.1, the client's checks of the server's handshake
        @Test
        void theRfcSampleResponseIsValid() throws HandshakeException {
            ResponseHead response = response(ResponseParserTest.SAMPLE);

            ClientHandshake.Result result = sample().validate(response);

            assertThat(result.subprotocol()).contains("chat");
            assertThat(result.extensions()).isEmpty();
            assertThat(result.response()).isSameAs(response);
        }

        @Test
        void upgradeAndConnectionMatchInAnyCase() throws HandshakeException {
            var response = response("HTTP/1.1 101 OK\r\nupgrade: WebSocket\r\nCONNECTION: keep-alive, UPGRADE\r\n"
                    + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");

            assertThat(sample().validate(response).subprotocol()).isEmpty();
        }

        @Test
        void clientFailsAnyStatusButSwitchingProtocolsWithThatStatus() {
            var response = response("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");

            HandshakeException e = failure(sample(), response);

            assertThat(e.status()).isEqualTo(404);
            assertThat(e).hasMessage("server answered 404 Not Found");
            assertThat(e.headers()).isEqualTo(response.headers());
        }

        @Test
        void aMissingReasonIsReplacedByTheStandardOneAndOddCharactersAreDropped() {
            assertThat(failure(sample(), response("HTTP/1.1 403\r\n\r\n"))).hasMessage("server answered 403 Forbidden");
            assertThat(failure(sample(), response("HTTP/1.1 200 Caf\u00e9\r\n\r\n")))
                    .hasMessage("server answered 200 Caf");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "Upgrade | ''                         | Upgrade header must be websocket, got \"\"",
                "Upgrade | Upgrade: h2c               | Upgrade header must be websocket, got \"h2c\"",
                "Upgrade | Upgrade: websocket, h2c    | Upgrade header must be websocket, got \"websocket, h2c\"",
                "Connection | ''                      | Connection header must hold Upgrade, got \"\"",
                "Connection | Connection: close       | Connection header must hold Upgrade, got \"close\"",
                "Sec-WebSocket-Accept | ''            | missing Sec-WebSocket-Accept header",
                "Sec-WebSocket-Accept | Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo={NL}"
                        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo= | "
                        + "more than one Sec-WebSocket-Accept header",
                "Sec-WebSocket-Accept | Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo | "
                        + "Sec-WebSocket-Accept does not match the key: \"s3pPLMBiTxaQ9kYGzzhZRbK+xOo\"",
                "Sec-WebSocket-Accept | Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ== | "
                        + "Sec-WebSocket-Accept does not match the key: \"dGhlIHNhbXBsZSBub25jZQ==\"",
                "Sec-WebSocket-Protocol | Sec-WebSocket-Protocol: v2 | "
                        + "Sec-WebSocket-Protocol \"v2\" was not offered; we offered [chat, superchat]",
                "Sec-WebSocket-Protocol | Sec-WebSocket-Protocol: Chat | "
                        + "Sec-WebSocket-Protocol \"Chat\" was not offered; we offered [chat, superchat]",
                "Sec-WebSocket-Protocol | Sec-WebSocket-Protocol: chat, superchat | "
                        + "Sec-WebSocket-Protocol must hold one value, got \"chat, superchat\"",
                "Sec-WebSocket-Protocol | Sec-WebSocket-Protocol: chat{NL}Sec-WebSocket-Protocol: chat | "
                        + "Sec-WebSocket-Protocol must hold one value, got \"chat, chat\""})
        void clientFailsAResponseThatBreaksRfc6455WithStatus0(String header, String replacement, String message) {
            ResponseHead response = sampleResponseWith(header, replacement);

            HandshakeException e = failure(sample(), response);

            assertThat(e.status()).isZero();
            assertThat(e).hasMessage(message);
            assertThat(e.headers()).isEqualTo(response.headers());
        }

        @Test
        void clientFailsASubprotocolWhenItOfferedNone() {
            HandshakeException e = failure(to("ws://server.example.com/chat"), response(ResponseParserTest.SAMPLE));

            assertThat(e).hasMessage("Sec-WebSocket-Protocol \"chat\" was not offered (none was)");
        }

        @Test
        void theServerMayChooseNoSubprotocol() throws HandshakeException {
            assertThat(sample().validate(sampleResponseWith("Sec-WebSocket-Protocol", "")).subprotocol()).isEmpty();
        }
    }

    @Nested
    class Extensions { // RFC 6455 §4.1 (5), §9.1
        private final Factory a = Factory.accepting("x-a", Extension.RSV1);
        private final Factory b = Factory.accepting("x-b", Extension.RSV2);
        private final Factory silent = new Factory("x-silent", Extension.RSV3, Answer.ACCEPT_FIRST);

        private ClientHandshake offering() {
            return ClientHandshake.create(URI.create("ws://server.example.com/chat"), List.of(),
                    List.of(a, b, silent), Headers.of(), Optional.empty(), SAMPLE_KEY);
        }

        private ResponseHead answering(String... extensionHeaders) {
            var text = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n");
            for (String value : extensionHeaders) {
                text.append("Sec-WebSocket-Extensions: ").append(value).append("\r\n");
            }
            return response(text.append("\r\n").toString());
        }

        @Test
        void acceptedExtensionsComeInTheServersOrder() throws HandshakeException {
            ClientHandshake.Result result = offering().validate(answering("x-b; p=1", "x-a"));

            assertThat(result.extensions()).extracting(Extension::name).containsExactly("x-b", "x-a");
            assertThat(b.made.getFirst().element).isEqualTo(ExtensionOffer.parseHeader("x-b; p=1").getFirst());
        }

        @Test
        void noExtensionsHeaderMeansNoExtensions() throws HandshakeException {
            assertThat(offering().validate(answering()).extensions()).isEmpty();
        }

        @Test
        void clientFailsAnExtensionItDidNotOffer() {
            assertThat(failure(offering(), answering("x-z")))
                    .hasMessage("Sec-WebSocket-Extensions names \"x-z\", which was not offered");
            assertThat(failure(offering(), answering("x-silent")))
                    .hasMessage("Sec-WebSocket-Extensions names \"x-silent\", which was not offered");
        }

        @Test
        void clientFailsAnExtensionAcceptedTwiceAndClosesWhatItMade() {
            HandshakeException e = failure(offering(), answering("x-a", "x-a"));

            assertThat(e).hasMessage("Sec-WebSocket-Extensions names \"x-a\" twice");
            assertThat(a.made).hasSize(1).allMatch(x -> x.closed);
        }

        @Test
        void clientFailsAMalformedExtensionsHeader() {
            assertThat(failure(offering(), answering("x-a; =")))
                    .hasMessageStartingWith("malformed Sec-WebSocket-Extensions: expected a parameter name");
        }

        @Test
        void clientFailsAResponseItsFactoryRefusesAndClosesWhatItMade() {
            HandshakeException e = failure(offering(), answering("x-a, x-b; refuse"));

            assertThat(e.status()).isZero();
            assertThat(e).hasMessage(
                    "Sec-WebSocket-Extensions \"x-b; refuse\" refused: refuse is not a parameter we know");
            assertThat(a.made.getFirst().closed).isTrue();
        }

        @Test
        void clientFailsTwoExtensionsThatClaimTheSameRsvBit() {
            var other = Factory.accepting("x-other", Extension.RSV1);
            var handshake = ClientHandshake.create(URI.create("ws://server.example.com/"), List.of(),
                    List.of(a, other), Headers.of(), Optional.empty(), SAMPLE_KEY);

            HandshakeException e = failure(handshake, answering("x-a, x-other"));

            assertThat(e).hasMessage("Sec-WebSocket-Extensions: x-other claims an RSV bit already used by another "
                    + "extension");
            assertThat(a.made.getFirst().closed).isTrue();
            assertThat(other.made.getFirst().closed).isTrue();
        }
    }

    @Nested
    class EndToEnd {
        @Test
        void clientAndServerAgreeOnSubprotocolAndExtensions() throws HandshakeException {
            var clientA = Factory.accepting("x-a", Extension.RSV1);
            var clientB = Factory.accepting("x-b", Extension.RSV2);
            var client = ClientHandshake.create(URI.create("ws://example.com:8080/room?id=3"),
                    List.of("v1.chat", "v2.chat"), List.of(clientA, clientB), Headers.of(),
                    Optional.of("https://example.com"), ClientHandshake.newKey(new Random(1)));

            var serverParser = new RequestParser(8192);
            RequestHead head = serverParser.parse(client.request());
            UpgradeRequest request = ServerHandshake.validate(head);
            var accepted = ServerHandshake.negotiateExtensions(
                    List.of(Factory.accepting("x-b", Extension.RSV2), Factory.accepting("x-a", Extension.RSV1)),
                    request.extensions());
            var responses = new ArrayList<ExtensionOffer>();
            accepted.forEach(acc -> responses.add(acc.response()));
            ByteBuffer answer = ServerHandshake.accept(request,
                    ServerHandshake.chooseSubprotocol(List.of("v2.chat", "v1.chat"), request.subprotocols()),
                    responses, Headers.of("Set-Cookie", "s=1"));
            ClientHandshake.Result result = client.validate(new ResponseParser(8192).parse(answer));

            assertThat(request.host()).isEqualTo("example.com:8080");
            assertThat(request.path()).isEqualTo("/room");
            assertThat(request.query()).contains("id=3");
            assertThat(result.subprotocol()).contains("v2.chat");
            assertThat(result.extensions()).extracting(Extension::name).containsExactly("x-b", "x-a");
            assertThat(result.response().headers().first("Set-Cookie")).contains("s=1");
        }
    }

    @Test
    void resultCopiesItsListAndRefusesNulls() {
        var extensions = new ArrayList<Extension>();
        var result = new ClientHandshake.Result(Optional.empty(), extensions, response(ResponseParserTest.SAMPLE));
        extensions.add(new FakeExtensions.Fake("x", 0, null));

        assertThat(result.extensions()).isEmpty();
        assertThatThrownBy(() -> new ClientHandshake.Result(null, List.of(), result.response()))
                .isInstanceOf(NullPointerException.class);
    }
}
