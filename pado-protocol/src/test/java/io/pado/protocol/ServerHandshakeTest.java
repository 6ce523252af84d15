package io.pado.protocol;

import io.pado.protocol.extension.Extension;
import io.pado.protocol.extension.ExtensionOffer;
import io.pado.protocol.FakeExtensions.Answer;
import io.pado.protocol.FakeExtensions.Factory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static io.pado.protocol.Chunks.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerHandshakeTest {

    static final String SAMPLE = RequestParserTest.SAMPLE;

    /** The RFC sample with {@code header} replaced (or removed, when {@code replacement} is empty). */
    static String sampleWith(String header, String replacement) {
        replacement = replacement.replace("{NL}", "\r\n").replace("{TAB}", "\t");
        String replaced = SAMPLE.replaceFirst("(?m)^" + header + ":[^\r]*\r\n",
                replacement.isEmpty() ? "" : replacement + "\r\n");
        assertThat(replaced).as("sample has %s", header).isNotEqualTo(SAMPLE);
        return replaced;
    }

    static RequestHead head(String text) {
        try {
            RequestHead head = new RequestParser(8192).parse(ByteBuffer.wrap(ascii(text)));
            assertThat(head).as("complete head").isNotNull();
            return head;
        } catch (HandshakeException e) {
            throw new AssertionError(e);
        }
    }

    static UpgradeRequest valid(String text) throws HandshakeException {
        return ServerHandshake.validate(head(text));
    }

    static HandshakeException refusal(String text) {
        try {
            UpgradeRequest request = ServerHandshake.validate(head(text));
            throw new AssertionError("expected a refusal, got " + request);
        } catch (HandshakeException e) {
            return e;
        }
    }

    static String string(ByteBuffer buffer) {
        var bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Nested
    class UpgradeDetection {
        @Test
        void aRequestWithUpgradeWebsocketIsAnUpgrade() {
            assertThat(ServerHandshake.isUpgrade(head(SAMPLE))).isTrue();
            assertThat(ServerHandshake.isUpgrade(head("GET / HTTP/1.1\r\nUPGRADE: h2c, WebSocket\r\n\r\n"))).isTrue();
        }

        @Test
        void otherRequestsArePlainHttp() {
            assertThat(ServerHandshake.isUpgrade(head("GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n"))).isFalse();
            assertThat(ServerHandshake.isUpgrade(head("GET / HTTP/1.1\r\nUpgrade: h2c\r\n\r\n"))).isFalse();
        }
    }

    @Nested
    class OpeningRequest { // RFC 6455 §4.2.1
        @Test
        void theRfcSampleIsValid() throws HandshakeException {
            UpgradeRequest request = valid(SAMPLE);

            assertThat(request.key()).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
            assertThat(request.subprotocols()).containsExactly("chat", "superchat");
            assertThat(request.extensions()).isEmpty();
            assertThat(request.origin()).contains("http://example.com");
            assertThat(request.path()).isEqualTo("/chat");
            assertThat(request.query()).isEmpty();
            assertThat(request.host()).isEqualTo("server.example.com");
            assertThat(request.head()).isEqualTo(head(SAMPLE));
        }

        @Test
        void headerNamesAndTokensMatchInAnyCase() throws HandshakeException {
            String text = sampleWith("Upgrade", "UPGRADE: WebSocket")
                    .replace("Connection: Upgrade", "connection: keep-alive, upgrade")
                    .replace("Sec-WebSocket-Key:", "sec-websocket-KEY:");

            assertThat(valid(text).key()).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
        }

        @Test
        void connectionTokensMaySpanSeveralLines() throws HandshakeException {
            assertThat(valid(sampleWith("Connection", "Connection: keep-alive\r\nConnection: Upgrade"))).isNotNull();
        }

        @Test
        void subprotocolsComeFromEveryProtocolHeaderInOrder() throws HandshakeException {
            String text = sampleWith("Sec-WebSocket-Protocol",
                    "Sec-WebSocket-Protocol: chat\r\nX: y\r\nsec-websocket-protocol: superchat, v2.chat ,");

            assertThat(valid(text).subprotocols()).containsExactly("chat", "superchat", "v2.chat");
        }

        @Test
        void extensionsComeFromEveryExtensionsHeaderInOrder() throws HandshakeException {
            String text = sampleWith("Origin", "Sec-WebSocket-Extensions: permessage-deflate; "
                    + "client_max_window_bits, x-a\r\nSec-WebSocket-Extensions: x-b; p=\"1\"");

            assertThat(valid(text).extensions()).extracting(ExtensionOffer::toString)
                    .containsExactly("permessage-deflate; client_max_window_bits", "x-a", "x-b; p=1");
            assertThat(valid(text).origin()).isEmpty();
        }

        @Test
        void theTargetMayBeAnAbsoluteUriWithAQuery() throws HandshakeException {
            UpgradeRequest request = valid(SAMPLE.replace("GET /chat ", "GET http://server.example.com/chat?room=7 "));

            assertThat(request.path()).isEqualTo("/chat");
            assertThat(request.query()).contains("room=7");
        }

        @Test
        void newerHttpVersionsAreAccepted() throws HandshakeException {
            assertThat(valid(SAMPLE.replace("HTTP/1.1", "HTTP/1.2"))).isNotNull();
        }
    }

    @Nested
    class Refusals { // RFC 6455 §4.2.1, §4.2.2
        @Test
        void serverRefusesHttp10With400() {
            HandshakeException e = refusal(SAMPLE.replace("HTTP/1.1", "HTTP/1.0"));

            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessage("a WebSocket upgrade needs HTTP/1.1 or newer, not \"HTTP/1.0\"");
        }

        @Test
        void serverRefusesAHandMadeHeadWithABadVersionWith400() {
            var made = new RequestHead("GET", "/", "HTTP/x", head(SAMPLE).headers());

            assertThatThrownBy(() -> ServerHandshake.validate(made))
                    .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.status()).isEqualTo(400));
        }

        @Test
        void serverRefusesPostWith405AndAllowGet() {
            HandshakeException e = refusal(SAMPLE.replace("GET", "POST"));

            assertThat(e.status()).isEqualTo(405);
            assertThat(e.headers()).isEqualTo(Headers.of("Allow", "GET"));
            assertThat(e).hasMessage("a WebSocket upgrade must use GET, not \"POST\"");
            assertThat(refusal(SAMPLE.replace("GET", "get")).status()).isEqualTo(405);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "*                          | request target must be a path or an absolute URI",
                "server.example.com:80      | request target must be a path or an absolute URI",
                "ftp://server.example.com/x | request target must be a path or an absolute URI",
                "/chat#frag                 | request target must not hold a fragment"})
        void serverRefusesOtherTargetsWith400(String target, String message) {
            HandshakeException e = refusal(SAMPLE.replace("GET /chat ", "GET " + target + " "));

            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessageStartingWith(message);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "''                              | missing Host header",
                "Host: a{NL}Host: b              | more than one Host header",
                "Host:                           | bad Host header: \"\"",
                "Host: a b                       | bad Host header: \"a b\"",
                "Host: a,b                       | bad Host header: \"a,b\"",
                "Host: a{TAB}b                   | bad Host header: \"a\\x09b\""})
        void serverRefusesAMissingRepeatedOrBadHostWith400(String replacement, String message) {
            HandshakeException e = refusal(sampleWith("Host", replacement));

            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessage(message);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "''                  | Upgrade header must hold websocket, got \"\"",
                "Upgrade: h2c        | Upgrade header must hold websocket, got \"h2c\"",
                "Upgrade: websocket/13 | Upgrade header must hold websocket, got \"websocket/13\""})
        void serverRefusesAMissingUpgradeWith400(String replacement, String message) {
            HandshakeException e = refusal(sampleWith("Upgrade", replacement));

            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessage(message);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "''                      | Connection header must hold Upgrade, got \"\"",
                "Connection: keep-alive  | Connection header must hold Upgrade, got \"keep-alive\"",
                "Connection: Upgraded    | Connection header must hold Upgrade, got \"Upgraded\""})
        void serverRefusesAConnectionWithoutUpgradeWith400(String replacement, String message) {
            HandshakeException e = refusal(sampleWith("Connection", replacement));

            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessage(message);
        }

        @Test
        void serverRefusesVersion8With426() {
            HandshakeException e = refusal(sampleWith("Sec-WebSocket-Version", "Sec-WebSocket-Version: 8"));

            assertThat(e.status()).isEqualTo(426);
            assertThat(e.headers().first("Sec-WebSocket-Version")).contains("13");
            assertThat(e.headers().first("Upgrade")).contains("websocket");
            assertThat(e).hasMessage("Sec-WebSocket-Version must be 13, got \"8\"");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "''                                                  | Sec-WebSocket-Version must be 13, got none",
                "Sec-WebSocket-Version: 13, 8                        | Sec-WebSocket-Version must be 13, got \"13, 8\"",
                "Sec-WebSocket-Version: 13{NL}Sec-WebSocket-Version: 13 "
                        + "| Sec-WebSocket-Version must be 13, got \"13, 13\"",
                "Sec-WebSocket-Version: 013                          | Sec-WebSocket-Version must be 13, got \"013\""})
        void serverRefusesAnyOtherVersionWith426(String replacement, String message) {
            HandshakeException e = refusal(sampleWith("Sec-WebSocket-Version", replacement));

            assertThat(e.status()).isEqualTo(426);
            assertThat(e).hasMessage(message);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "''                                 | missing Sec-WebSocket-Key header",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=={NL}Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ== "
                        + "| more than one Sec-WebSocket-Key header",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ | Sec-WebSocket-Key must be base64 of 16 bytes, got "
                        + "\"dGhlIHNhbXBsZSBub25jZQ\"",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j   | Sec-WebSocket-Key must be base64 of 16 bytes, got "
                        + "\"dGhlIHNhbXBsZSBub25j\"",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZTE= | Sec-WebSocket-Key must be base64 of 16 bytes, got "
                        + "\"dGhlIHNhbXBsZSBub25jZTE=\"",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ!! | Sec-WebSocket-Key must be base64 of 16 bytes, got "
                        + "\"dGhlIHNhbXBsZSBub25jZQ!!\"",
                "Sec-WebSocket-Key: ~~~~~~~~~~~~~~~~~~~~~~== | Sec-WebSocket-Key must be base64 of 16 bytes, got "
                        + "\"~~~~~~~~~~~~~~~~~~~~~~==\""})
        void serverRefusesAMissingRepeatedOrBadKeyWith400(String replacement, String message) {
            HandshakeException e = refusal(sampleWith("Sec-WebSocket-Key", replacement));

            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessage(message);
        }

        @Test
        void serverRefusesSubprotocolsThatAreNotTokensWith400() {
            HandshakeException e = refusal(sampleWith("Sec-WebSocket-Protocol", "Sec-WebSocket-Protocol: chat, a b"));

            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessage("Sec-WebSocket-Protocol element is not a token: \"a b\"");
        }

        @Test
        void serverRefusesARepeatedSubprotocolWith400() { // RFC 6455 §4.1 (10): MUST all be unique
            HandshakeException e = refusal(sampleWith("Sec-WebSocket-Protocol",
                    "Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: chat"));

            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessage("Sec-WebSocket-Protocol offers \"chat\" twice");
        }

        @Test
        void serverRefusesMalformedExtensionsWith400() {
            HandshakeException e = refusal(sampleWith("Origin", "Sec-WebSocket-Extensions: permessage-deflate; ="));

            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessageStartingWith("malformed Sec-WebSocket-Extensions: expected a parameter name");
        }

        @Test
        void serverRefusesTwoOriginsWith400() {
            HandshakeException e = refusal(
                    sampleWith("Origin", "Origin: http://a.example\r\nOrigin: http://b.example"));

            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessage("more than one Origin header");
        }
    }

    @Nested
    class AcceptKey { // RFC 6455 §4.2.2 (5.4), §1.3
        @Test
        void theRfcSampleKeyGivesTheRfcSampleAccept() {
            assertThat(ServerHandshake.acceptValue("dGhlIHNhbXBsZSBub25jZQ=="))
                    .isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        }

        @Test
        void aNullKeyIsRefused() {
            assertThatThrownBy(() -> ServerHandshake.acceptValue(null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Nested
    class Subprotocols { // RFC 6455 §4.2.2 (5.4)
        @Test
        void serverChoosesByItsOwnPreference() {
            assertThat(ServerHandshake.chooseSubprotocol(List.of("superchat", "chat"), List.of("chat", "superchat")))
                    .contains("superchat");
            assertThat(ServerHandshake.chooseSubprotocol(List.of("v3", "chat"), List.of("chat", "superchat")))
                    .contains("chat");
        }

        @Test
        void serverChoosesNoneWhenNothingMatches() {
            assertThat(ServerHandshake.chooseSubprotocol(List.of("v3"), List.of("chat"))).isEmpty();
            assertThat(ServerHandshake.chooseSubprotocol(List.of("chat"), List.of())).isEmpty();
            assertThat(ServerHandshake.chooseSubprotocol(List.of(), List.of("chat"))).isEmpty();
        }

        @Test
        void matchingIsCaseSensitive() {
            assertThat(ServerHandshake.chooseSubprotocol(List.of("Chat"), List.of("chat"))).isEmpty();
        }

        @Test
        void serverNeverChoosesASubprotocolThatWasNotOffered() {
            long seed = new Random().nextLong();
            var random = new Random(seed);
            List<String> names = List.of("a", "b", "c", "d", "e", "A");
            for (int i = 0; i < 500; i++) {
                List<String> server = randomSubset(names, random);
                List<String> offered = randomSubset(names, random);

                Optional<String> chosen = ServerHandshake.chooseSubprotocol(server, offered);

                chosen.ifPresent(c -> assertThat(offered).as("seed %d", seed).contains(c));
                assertThat(chosen.isPresent()).as("seed %d", seed)
                        .isEqualTo(server.stream().anyMatch(offered::contains));
            }
        }

        private static List<String> randomSubset(List<String> names, Random random) {
            var out = new ArrayList<>(names);
            Collections.shuffle(out, random);
            return out.subList(0, random.nextInt(out.size() + 1));
        }
    }

    @Nested
    class ExtensionNegotiation { // RFC 6455 §9.1
        private final List<ExtensionOffer> offered = ExtensionOffer.parseHeader(
                "x-b; first, x-a, x-b; second, x-unknown");

        @Test
        void eachFactoryGetsItsOffersInClientOrderAndAnswersInServerOrder() {
            var a = Factory.accepting("x-a", Extension.RSV2);
            var b = Factory.accepting("x-b", Extension.RSV1);

            var accepted = ServerHandshake.negotiateExtensions(List.of(a, b), offered);

            assertThat(a.asked).containsExactly(ExtensionOffer.parseHeader("x-a"));
            assertThat(b.asked).containsExactly(ExtensionOffer.parseHeader("x-b; first, x-b; second"));
            assertThat(accepted).extracting(acc -> acc.response().toString()).containsExactly("x-a", "x-b; first");
        }

        @Test
        void factoriesWithoutOffersAreNotAsked() {
            var c = Factory.accepting("x-c", Extension.RSV1);

            assertThat(ServerHandshake.negotiateExtensions(List.of(c), offered)).isEmpty();
            assertThat(c.asked).isEmpty();
        }

        @Test
        void declinedOffersGiveNoExtension() {
            var a = new Factory("x-a", Extension.RSV1, Answer.DECLINE);

            assertThat(ServerHandshake.negotiateExtensions(List.of(a), offered)).isEmpty();
            assertThat(a.asked).hasSize(1);
        }

        @Test
        void twoExtensionsNeverShareAnRsvBitAndTheLaterOneIsClosed() { // RFC 6455 §5.2
            var a = Factory.accepting("x-a", Extension.RSV1);
            var b = Factory.accepting("x-b", Extension.RSV1 | Extension.RSV3);
            var unknown = Factory.accepting("x-unknown", Extension.RSV3);

            var accepted = ServerHandshake.negotiateExtensions(List.of(a, b, unknown), offered);

            assertThat(accepted).extracting(acc -> acc.extension().name()).containsExactly("x-a", "x-unknown");
            assertThat(b.made.getFirst().closed).isTrue();
            assertThat(a.made.getFirst().closed).isFalse();
        }
    }

    @Nested
    class SwitchingProtocols { // RFC 6455 §4.2.2 (5)
        @Test
        void acceptWritesTheRfcSampleResponse() throws HandshakeException {
            ByteBuffer response = ServerHandshake.accept(valid(SAMPLE), Optional.of("chat"), List.of(), Headers.of());

            assertThat(string(response)).isEqualTo(ResponseParserTest.SAMPLE);
            assertThat(response.position()).isZero();
        }

        @Test
        void acceptWritesExtensionsAndExtraHeadersAfterTheHandshakesOwn() throws HandshakeException {
            UpgradeRequest request = valid(sampleWith("Origin", "Sec-WebSocket-Extensions: x-a, x-b"));

            String response = string(ServerHandshake.accept(request, Optional.empty(),
                    ExtensionOffer.parseHeader("x-b; q=\"a b\", x-a"), Headers.of("Set-Cookie", "id=1")));

            assertThat(response).isEqualTo("""
                    HTTP/1.1 101 Switching Protocols\r
                    Upgrade: websocket\r
                    Connection: Upgrade\r
                    Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r
                    Sec-WebSocket-Extensions: x-b; q="a b", x-a\r
                    Set-Cookie: id=1\r
                    \r
                    """);
        }

        @Test
        void acceptRefusesASubprotocolThatWasNotOffered() throws HandshakeException {
            UpgradeRequest request = valid(SAMPLE);

            assertThatThrownBy(() -> ServerHandshake.accept(request, Optional.of("v2"), List.of(), Headers.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("subprotocol \"v2\" was not offered; the client offered [chat, superchat]");
        }

        @Test
        void acceptRefusesExtensionsThatWereNotOfferedOrAreAcceptedTwice() throws HandshakeException {
            UpgradeRequest request = valid(sampleWith("Origin", "Sec-WebSocket-Extensions: x-a"));

            assertThatThrownBy(() -> ServerHandshake.accept(request, Optional.empty(),
                    ExtensionOffer.parseHeader("x-b"), Headers.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("extension \"x-b\" was not offered");
            assertThatThrownBy(() -> ServerHandshake.accept(request, Optional.empty(),
                    ExtensionOffer.parseHeader("x-a, x-a"), Headers.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("extension \"x-a\" is accepted twice");
        }

        @Test
        void acceptRefusesValuesThatWouldSplitAHeaderLine() throws HandshakeException {
            UpgradeRequest request = valid(sampleWith("Origin", "Sec-WebSocket-Extensions: x-a"));
            var injected = List.of(new ExtensionOffer("x-a", List.of(new ExtensionOffer.Parameter("p", "1\r\nX: y"))));

            assertThatThrownBy(() -> ServerHandshake.accept(request, Optional.empty(), injected, Headers.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("extension x-a");
            var badName = List.of(new ExtensionOffer("x-a", List.of(new ExtensionOffer.Parameter("p q", null))));
            assertThatThrownBy(() -> ServerHandshake.accept(request, Optional.empty(), badName, Headers.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"p q\"");
            assertThatThrownBy(() -> ServerHandshake.accept(request, Optional.empty(), List.of(),
                    Headers.of("X", "caf\u00e9")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header X");
        }

        @Test
        void acceptRefusesExtraHeadersThatOverrideTheHandshake() throws HandshakeException {
            UpgradeRequest request = valid(SAMPLE);
            for (String name : List.of("Upgrade", "connection", "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol",
                    "SEC-WEBSOCKET-EXTENSIONS")) {
                assertThatThrownBy(() -> ServerHandshake.accept(request, Optional.empty(), List.of(),
                        Headers.of(name, "x")))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("extra header " + name + " would override the handshake's own");
            }
        }
    }

    @Nested
    class ErrorResponses { // RFC 6455 §4.2.1: answer an invalid handshake with an HTTP error
        @Test
        void rejectWritesStatusReasonTypeLengthCloseAndTheMessage() {
            String response = string(ServerHandshake.reject(HandshakeException.badRequest("missing Host header")));

            assertThat(response).isEqualTo("""
                    HTTP/1.1 400 Bad Request\r
                    Content-Type: text/plain; charset=utf-8\r
                    Content-Length: 20\r
                    X-Content-Type-Options: nosniff\r
                    Connection: close\r
                    \r
                    missing Host header
                    """);
        }

        @Test
        void rejectOf426NamesTheVersionAndTheUpgrade() { // RFC 6455 §4.2.2 (4), RFC 9110 §15.5.22
            String response = string(ServerHandshake.reject(
                    refusal(sampleWith("Sec-WebSocket-Version", "Sec-WebSocket-Version: 8"))));

            assertThat(response).startsWith("HTTP/1.1 426 Upgrade Required\r\n")
                    .contains("\r\nConnection: Upgrade, close\r\n")
                    .contains("\r\nSec-WebSocket-Version: 13\r\n")
                    .contains("\r\nUpgrade: websocket\r\n")
                    .endsWith("\r\n\r\nSec-WebSocket-Version must be 13, got \"8\"\n");
        }

        @Test
        void rejectOf405NamesTheAllowedMethod() {
            assertThat(string(ServerHandshake.reject(refusal(SAMPLE.replace("GET", "PUT")))))
                    .startsWith("HTTP/1.1 405 Method Not Allowed\r\n").contains("\r\nAllow: GET\r\n");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "403 | Forbidden", "404 | Not Found", "405 | Method Not Allowed", "408 | Request Timeout",
                "431 | Request Header Fields Too Large", "500 | Internal Server Error",
                "503 | Service Unavailable", "505 | HTTP Version Not Supported", "401 | Unauthorized",
                "409 | Conflict", "413 | Content Too Large", "414 | URI Too Long", "429 | Too Many Requests",
                "501 | Not Implemented", "502 | Bad Gateway", "504 | Gateway Timeout",
                "418 | Client Error", "599 | Server Error", "302 | Redirection"})
        void rejectUsesTheStandardReasonPhrase(int status, String reason) {
            assertThat(string(ServerHandshake.reject(new HandshakeException(status, "x"))))
                    .startsWith("HTTP/1.1 " + status + " " + reason + "\r\n");
        }

        @Test
        void applicationRefusalsAreRendered() {
            assertThat(string(ServerHandshake.reject(HandshakeException.forbidden("origin not allowed"))))
                    .startsWith("HTTP/1.1 403 Forbidden\r\n").endsWith("\r\n\r\norigin not allowed\n");
            assertThat(string(ServerHandshake.reject(HandshakeException.notFound("no endpoint at /x"))))
                    .startsWith("HTTP/1.1 404 Not Found\r\n").endsWith("\r\n\r\nno endpoint at /x\n");
        }

        @Test
        void contentLengthCountsUtf8Bytes() {
            String response = string(ServerHandshake.reject(HandshakeException.forbidden("caf\u00e9 \u2615")));

            assertThat(response).contains("Content-Length: 10\r\n").endsWith("caf\u00e9 \u2615\n");
        }

        @Test
        void rejectKeepsItsOwnFieldsAndDropsUnsendableOnes() {
            var e = new HandshakeException(503, "busy", Headers.of("Retry-After", "5", "content-length", "999",
                    "Connection", "keep-alive", "Content-Type", "text/html", "X", "caf\u00e9"));

            String response = string(ServerHandshake.reject(e));

            assertThat(response).contains("\r\nRetry-After: 5\r\n").doesNotContain("999", "keep-alive", "text/html",
                    "X: caf");
        }

        @Test
        void rejectRefusesStatusesThatAreNotErrors() {
            assertThatThrownBy(() -> ServerHandshake.reject(new HandshakeException(0, "bad accept")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
            assertThatThrownBy(() -> ServerHandshake.reject(new HandshakeException(101, "x")))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void everyParserRefusalCanBeRendered() {
            for (String bad : List.of("GET / HTTP/2.0\r\n\r\n", "GET / HTTP/1.1\r\n x\r\n\r\n", "x".repeat(100))) {
                var parser = new RequestParser(50);
                try {
                    parser.parse(ByteBuffer.wrap(ascii(bad)));
                    throw new AssertionError("expected a refusal of " + bad);
                } catch (HandshakeException e) {
                    assertThat(string(ServerHandshake.reject(e))).startsWith("HTTP/1.1 " + e.status() + " ");
                }
            }
        }
    }

    @Nested
    class Robustness {
        private static final List<String> PIECES = List.of("\r\n", "\n", "\r", ":", " ", "\t", ",", ";", "=", "\"",
                "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13", "Host: h", "\u0000",
                "\u00ff", "HTTP/1.1", "Sec-WebSocket-Extensions: a; b=\"", "Sec-WebSocket-Protocol: ,",
                "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==", "GET ", "/", "?", "#", "\r\n\r\n");

        @Test
        void randomAndMutatedHeadsOnlyEverFailWithHandshakeException() {
            long seed = new Random().nextLong();
            var random = new Random(seed);
            int accepted = 0;
            for (int run = 0; run < 3000; run++) {
                byte[] input = run % 10 == 0 ? randomBytes(random) : mutate(ascii(SAMPLE), random);
                try {
                    accepted += runServer(input, random) ? 1 : 0;
                } catch (RuntimeException | AssertionError e) {
                    throw new AssertionError("seed " + seed + ", run " + run + ", input "
                            + new String(input, StandardCharsets.ISO_8859_1), e);
                }
            }
            assertThat(accepted).as("seed %d: some mutants stay valid", seed).isPositive();
        }

        /** Parses, validates, answers; true if the handshake was accepted. */
        private static boolean runServer(byte[] input, Random random) {
            var parser = new RequestParser(1024);
            int[] cuts = random.ints(random.nextInt(5), 0, input.length + 1).sorted().toArray();
            try {
                RequestHead head = Chunks.feed(parser::parse, input, cuts).head();
                if (head == null) {
                    return false;
                }
                ServerHandshake.isUpgrade(head);
                UpgradeRequest request = ServerHandshake.validate(head);
                ServerHandshake.accept(request, ServerHandshake.chooseSubprotocol(List.of("chat"),
                        request.subprotocols()), List.of(), Headers.of());
                return true;
            } catch (HandshakeException e) {
                assertThat(e.status()).isBetween(400, 505);
                assertThat(ServerHandshake.reject(e).remaining()).isPositive();
                return false;
            }
        }

        private static byte[] randomBytes(Random random) {
            var bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            return bytes;
        }

        private static byte[] mutate(byte[] sample, Random random) {
            byte[] bytes = sample; // splice copies, never writes
            int mutations = random.nextInt(4);
            for (int i = 0; i < mutations; i++) {
                int at = random.nextInt(bytes.length + 1);
                bytes = switch (random.nextInt(4)) {
                    case 0 -> splice(bytes, at, Math.min(bytes.length, at + 1), new byte[] {(byte) random.nextInt()});
                    case 1 -> splice(bytes, at, Math.min(bytes.length, at + random.nextInt(8)), new byte[0]);
                    case 2 -> splice(bytes, at, at, ascii(PIECES.get(random.nextInt(PIECES.size()))));
                    default -> splice(bytes, at, at, new byte[] {(byte) "\r\n: ,;\"".charAt(random.nextInt(7))});
                };
            }
            return bytes;
        }

        private static byte[] splice(byte[] bytes, int from, int to, byte[] insert) {
            var out = new ByteArrayOutputStream();
            out.write(bytes, 0, from);
            out.writeBytes(insert);
            out.write(bytes, to, bytes.length - to);
            return out.toByteArray();
        }
    }

    @Test
    void upgradeRequestCopiesItsListsAndRefusesNulls() throws HandshakeException {
        var subprotocols = new ArrayList<>(List.of("chat"));
        var request = new UpgradeRequest(head(SAMPLE), "k", subprotocols, List.of(), Optional.empty());
        subprotocols.add("other");

        assertThat(request.subprotocols()).containsExactly("chat");
        assertThatThrownBy(() -> new UpgradeRequest(null, "k", List.of(), List.of(), Optional.empty()))
                .isInstanceOf(NullPointerException.class);
        assertThat(new UpgradeRequest(head("GET / HTTP/1.1\r\n\r\n"), "k", List.of(), List.of(), Optional.empty())
                .host()).isEmpty();
        assertThat(valid(SAMPLE).subprotocols()).isUnmodifiable();
    }
}
