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

class ResponseParserTest {

    /** The sample response of RFC 6455 §1.2. */
    static final String SAMPLE = """
            HTTP/1.1 101 Switching Protocols\r
            Upgrade: websocket\r
            Connection: Upgrade\r
            Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r
            Sec-WebSocket-Protocol: chat\r
            \r
            """;

    private static ResponseHead parse(String head) throws HandshakeException {
        return new ResponseParser(8192).parse(ByteBuffer.wrap(ascii(head)));
    }

    private static HandshakeException failure(String head) {
        try {
            ResponseHead parsed = new ResponseParser(8192).parse(ByteBuffer.wrap(ascii(head)));
            throw new AssertionError("expected a HandshakeException, got " + parsed);
        } catch (HandshakeException e) {
            return e;
        }
    }

    @Nested
    class StatusLine { // RFC 9112 §4
        @Test
        void readsVersionStatusReasonAndFields() throws HandshakeException {
            ResponseHead head = parse(SAMPLE);

            assertThat(head.version()).isEqualTo("HTTP/1.1");
            assertThat(head.status()).isEqualTo(101);
            assertThat(head.reason()).isEqualTo("Switching Protocols");
            assertThat(head.headers().first("sec-websocket-accept")).contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        }

        @Test
        void theReasonPhraseMayBeEmptyOrMissing() throws HandshakeException {
            assertThat(parse("HTTP/1.1 101 \r\n\r\n").reason()).isEmpty();
            assertThat(parse("HTTP/1.1 404\r\n\r\n").status()).isEqualTo(404);
            assertThat(parse("HTTP/1.0 200 Fine thanks\r\n\r\n").reason()).isEqualTo("Fine thanks");
        }

        @ParameterizedTest
        @ValueSource(strings = {"HTTP/2 101 OK", "HTTP/2.0 101 OK", "http/1.1 101 OK", "HTTP/1.1 1O1 OK",
                "HTTP/1.1 10 OK", "HTTP/1.1 1011 OK", "HTTP/1.1 099 Low", "HTTP/1.1 600 High", "HTTP/1.1", "",
                "HTTP/1.1  101 OK", "ICY 200 OK", "HTTP/1.1 101 Bad\u0001Reason"})
        void malformedStatusLinesFailWithStatus0(String line) {
            HandshakeException e = failure(line + "\r\n\r\n");

            assertThat(e.status()).as(line).isEqualTo(0);
            assertThat(e.getMessage()).matches("(bad status|status code|control character).*");
        }
    }

    @Nested
    class FieldLines { // RFC 9112 §5
        @Test
        void foldedLinesAreJoinedWithASpace() throws HandshakeException { // RFC 9112 §5.2 MUST for user agents
            Headers headers = parse("HTTP/1.1 101 OK\r\nX: a\r\n  b\r\n\tc\r\nY:\r\n d\r\n\r\n").headers();

            assertThat(headers).isEqualTo(Headers.of("X", "a b c", "Y", "d"));
        }

        @Test
        void whitespaceBeforeTheFirstFieldFails() { // RFC 9112 §2.2
            assertThat(failure("HTTP/1.1 101 OK\r\n X: a\r\n\r\n"))
                    .hasMessageStartingWith("whitespace before the first header line");
        }

        @Test
        void badFieldLinesFailWithStatus0() {
            assertThat(failure("HTTP/1.1 101 OK\r\nX : a\r\n\r\n").status()).isEqualTo(0);
            assertThat(failure("HTTP/1.1 101 OK\r\nno colon\r\n\r\n").status()).isEqualTo(0);
            assertThat(failure("HTTP/1.1 101 OK\r\nX: a\u0000\r\n\r\n").status()).isEqualTo(0);
            assertThat(failure("HTTP/1.1 101 OK\r\nX: a\r\n b\u0000\r\n\r\n").status()).isEqualTo(0);
        }
    }

    @Nested
    class SizeLimit {
        @Test
        void aLongerHeadFailsWithStatus0AtTheFirstByteOver() {
            var parser = new ResponseParser(20);
            ByteBuffer in = ByteBuffer.wrap(ascii(SAMPLE));

            assertThatThrownBy(() -> parser.parse(in))
                    .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.status()).isEqualTo(0))
                    .hasMessage("response head is longer than 20 bytes");
            assertThat(in.position()).isEqualTo(21);
        }

        @Test
        void theLimitMustBePositive() {
            assertThatThrownBy(() -> new ResponseParser(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Incremental {
        @Test
        void theServersFirstFramesAreLeftInTheBuffer() throws HandshakeException {
            ByteBuffer in = ByteBuffer.wrap(ascii(SAMPLE + "\u0081\u0005Hello"));

            assertThat(new ResponseParser(8192).parse(in)).isNotNull();
            assertThat(in.remaining()).isEqualTo(7);
            assertThat(in.get()).isEqualTo((byte) 0x81);
        }

        @Test
        void anySplitGivesTheSameHead() throws HandshakeException {
            ResponseHead expected = parse(SAMPLE);
            var byteByByte = Chunks.byteByByte(new ResponseParser(8192)::parse, SAMPLE + "rest");
            assertThat(byteByByte.head()).isEqualTo(expected);
            assertThat(byteByByte.leftover()).isEqualTo("rest");

            long seed = new Random().nextLong();
            var random = new Random(seed);
            for (int i = 0; i < 200; i++) {
                var outcome = Chunks.randomSplits(new ResponseParser(8192)::parse, SAMPLE + "rest", random);
                assertThat(outcome.head()).as("seed %d, run %d", seed, i).isEqualTo(expected);
                assertThat(outcome.leftover()).as("seed %d, run %d", seed, i).isEqualTo("rest");
            }
        }

        @Test
        void anIncompleteHeadGivesNull() throws HandshakeException {
            assertThat(Chunks.whole(new ResponseParser(8192)::parse, "HTTP/1.1 101 OK\r\nX: y\r\n").head()).isNull();
        }

        @Test
        void aParserReadsOneHead() throws HandshakeException {
            var parser = new ResponseParser(8192);
            parser.parse(ByteBuffer.wrap(ascii(SAMPLE)));

            assertThatThrownBy(() -> parser.parse(ByteBuffer.wrap(ascii(SAMPLE))))
                    .isInstanceOf(IllegalStateException.class);
        }

        @Test
        void aParserThatFailedStaysFailed() {
            var parser = new ResponseParser(8192);
            assertThatThrownBy(() -> parser.parse(ByteBuffer.wrap(ascii("HTTP/9.9 200 OK\r\n"))))
                    .isInstanceOf(HandshakeException.class);

            assertThatThrownBy(() -> parser.parse(ByteBuffer.wrap(ascii(SAMPLE))))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void responseHeadRefusesStatusesOutOfRange() {
        assertThatThrownBy(() -> new ResponseHead("HTTP/1.1", 99, "", Headers.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("99");
        assertThatThrownBy(() -> new ResponseHead("HTTP/1.1", 600, "", Headers.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
