package io.pado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pado.protocol.Headers;
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
        try (Server server = Server.create(ServerOptions.DEFAULT.withPort(0)).endpoint("/ws", new Handler() {
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
            Headers headers = seenByServer(ClientOptions.DEFAULT.withBasicAuth("Aladdin", "open sesame"));
            assertThat(headers.all("Authorization")).containsExactly("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");

            // RFC 7617 §2.1: UTF-8, so "ü" is two bytes
            assertThat(ClientOptions.DEFAULT.withBasicAuth("ü", "x").headers().first("Authorization"))
                    .hasValue("Basic w7w6eA==");
        }

        @Test
        void replacesAnAuthorizationHeaderSetBefore() {
            var options = ClientOptions.DEFAULT.withHeaders(Headers.of("authorization", "Bearer old", "X-A", "1"))
                    .withBasicAuth("u", "p");
            assertThat(options.headers().all("Authorization")).containsExactly("Basic dTpw");
            assertThat(options.headers().first("X-A")).hasValue("1");
        }

        @Test
        void colonInUserAndLineBreaksAreRefused() {
            assertThatThrownBy(() -> ClientOptions.DEFAULT.withBasicAuth("a:b", "p"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("':'");
            assertThatThrownBy(() -> ClientOptions.DEFAULT.withBasicAuth("u", "p\r\nX-Evil: 1"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password");
            assertThatThrownBy(() -> ClientOptions.DEFAULT.withBasicAuth("u\n", "p"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user name");
        }
    }

    @Nested
    class Bearer { // RFC 6750 §2.1
        @Test
        void serverSeesTheToken() throws Exception {
            String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc-_~+/==";
            Headers headers = seenByServer(ClientOptions.DEFAULT.withBasicAuth("u", "p").withBearerToken(jwt));
            assertThat(headers.all("Authorization")).containsExactly("Bearer " + jwt);
        }

        @Test
        void tokensOutsideTheGrammarAreRefused() {
            for (String bad : new String[] {"", "a b", "tok\r\nX: 1", "=abc", "a=b", "t\u00e9"}) {
                assertThatThrownBy(() -> ClientOptions.DEFAULT.withBearerToken(bad))
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
            Headers headers = seenByServer(ClientOptions.DEFAULT.withCookies(cookies));
            assertThat(headers.all("Cookie")).containsExactly("session=abc123; theme=\"dark\"");
        }

        @Test
        void replaceAndClear() {
            var options = ClientOptions.DEFAULT.withHeaders(Headers.of("Cookie", "old=1"))
                    .withCookies(Map.of("new", "2"));
            assertThat(options.headers().all("Cookie")).containsExactly("new=2");
            assertThat(options.withCookies(Map.of()).headers().contains("Cookie")).isFalse();
        }

        @Test
        void valuesThatWouldSplitTheHeaderAreRefused() {
            for (String bad : new String[] {"a;b", "a b", "a,b", "a\\b", "a\"b", "x\r\nSet: 1"}) {
                assertThatThrownBy(() -> ClientOptions.DEFAULT.withCookies(Map.of("n", bad)))
                        .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cookie n");
            }
            assertThatThrownBy(() -> ClientOptions.DEFAULT.withCookies(Map.of("a b", "1")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a token");
        }
    }
}
