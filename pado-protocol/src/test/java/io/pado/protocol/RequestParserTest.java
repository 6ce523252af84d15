package io.pado.protocol;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.Random;

import static io.pado.protocol.Chunks.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestParserTest {

    /** The sample request of RFC 6455 §1.2. */
    static final String SAMPLE = """
            GET /chat HTTP/1.1\r
            Host: server.example.com\r
            Upgrade: websocket\r
            Connection: Upgrade\r
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
            Origin: http://example.com\r
            Sec-WebSocket-Protocol: chat, superchat\r
            Sec-WebSocket-Version: 13\r
            \r
            """;

    private static RequestHead parse(String head) throws HandshakeException {
        return new RequestParser(8192).parse(ByteBuffer.wrap(ascii(head)));
    }

    private static HandshakeException failure(String head) {
        var parser = new RequestParser(8192);
        try {
            RequestHead parsed = parser.parse(ByteBuffer.wrap(ascii(head)));
            throw new AssertionError("expected a HandshakeException, got " + parsed);
        } catch (HandshakeException e) {
            return e;
        }
    }

    @Nested
    class RequestLine { // RFC 9112 §3
        @Test
        void readsMethodTargetAndVersion() throws HandshakeException {
            RequestHead head = parse(SAMPLE);

            assertThat(head.method()).isEqualTo("GET");
            assertThat(head.target()).isEqualTo("/chat");
            assertThat(head.version()).isEqualTo("HTTP/1.1");
            assertThat(head.headers().size()).isEqualTo(7);
            assertThat(head.headers().first("sec-websocket-key")).contains("dGhlIHNhbXBsZSBub25jZQ==");
        }

        @Test
        void http10IsReadSoThatValidateCanRefuseIt() throws HandshakeException {
            assertThat(parse("GET / HTTP/1.0\r\n\r\n").version()).isEqualTo("HTTP/1.0");
        }

        @Test
        void otherMajorVersionsAreRefusedWith505() {
            HandshakeException e = failure("GET / HTTP/2.0\r\n\r\n");

            assertThat(e.status()).isEqualTo(505);
            assertThat(e).hasMessageContaining("HTTP/2.0");
            assertThat(failure("GET / HTTP/0.9\r\n\r\n").status()).isEqualTo(505);
        }

        @ParameterizedTest
        @ValueSource(strings = {"GET /\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1 \r\n\r\n",
                "GET / http/1.1\r\n\r\n", "GET / HTTP/1.10\r\n\r\n", "GET / HTTP/1\r\n\r\n", "GET / HTTP/a.1\r\n\r\n",
                "GET / HTTP/1.b\r\n\r\n", "GET / HTTP 1.1\r\n\r\n", "G(T / HTTP/1.1\r\n\r\n",
                " GET / HTTP/1.1\r\n\r\n", "GET /\u0001 HTTP/1.1\r\n\r\n", "GET /\u00e9 HTTP/1.1\r\n\r\n",
                "GET\t/ HTTP/1.1\r\n\r\n", "GET\r\n\r\n"})
        void malformedRequestLinesAreRefusedWith400(String head) {
            HandshakeException e = failure(head);

            assertThat(e.status()).as(head).isEqualTo(400);
            assertThat(e.getMessage()).matches("bad (request line|method|request target|HTTP version): .*");
        }

        @Test
        void theMessageQuotesTheBadPart() {
            assertThat(failure("G@T / HTTP/1.1\r\n\r\n")).hasMessage("bad method: \"G@T\"");
            assertThat(failure("GET /\u0001 HTTP/1.1\r\n\r\n")).hasMessage("bad request target: \"/\\x01\"");
        }

        @Test
        void emptyLinesBeforeTheRequestLineAreSkipped() throws HandshakeException { // RFC 9112 §2.2 SHOULD
            assertThat(parse("\r\n\r\n" + SAMPLE).target()).isEqualTo("/chat");
        }

        @Test
        void anyMethodTokenIsRead() throws HandshakeException {
            assertThat(parse("M-SEARCH * HTTP/1.1\r\n\r\n").method()).isEqualTo("M-SEARCH");
        }
    }

    @Nested
    class FieldLines { // RFC 9112 §5
        @Test
        void namesKeepTheirCaseAndCompareInAnyCase() throws HandshakeException {
            Headers headers = parse("GET / HTTP/1.1\r\nUPGRADE: WebSocket\r\nconnection: keep-alive, Upgrade\r\n\r\n")
                    .headers();

            assertThat(headers.fields().getFirst().getKey()).isEqualTo("UPGRADE");
            assertThat(headers.hasToken("Upgrade", "websocket")).isTrue();
            assertThat(headers.tokens("Connection")).containsExactly("keep-alive", "Upgrade");
        }

        @Test
        void repeatedFieldsAreKeptInOrder() throws HandshakeException {
            Headers headers = parse("GET / HTTP/1.1\r\nSec-WebSocket-Protocol: a\r\nX: 1\r\n"
                    + "sec-websocket-protocol: b, c\r\n\r\n").headers();

            assertThat(headers.all("Sec-WebSocket-Protocol")).containsExactly("a", "b, c");
            assertThat(headers.tokens("Sec-WebSocket-Protocol")).containsExactly("a", "b", "c");
        }

        @Test
        void whitespaceAroundValuesIsDropped() throws HandshakeException {
            Headers headers = parse("GET / HTTP/1.1\r\nA:x\r\nB: \t y z \t\r\nC:\r\nD:   \r\n\r\n").headers();

            assertThat(headers.fields()).extracting(f -> f.getValue()).containsExactly("x", "y z", "", "");
        }

        @Test
        void obsTextInValuesIsKeptAsLatin1() throws HandshakeException {
            assertThat(parse("GET / HTTP/1.1\r\nX: caf\u00e9\r\n\r\n").headers().first("X")).contains("caf\u00e9");
        }

        @Test
        void foldedLinesAreRefusedWith400() { // RFC 9112 §5.2
            HandshakeException e = failure("GET / HTTP/1.1\r\nX: a\r\n  b\r\n\r\n");

            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessageContaining("obs-fold");
            assertThat(failure("GET / HTTP/1.1\r\n\tX: a\r\n\r\n").status()).isEqualTo(400);
        }

        @Test
        void whitespaceBeforeTheColonIsRefusedWith400() { // RFC 9112 §5.1 MUST
            HandshakeException e = failure("GET / HTTP/1.1\r\nHost : example.com\r\n\r\n");

            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessage("whitespace between header name and colon: \"Host : example.com\"");
        }

        @ParameterizedTest
        @ValueSource(strings = {"No colon here", ": empty name", "Bad Name: x", "Bad(Name): x", "Caf\u00e9: x"})
        void badFieldLinesAreRefusedWith400(String line) {
            HandshakeException e = failure("GET / HTTP/1.1\r\n" + line + "\r\n\r\n");

            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).matches("(header line without a colon|bad header name): .*");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\u0000", "\u0001", "\u001b", "\u007f", "\u000b", "\u000c"})
        void controlCharactersInValuesAreRefusedWith400(String control) { // RFC 9110 §5.5
            HandshakeException e = failure("GET / HTTP/1.1\r\nX: a" + control + "b\r\n\r\n");

            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessageStartingWith("control character in header X");
        }
    }

    @Nested
    class LineEnds { // RFC 9112 §2.2
        @Test
        void aBareLfEndsALine() throws HandshakeException { // MAY
            RequestHead head = parse("GET /x HTTP/1.1\nHost: a\r\nB: c\n\n");

            assertThat(head.target()).isEqualTo("/x");
            assertThat(head.headers()).isEqualTo(Headers.of("Host", "a", "B", "c"));
        }

        @Test
        void aBareCrIsRefusedWith400() { // MUST treat as invalid
            assertThat(failure("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n").status()).isEqualTo(400);
            assertThat(failure("GET / HTTP/1.1\r\r\n\r\n")).hasMessage("bare CR in the request head");
        }
    }

    @Nested
    class SizeLimit { // RFC 6585 §5
        @Test
        void aHeadOfExactlyTheLimitIsRead() throws HandshakeException {
            var parser = new RequestParser(SAMPLE.length());

            assertThat(parser.parse(ByteBuffer.wrap(ascii(SAMPLE)))).isNotNull();
        }

        @Test
        void oneByteOverTheLimitIsRefusedWith431AtThatByte() {
            var parser = new RequestParser(SAMPLE.length() - 1);
            ByteBuffer in = ByteBuffer.wrap(ascii(SAMPLE + "more bytes that are never read"));

            assertThatThrownBy(() -> parser.parse(in))
                    .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.status()).isEqualTo(431))
                    .hasMessage("request head is longer than " + (SAMPLE.length() - 1) + " bytes");
            assertThat(in.position()).isEqualTo(SAMPLE.length());
        }

        @Test
        void anEndlessLineIsRefusedWithoutBufferingMoreThanTheLimit() throws HandshakeException {
            var parser = new RequestParser(1000);
            ByteBuffer chunk = ByteBuffer.wrap(ascii("x".repeat(600)));
            assertThat(parser.parse(chunk)).isNull();

            assertThatThrownBy(() -> parser.parse(chunk.rewind()))
                    .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.status()).isEqualTo(431));
            assertThat(chunk.position()).isEqualTo(401);
        }

        @Test
        void emptyLinesBeforeTheRequestCountTowardsTheLimit() {
            var parser = new RequestParser(100);

            assertThatThrownBy(() -> parser.parse(ByteBuffer.wrap(ascii("\r\n".repeat(51)))))
                    .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.status()).isEqualTo(431));
        }

        @Test
        void theLimitMustBePositive() {
            assertThatThrownBy(() -> new RequestParser(0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        }
    }

    @Nested
    class Incremental {
        @Test
        void anIncompleteHeadGivesNullAndIsReadWhole() throws HandshakeException {
            var parser = new RequestParser(8192);
            ByteBuffer first = ByteBuffer.wrap(ascii(SAMPLE.substring(0, 40)));

            assertThat(parser.parse(first)).isNull();
            assertThat(first.hasRemaining()).isFalse();
            assertThat(parser.parse(ByteBuffer.allocate(0))).isNull();
            assertThat(parser.parse(ByteBuffer.wrap(ascii(SAMPLE.substring(40))))).isEqualTo(parse(SAMPLE));
        }

        @Test
        void bytesAfterTheHeadAreLeftInTheBuffer() throws HandshakeException {
            String frame = "\u0081\u0085\u0037\u00fa\u0021\u003d\u007f\u009f\u004d\u0051\u0058";
            ByteBuffer in = ByteBuffer.wrap(ascii(SAMPLE + frame));

            assertThat(new RequestParser(8192).parse(in)).isNotNull();
            assertThat(in.position()).isEqualTo(SAMPLE.length());
            assertThat(in.remaining()).isEqualTo(frame.length());
        }

        @Test
        void byteByByteGivesTheSameHeadAndLeftover() throws HandshakeException {
            var outcome = Chunks.byteByByte(new RequestParser(8192)::parse, SAMPLE + "tail");

            assertThat(outcome.head()).isEqualTo(parse(SAMPLE));
            assertThat(outcome.leftover()).isEqualTo("tail");
        }

        @Test
        void randomSplitsGiveTheSameHeadAndLeftover() throws HandshakeException {
            long seed = new Random().nextLong();
            var random = new Random(seed);
            RequestHead expected = parse(SAMPLE);
            for (int i = 0; i < 300; i++) {
                var outcome = Chunks.randomSplits(new RequestParser(8192)::parse, SAMPLE + "tail", random);

                assertThat(outcome.head()).as("seed %d, run %d", seed, i).isEqualTo(expected);
                assertThat(outcome.leftover()).as("seed %d, run %d", seed, i).isEqualTo("tail");
            }
        }

        @Test
        void aFailureIsTheSameWhateverTheSplit() {
            String bad = "GET / HTTP/1.1\r\nHost: a\r\nX : y\r\n\r\n";
            assertThatThrownBy(() -> Chunks.byteByByte(new RequestParser(8192)::parse, bad))
                    .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.status()).isEqualTo(400));
            assertThatThrownBy(() -> Chunks.whole(new RequestParser(8192)::parse, bad))
                    .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.status()).isEqualTo(400));
        }

        @Test
        void aMalformedLineFailsBeforeTheHeadEnds() {
            var parser = new RequestParser(8192);

            assertThatThrownBy(() -> parser.parse(ByteBuffer.wrap(ascii("BAD\r\nHost: a"))))
                    .isInstanceOf(HandshakeException.class);
        }

        @Test
        void aParserReadsOneHead() throws HandshakeException {
            var parser = new RequestParser(8192);
            parser.parse(ByteBuffer.wrap(ascii(SAMPLE)));

            assertThatThrownBy(() -> parser.parse(ByteBuffer.wrap(ascii(SAMPLE))))
                    .isInstanceOf(IllegalStateException.class);
        }

        @Test
        void aParserThatFailedStaysFailed() {
            var parser = new RequestParser(8192);
            assertThatThrownBy(() -> parser.parse(ByteBuffer.wrap(ascii("BAD\r\n"))))
                    .isInstanceOf(HandshakeException.class);

            assertThatThrownBy(() -> parser.parse(ByteBuffer.wrap(ascii(SAMPLE))))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void failuresCarryNoStackTrace() {
        assertThat(failure("BAD\r\n\r\n").getStackTrace()).isEmpty();
    }
}
