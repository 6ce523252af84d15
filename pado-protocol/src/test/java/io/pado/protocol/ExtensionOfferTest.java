package io.pado.protocol;

import io.pado.protocol.extension.ExtensionOffer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExtensionOfferTest {

    private static ExtensionOffer offer(String name, ExtensionOffer.Parameter... parameters) {
        return new ExtensionOffer(name, List.of(parameters));
    }

    private static ExtensionOffer.Parameter p(String name, String value) {
        return new ExtensionOffer.Parameter(name, value);
    }

    @Nested
    class HeaderGrammar { // RFC 6455 §9.1
        @Test
        void readsExtensionsAndParametersInOrder() {
            List<ExtensionOffer> offers = ExtensionOffer.parseHeader(
                    "permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate, x-y");

            assertThat(offers).containsExactly(
                    offer("permessage-deflate", p("client_max_window_bits", null), p("server_max_window_bits", "10")),
                    offer("permessage-deflate"),
                    offer("x-y"));
        }

        @Test
        void whitespaceAroundSeparatorsIsAllowed() {
            assertThat(ExtensionOffer.parseHeader("  a ;b\t=\t1 ;  c ,\tb  "))
                    .containsExactly(offer("a", p("b", "1"), p("c", null)), offer("b"));
        }

        @Test
        void quotedValuesAreUnescaped() {
            assertThat(ExtensionOffer.parseHeader("a; b=\"10\"; c=\"x\\\"y\\\\z\"; d=\"\"; e=\"has space, comma\""))
                    .containsExactly(offer("a", p("b", "10"), p("c", "x\"y\\z"), p("d", ""),
                            p("e", "has space, comma")));
        }

        @Test
        void emptyElementsAreSkipped() { // RFC 9110 §5.6.1 MUST
            assertThat(ExtensionOffer.parseHeader(", a,, ,b ,")).containsExactly(offer("a"), offer("b"));
            assertThat(ExtensionOffer.parseHeader("")).isEmpty();
            assertThat(ExtensionOffer.parseHeader(" , ")).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {";a", "a;", "a;;b", "a; =1", "a; b=", "a; b=,", "a b", "a; b=1 2", "a; b=\"open",
                "a; b=\"x\\", "a; b=\"x\u0001\"", "a=1", "(a)", "a; b=\"1\"x", "a; b c"})
        void malformedValuesAreRefusedWithTheirPosition(String value) {
            assertThatThrownBy(() -> ExtensionOffer.parseHeader(value))
                    .as(value)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("malformed Sec-WebSocket-Extensions: ")
                    .hasMessageContaining(" at index ");
        }

        @Test
        void theMessageSaysWhatWasExpected() {
            assertThatThrownBy(() -> ExtensionOffer.parseHeader("a; =1"))
                    .hasMessage("malformed Sec-WebSocket-Extensions: expected a parameter name at index 3, found "
                            + "\"=\", in \"a; =1\"");
            assertThatThrownBy(() -> ExtensionOffer.parseHeader("a; b=\"open"))
                    .hasMessage("malformed Sec-WebSocket-Extensions: unterminated quoted string at index 5, found "
                            + "\"\\\"\", in \"a; b=\\\"open\"");
            assertThatThrownBy(() -> ExtensionOffer.parseHeader("a;"))
                    .hasMessageContaining("expected a parameter name at index 2, found the end");
        }
    }

    @Nested
    class Rendering {
        @Test
        void tokensAreWrittenBare() {
            assertThat(offer("permessage-deflate",
                    p("client_max_window_bits", null), p("server_max_window_bits", "10")))
                    .hasToString("permessage-deflate; client_max_window_bits; server_max_window_bits=10");
        }

        @Test
        void valuesThatAreNotTokensAreQuotedAndEscaped() {
            assertThat(p("a", "x y")).hasToString("a=\"x y\"");
            assertThat(p("a", "")).hasToString("a=\"\"");
            assertThat(p("a", "q\"b\\s")).hasToString("a=\"q\\\"b\\\\s\"");
        }

        @Test
        void renderedOffersReadBackTheSame() {
            var offers = List.of(
                    offer("x", p("a", "x y"), p("b", "q\"b\\s"), p("c", ""), p("d", null), p("e", "a,b;c=d")),
                    offer("y", p("f", "1")));
            String header = offers.get(0) + ", " + offers.get(1);

            assertThat(ExtensionOffer.parseHeader(header)).isEqualTo(offers);
        }
    }

    @Test
    void parameterLooksUpANameInAnyCase() {
        var o = offer("x", p("Client_Max_Window_Bits", "9"), p("client_max_window_bits", "10"));

        assertThat(o.parameter("client_max_window_bits")).contains(p("Client_Max_Window_Bits", "9"));
        assertThat(o.parameter("other")).isEmpty();
    }
}
