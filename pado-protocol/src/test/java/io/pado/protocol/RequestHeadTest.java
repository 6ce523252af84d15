package io.pado.protocol;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestHeadTest {

    private static RequestHead get(String target) {
        return new RequestHead("GET", target, "HTTP/1.1", Headers.of());
    }

    @Nested
    class OriginForm { // RFC 9112 §3.2.1
        @Test
        void pathIsTheTargetWithoutTheQuery() {
            assertThat(get("/chat?room=1&x=%20").path()).isEqualTo("/chat");
            assertThat(get("/chat?room=1&x=%20").query()).contains("room=1&x=%20");
        }

        @Test
        void aTargetWithoutQuestionMarkHasNoQuery() {
            assertThat(get("/a/b").path()).isEqualTo("/a/b");
            assertThat(get("/a/b").query()).isEmpty();
        }

        @Test
        void aTrailingQuestionMarkGivesAnEmptyQuery() {
            assertThat(get("/?").path()).isEqualTo("/");
            assertThat(get("/?").query()).contains("");
        }
    }

    @Nested
    class AbsoluteForm { // RFC 9112 §3.2.2
        @Test
        void schemeAndAuthorityAreDropped() {
            assertThat(get("http://example.com:8080/chat?x=1").path()).isEqualTo("/chat");
            assertThat(get("http://example.com:8080/chat?x=1").query()).contains("x=1");
        }

        @Test
        void anEmptyPathIsSlash() {
            assertThat(get("https://example.com").path()).isEqualTo("/");
            assertThat(get("https://example.com?q").path()).isEqualTo("/");
            assertThat(get("https://example.com?q").query()).contains("q");
        }

        @Test
        void otherFormsAreReturnedAsTheyAre() {
            assertThat(get("*").path()).isEqualTo("*");
            assertThat(get("example.com:443").path()).isEqualTo("example.com:443");
            assertThat(get("/a://b").path()).isEqualTo("/a://b");
        }
    }

    @Test
    void nullsAreRefused() {
        assertThatThrownBy(() -> new RequestHead(null, "/", "HTTP/1.1", Headers.of()))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RequestHead("GET", "/", "HTTP/1.1", null))
                .isInstanceOf(NullPointerException.class);
    }
}
