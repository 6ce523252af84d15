package io.pado.protocol;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeadersTest {

    @Nested
    class FieldNames { // RFC 9110 §5.1
        @Test
        void namesCompareCaseInsensitively() {
            var headers = Headers.of("Sec-WebSocket-Key", "abc");

            assertThat(headers.first("sec-websocket-key")).contains("abc");
            assertThat(headers.first("SEC-WEBSOCKET-KEY")).contains("abc");
            assertThat(headers.contains("sec-WebSocket-key")).isTrue();
            assertThat(headers.contains("Origin")).isFalse();
            assertThat(headers.first("Origin")).isEmpty();
        }

        @Test
        void repeatedFieldsKeepEveryValueInOrder() {
            var headers = Headers.of("A", "1", "B", "x", "a", "2");

            assertThat(headers.all("A")).containsExactly("1", "2");
            assertThat(headers.first("a")).contains("1");
            assertThat(headers.all("C")).isEmpty();
            assertThat(headers.size()).isEqualTo(3);
        }

        @Test
        void namesThatAreNotTokensAreRefused() {
            assertThatThrownBy(() -> Headers.of("Bad Name", "x"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Bad Name");
            assertThatThrownBy(() -> Headers.of("", "x")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Headers.of("A:", "x")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class FieldValues { // RFC 9110 §5.5
        @Test
        void valuesWithCrOrLfAreRefusedSoNoHeaderCanBeInjected() {
            assertThatThrownBy(() -> Headers.of("X", "a\r\nSet-Cookie: evil"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header X");
            assertThatThrownBy(() -> Headers.of().with("X", "a\nb")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Headers.of("X", "a\0b")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Headers.of("X", "a\u007Fb")).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void tabsAndSpacesAreFineInValues() {
            assertThat(Headers.of("X", "a\tb c").first("x")).contains("a\tb c");
        }

        @Test
        void anOddNumberOfStringsIsRefused() {
            assertThatThrownBy(() -> Headers.of("A", "1", "B"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pairs");
        }

        @Test
        void nullsAreRefused() {
            assertThatThrownBy(() -> Headers.of("A", null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> Headers.of(null, "x")).isInstanceOf(NullPointerException.class);
        }
    }

    @Nested
    class Lists { // RFC 9110 §5.6.1
        @Test
        void tokensSplitOnCommasAcrossRepeatedFields() {
            var headers = Headers.of("Sec-WebSocket-Protocol", "chat, superchat", "sec-websocket-protocol", "v2");

            assertThat(headers.tokens("Sec-WebSocket-Protocol")).containsExactly("chat", "superchat", "v2");
        }

        @Test
        void tokensAreTrimmedAndEmptyElementsDropped() {
            var headers = Headers.of("Connection", " ,keep-alive ,\t, Upgrade\t,,");

            assertThat(headers.tokens("connection")).containsExactly("keep-alive", "Upgrade");
        }

        @Test
        void hasTokenComparesCaseInsensitively() {
            var headers = Headers.of("connection", "keep-alive, UPGRADE");

            assertThat(headers.hasToken("Connection", "upgrade")).isTrue();
            assertThat(headers.hasToken("Connection", "close")).isFalse();
            assertThat(headers.hasToken("Upgrade", "websocket")).isFalse();
        }
    }

    @Nested
    class Copies {
        @Test
        void withAddsAFieldAtTheEndAndLeavesTheOriginalAlone() {
            var original = Headers.of("A", "1");
            var copy = original.with("B", "2").with("a", "3");

            assertThat(original.size()).isEqualTo(1);
            assertThat(copy.fields()).containsExactly(Map.entry("A", "1"), Map.entry("B", "2"), Map.entry("a", "3"));
        }

        @Test
        void withoutDropsEveryFieldOfThatNameInAnyCase() {
            var original = Headers.of("Cookie", "a=1", "X", "2", "cookie", "b=3");

            assertThat(original.without("COOKIE").fields()).containsExactly(Map.entry("X", "2"));
            assertThat(original.without("Authorization")).isSameAs(original);
            assertThat(original.size()).isEqualTo(3);
        }

        @Test
        void forEachVisitsFieldsInOrder() {
            var seen = new ArrayList<String>();
            Headers.of("A", "1", "B", "2").forEach((name, value) -> seen.add(name + "=" + value));

            assertThat(seen).containsExactly("A=1", "B=2");
        }

        @Test
        void emptyHeadersAreEmpty() {
            assertThat(Headers.of().isEmpty()).isTrue();
            assertThat(Headers.of("A", "1").isEmpty()).isFalse();
            assertThat(Headers.of().fields()).isEmpty();
        }

        @Test
        void fieldsCannotBeModified() {
            List<Map.Entry<String, String>> fields = Headers.of("A", "1").fields();

            assertThatThrownBy(fields::clear).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Nested
    class ValueSemantics {
        @Test
        void equalHeadersHaveTheSameFieldsInOrderWithNamesInAnyCase() {
            var a = Headers.of("Host", "x", "Upgrade", "websocket");
            var b = Headers.of("host", "x", "UPGRADE", "websocket");

            assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
            assertThat(a).isNotEqualTo(Headers.of("Upgrade", "websocket", "Host", "x"));
            assertThat(a).isNotEqualTo(Headers.of("Host", "X", "Upgrade", "websocket"));
            assertThat(a).isNotEqualTo(Headers.of("Host", "x"));
            assertThat(a).isNotEqualTo("Host: x");
        }

        @Test
        void toStringListsTheFields() {
            assertThat(Headers.of("Host", "x", "Upgrade", "websocket"))
                    .hasToString("[Host: x, Upgrade: websocket]");
            assertThat(Headers.of()).hasToString("[]");
        }
    }
}
