package io.pado;

import static io.pado.ScriptedHttp.header;
import static io.pado.ScriptedHttp.redirect;
import static io.pado.ScriptedHttp.target;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The opening handshake follows 3xx answers (RFC 9110 §15.4), within bounds, without leaking credentials. */
class ClientRedirectTest {
    Server server;
    /** The request headers the WebSocket server saw, per connection. */
    CompletableFuture<Headers> seen = new CompletableFuture<>();

    @BeforeEach
    void startServer() throws Exception {
        server = Server.create(ServerOptions.builder().port(0).build()).endpoint("/ws", new Handler() {
            @Override
            public void onOpen(WebSocket ws) {
                seen.complete(ws.handshakeHeaders());
            }
        }).start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    static Throwable failure(CompletableFuture<WebSocket> future) {
        assertThat(future).failsWithin(10, TimeUnit.SECONDS);
        return future.exceptionNow();
    }

    @Test
    void followsAChainWithRelativeLocationAndDropsCredentialsOnAnotherServer() throws Exception {
        int wsPort = server.port();
        try (var redirector = new ScriptedHttp(head -> switch (target(head)) {
            case "/r1" -> redirect(301, "r2?x=1#frag"); // relative, with a fragment to drop
            case "/r2?x=1" -> redirect(308, "http://127.0.0.1:" + wsPort + "/ws"); // http becomes ws
            default -> "HTTP/1.1 404 Not Found\r\n\r\n";
        }); Client client = Client.create(ClientOptions.builder()
                .basicAuth("u", "p")
                .cookies(Map.of("sid", "42"))
                .build())) {
            WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + redirector.port() + "/r1"), new Recorder())
                    .get(10, TimeUnit.SECONDS);

            assertThat(ws.path()).isEqualTo("/ws");
            String first = redirector.nextHead();
            String second = redirector.nextHead();
            assertThat(target(second)).isEqualTo("/r2?x=1");
            // the same server: credentials go along
            assertThat(header(first, "Authorization")).isEqualTo("Basic dTpw");
            assertThat(header(second, "Authorization")).isEqualTo("Basic dTpw");
            assertThat(header(second, "Cookie")).isEqualTo("sid=42");
            // another port is another server: neither Authorization nor Cookie reaches it
            var headers = seen.get(10, TimeUnit.SECONDS);
            assertThat(headers.contains("Authorization")).isFalse();
            assertThat(headers.contains("Cookie")).isFalse();
            assertThat(headers.first("Host")).hasValue("127.0.0.1:" + wsPort);
        }
    }

    @Test
    void anotherHostNameOnTheSamePortAlsoLosesCredentials() throws Exception {
        try (var redirector = new ScriptedHttp(head -> target(head).equals("/a")
                ? redirect(307, "ws://localhost:" + portOf(head) + "/b") : "HTTP/1.1 404 Not Found\r\n\r\n");
                Client client = Client.create(ClientOptions.builder().bearerToken("t0k").build())) {
            var future = client.connect(URI.create("ws://127.0.0.1:" + redirector.port() + "/a"), new Recorder());

            assertThat(failure(future)).isInstanceOf(HandshakeException.class)
                    .satisfies(e -> assertThat(((HandshakeException) e).status()).isEqualTo(404));
            assertThat(header(redirector.nextHead(), "Authorization")).isEqualTo("Bearer t0k");
            String second = redirector.nextHead();
            assertThat(header(second, "Host")).startsWith("localhost:");
            assertThat(header(second, "Authorization")).isNull();
        }
    }

    static String portOf(String head) {
        String host = header(head, "Host");
        return host.substring(host.lastIndexOf(':') + 1);
    }

    @Test
    void tooManyRedirectsFailWithTheChain() throws Exception {
        try (var redirector = new ScriptedHttp(head -> {
            int n = Integer.parseInt(target(head).substring("/hop".length()));
            return redirect(302, "/hop" + (n + 1));
        }); Client client = Client.create(ClientOptions.builder().maxRedirects(3).build())) {
            var future = client.connect(URI.create("ws://127.0.0.1:" + redirector.port() + "/hop0"), new Recorder());

            Throwable e = failure(future);
            assertThat(e).isInstanceOf(HandshakeException.class).hasMessageContaining("too many redirects (at most 3)")
                    .hasMessageContaining("/hop0 -> ").hasMessageContaining("/hop3 -> /hop4");
            assertThat(((HandshakeException) e).status()).isEqualTo(302);
            for (int i = 0; i <= 3; i++) {
                assertThat(target(redirector.nextHead())).isEqualTo("/hop" + i);
            }
            assertThat(redirector.pending()).isZero(); // /hop4 was never asked for
        }
    }

    @Test
    void aLoopIsNamed() throws Exception {
        try (var redirector = new ScriptedHttp(head -> redirect(302, target(head).equals("/a") ? "/b" : "/a"));
                Client client = Client.create(ClientOptions.DEFAULT)) {
            String base = "ws://127.0.0.1:" + redirector.port();
            Throwable e = failure(client.connect(URI.create(base + "/a"), new Recorder()));

            assertThat(e).isInstanceOf(HandshakeException.class)
                    .hasMessage("redirect loop: " + base + "/a -> " + base + "/b -> " + base + "/a");
        }
    }

    @Test
    void zeroTurnsRedirectsOff() throws Exception {
        try (var redirector = new ScriptedHttp(head -> redirect(302, "/elsewhere"));
                Client client = Client.create(ClientOptions.builder().maxRedirects(0).build())) {
            Throwable e = failure(client.connect(URI.create("ws://127.0.0.1:" + redirector.port() + "/"),
                    new Recorder()));

            assertThat(e).isInstanceOf(HandshakeException.class).hasMessageContaining("server answered 302");
            assertThat(((HandshakeException) e).headers().first("Location")).hasValue("/elsewhere");
            redirector.nextHead();
            assertThat(redirector.pending()).isZero();
        }
    }

    @Test
    void aRedirectWithoutLocationFails() throws Exception {
        try (var redirector = new ScriptedHttp(head -> "HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n");
                Client client = Client.create(ClientOptions.DEFAULT)) {
            Throwable e = failure(client.connect(URI.create("ws://127.0.0.1:" + redirector.port() + "/"),
                    new Recorder()));

            assertThat(e).isInstanceOf(HandshakeException.class).hasMessageContaining("without a Location header");
        }
    }

    @Test
    void wssToWsIsRefused(@TempDir Path dir) throws Exception {
        var cert = TestCertificates.create(dir, "localhost", "dns:localhost,ip:127.0.0.1");
        SSLServerSocketFactory tls = ServerTls.fromPem(cert.certificatePem(), cert.keyPem()).context()
                .getServerSocketFactory();
        int wsPort = server.port();
        try (var redirector = new ScriptedHttp(tls, head -> redirect(301, "http://localhost:" + wsPort + "/ws"));
                Client client = Client.create(ClientOptions.builder()
                        .tls(ClientTls.trustingPem(cert.certificatePem()))
                        .build())) {
            Throwable e = failure(client.connect(URI.create("wss://localhost:" + redirector.port() + "/"),
                    new Recorder()));

            assertThat(e).isInstanceOf(HandshakeException.class)
                    .hasMessageContaining("redirect from wss to ws refused");
            assertThat(seen).isNotDone();
        }
    }
}
