package io.pado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pado.Headers;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Authorization and Cookie headers written by the client options, as a real server receives them. */
class ClientCredentialsTest {

    /** Connects with {@code options} and returns the request headers the server saw. */
    static Headers seenByServer(ClientOptions options) throws Exception {
        var seen = new CompletableFuture<Headers>();
        try (Server server = Server.create(ServerOptions.builder().port(0).build()).endpoint("/ws", new Handler() {
            @Override
            public void onOpen(WebSocket ws) {
                seen.complete(ws.handshakeHeaders());
            }
        }).start(); Client client = Client.create(options)) {
            client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), new Recorder())
                    .get(10, TimeUnit.SECONDS);
            return seen.get(10, TimeUnit.SECONDS);
        }
    }

    @Nested
    class Basic { // RFC 7617
        @Test
        void serverSeesBase64OfUserColonPasswordInUtf8() throws Exception {
            Headers headers = seenByServer(ClientOptions.builder().basicAuth("Aladdin", "open sesame").build());
            assertThat(headers.all("Authorization")).containsExactly("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");

            // RFC 7617 §2.1: UTF-8, so "ü" is two bytes
            assertThat(ClientOptions.builder().basicAuth("ü", "x").build().headers().first("Authorization"))
                    .hasValue("Basic w7w6eA==");
        }

        @Test
        void replacesAnAuthorizationHeaderSetBefore() {
            var options = ClientOptions.builder()
                    .headers(Headers.of("authorization", "Bearer old", "X-A", "1"))
                    .basicAuth("u", "p")
                    .build();
            assertThat(options.headers().all("Authorization")).containsExactly("Basic dTpw");
            assertThat(options.headers().first("X-A")).hasValue("1");
        }

        @Test
        void colonInUserAndLineBreaksAreRefused() {
            assertThatThrownBy(() -> ClientOptions.builder().basicAuth("a:b", "p").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("':'");
            assertThatThrownBy(() -> ClientOptions.builder().basicAuth("u", "p\r\nX-Evil: 1").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password");
            assertThatThrownBy(() -> ClientOptions.builder().basicAuth("u\n", "p").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user name");
        }
    }

    @Nested
    class Bearer { // RFC 6750 §2.1
        @Test
        void serverSeesTheToken() throws Exception {
            String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc-_~+/==";
            Headers headers = seenByServer(ClientOptions.builder().basicAuth("u", "p").bearerToken(jwt).build());
            assertThat(headers.all("Authorization")).containsExactly("Bearer " + jwt);
        }

        @Test
        void tokensOutsideTheGrammarAreRefused() {
            for (String bad : new String[] {"", "a b", "tok\r\nX: 1", "=abc", "a=b", "t\u00e9"}) {
                assertThatThrownBy(() -> ClientOptions.builder().bearerToken(bad).build())
                        .as(bad).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Nested
    class Cookies { // RFC 6265 §4.2.1
        @Test
        void serverSeesOneCookieHeaderInMapOrder() throws Exception {
            var cookies = new LinkedHashMap<String, String>();
            cookies.put("session", "abc123");
            cookies.put("theme", "\"dark\"");
            Headers headers = seenByServer(ClientOptions.builder().cookies(cookies).build());
            assertThat(headers.all("Cookie")).containsExactly("session=abc123; theme=\"dark\"");
        }

        @Test
        void replaceAndClear() {
            var options = ClientOptions.builder()
                    .headers(Headers.of("Cookie", "old=1"))
                    .cookies(Map.of("new", "2"))
                    .build();
            assertThat(options.headers().all("Cookie")).containsExactly("new=2");
            assertThat(options.toBuilder().cookies(Map.of()).build().headers().contains("Cookie")).isFalse();
        }

        @Test
        void valuesThatWouldSplitTheHeaderAreRefused() {
            for (String bad : new String[] {"a;b", "a b", "a,b", "a\\b", "a\"b", "x\r\nSet: 1"}) {
                assertThatThrownBy(() -> ClientOptions.builder().cookies(Map.of("n", bad)).build())
                        .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cookie n");
            }
            assertThatThrownBy(() -> ClientOptions.builder().cookies(Map.of("a b", "1")).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a token");
        }
    }
}
