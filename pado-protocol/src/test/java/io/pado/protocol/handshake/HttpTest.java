package io.pado.protocol.handshake;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpTest {

    @Nested
    class Tokens { // RFC 9110 §5.6.2
        @Test
        void tokensAreVisibleAsciiWithoutDelimiters() {
            assertThat(Http.isToken("permessage-deflate")).isTrue();
            assertThat(Http.isToken("!#$%&'*+-.^_`|~09azAZ")).isTrue();
            for (String bad : new String[] {"", "a b", "a,b", "a;b", "a=b", "\"a\"", "a/b", "a\u00e9", "a\u007f"}) {
                assertThat(Http.isToken(bad)).as(bad).isFalse();
            }
        }

        @Test
        void tcharIsExactlyTheRfcSetForEveryCharacter() {
            String rfcDelimitersAllowed = "!#$%&'*+-.^_`|~"; // RFC 9110 §5.6.2, besides DIGIT and ALPHA
            for (int c = -1; c <= 0x1_0000; c++) {
                boolean expected = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                        || (c >= 0 && rfcDelimitersAllowed.indexOf(c) >= 0);
                assertThat(Http.isTchar(c)).as("char %d", c).isEqualTo(expected);
            }
        }

        @Test
        void visibleMeansNonEmptyVchar() { // RFC 5234 B.1 VCHAR, for the request target
            assertThat(Http.isVisible("/chat?room=1&x=%20")).isTrue();
            for (String bad : new String[] {"", "/a b", "/a\tb", "/a\u007f", "/caf\u00e9", "/\r"}) {
                assertThat(Http.isVisible(bad)).as(bad).isFalse();
            }
        }

        @Test
        void checkTokenNamesTheValue() {
            assertThatThrownBy(() -> Http.checkToken("subprotocol", "a b"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("subprotocol is not an HTTP token: \"a b\"");
        }
    }

    @Nested
    class Values { // RFC 9110 §5.5
        @Test
        void receivedValuesMayHoldObsTextButNoControls() {
            assertThat(Http.isFieldValueChar('\t')).isTrue();
            assertThat(Http.isFieldValueChar(0xE9)).isTrue();
            assertThat(Http.isFieldValueChar('\r')).isFalse();
            assertThat(Http.isFieldValueChar(0x7F)).isFalse();
            assertThat(Http.isFieldValueChar(0x100)).isFalse();
        }

        @Test
        void sentValuesAreVisibleAsciiSpaceOrTab() {
            Http.checkSendableValue("x", "a\tb c~");
            assertThatThrownBy(() -> Http.checkSendableValue("Origin", "a\nb"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Origin has a character that cannot be sent in a header (index 1): \"a\\x0Ab\"");
        }

        @Test
        void trimmingDropsOnlySpacesAndTabs() {
            assertThat(Http.trimWhitespace(" \t a b \t")).isEqualTo("a b");
            assertThat(Http.trimWhitespace("\u00a0a\u000b")).isEqualTo("\u00a0a\u000b");
            assertThat(Http.trimWhitespace("  ")).isEmpty();
        }
    }

    @Test
    void versionNumbersAreReadOnlyFromTheExactGrammar() { // RFC 9112 §2.3
        assertThat(Http.versionNumber("HTTP/1.1")).isEqualTo(11);
        assertThat(Http.versionNumber("HTTP/2.0")).isEqualTo(20);
        assertThat(Http.versionNumber("HTTP/1.x")).isEqualTo(-1);
        assertThat(Http.versionNumber("HTTPS1.1")).isEqualTo(-1);
        assertThat(Http.versionNumber("HTTP/1,1")).isEqualTo(-1);
    }

    @Test
    void everyStatusHasAReasonPhrase() { // RFC 9110 §15
        assertThat(Http.reasonPhrase(101)).isEqualTo("Switching Protocols");
        assertThat(Http.reasonPhrase(200)).isEqualTo("OK");
        assertThat(Http.reasonPhrase(102)).isEqualTo("Informational");
        assertThat(Http.reasonPhrase(204)).isEqualTo("Success");
        assertThat(Http.reasonPhrase(426)).isEqualTo("Upgrade Required");
        assertThat(Http.reasonPhrase(411)).isEqualTo("Length Required");
    }

    @Test
    void quoteEscapesAndCutsPeerInput() {
        assertThat(Http.quote("a\"b\\c\u0001\u00e9\u20ac")).isEqualTo("\"a\\\"b\\\\c\\x01\\xE9\\u20AC\"");
        assertThat(Http.quote("x".repeat(100))).isEqualTo("\"" + "x".repeat(60) + "\"...");
    }
}
