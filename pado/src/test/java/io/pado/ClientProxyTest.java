package io.pado;

import static io.pado.ScriptedHttp.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WebSockets through HTTP proxies: CONNECT tunnels (RFC 9110 §9.3.6) with tinyproxy and a scripted proxy. */
class ClientProxyTest {
    static Server plain;
    static Server secure;
    static TestCertificates.Identity cert;

    @BeforeAll
    static void startServers(@TempDir Path dir) throws Exception {
        cert = TestCertificates.create(dir, "localhost", "dns:localhost,ip:127.0.0.1");
        plain = Server.create(ServerOptions.builder().port(0).build()).endpoint("/echo", new Echo()).start();
        secure = Server.create(ServerOptions.builder()
                .port(0)
                .tls(ServerTls.fromPem(cert.certificatePem(), cert.keyPem()))
                .build()).endpoint("/echo", new Echo()).start();
    }

    @AfterAll
    static void stopServers() {
        plain.close();
        secure.close();
    }

    /** Connects, checks one echo, and returns the WebSocket. */
    static WebSocket echo(Client client, URI uri) throws Exception {
        var recorder = new Recorder();
        WebSocket ws = client.connect(uri, recorder).get(10, TimeUnit.SECONDS);
        ws.sendText("through the tunnel");
        assertThat(recorder.await(Recorder.Text.class).text()).isEqualTo("through the tunnel");
        return ws;
    }

    static Throwable failure(Client client, URI uri) {
        CompletableFuture<WebSocket> future = client.connect(uri, new Recorder());
        assertThat(future).failsWithin(10, TimeUnit.SECONDS);
        return future.exceptionNow();
    }

    static URI ws() {
        return URI.create("ws://127.0.0.1:" + plain.port() + "/echo");
    }

    static URI wss() {
        return URI.create("wss://localhost:" + secure.port() + "/echo");
    }

    static ClientOptions.Builder trusting() throws Exception {
        return ClientOptions.builder().tls(ClientTls.trustingPem(cert.certificatePem()));
    }

    @Nested
    class WithTinyproxy {
        static Path binary() {
            return RequiredTool.check("tinyproxy", "tinyproxy");
        }

        @Test
        void wsAndWssGoThroughTheTunnel(@TempDir Path dir) throws Exception {
            try (var proxy = Tinyproxy.start(binary(), dir);
                    Client client = Client.create(
                            trusting().proxy(ClientProxy.http("127.0.0.1", proxy.port())).build())) {
                // The socket's other end is the proxy, and the proxy logged the tunnels: no direct connection.
                assertThat(echo(client, ws()).remoteAddress().getPort()).isEqualTo(proxy.port());
                assertThat(echo(client, wss()).remoteAddress().getPort()).isEqualTo(proxy.port());
                assertThat(proxy.log()).contains("CONNECT 127.0.0.1:" + plain.port())
                        .contains("CONNECT localhost:" + secure.port());
            }
        }

        @Test
        void basicAuthIsSentToTheProxyOnly(@TempDir Path dir) throws Exception {
            try (var proxy = Tinyproxy.start(binary(), dir, "alice", "s3cret")) {
                var at = ClientProxy.http("127.0.0.1", proxy.port());
                try (Client good = Client.create(trusting().proxy(at.withBasicAuth("alice", "s3cret")).build());
                        Client none = Client.create(trusting().proxy(at).build());
                        Client wrong = Client.create(trusting().proxy(at.withBasicAuth("alice", "guess")).build())) {
                    assertThat(echo(good, wss()).handshakeHeaders().contains("Proxy-Authorization")).isFalse();
                    // RFC 9110 says 407; tinyproxy 1.11 answers CONNECT without credentials with 401
                    assertThat(failure(none, ws())).isInstanceOfSatisfying(ProxyException.class, e -> {
                        assertThat(e.status()).isIn(401, 407);
                        assertThat(e).hasMessageContaining("(no credentials given)");
                    });
                    assertThat(failure(wrong, wss())).isInstanceOfSatisfying(ProxyException.class, e -> {
                        assertThat(e.status()).isIn(401, 407);
                        assertThat(e).hasMessageContaining("(credentials refused)");
                    });
                }
            }
        }

        @Test
        void anUnreachableServerIsTheProxysError(@TempDir Path dir) throws Exception {
            int closedPort;
            try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closedPort = s.getLocalPort();
            }
            try (var proxy = Tinyproxy.start(binary(), dir);
                    Client client = Client.create(ClientOptions.builder()
                            .proxy(ClientProxy.http("127.0.0.1", proxy.port()))
                            .build())) {
                Throwable e = failure(client, URI.create("ws://127.0.0.1:" + closedPort + "/"));
                assertThat(e).isInstanceOf(ProxyException.class)
                        .hasMessageContaining("to CONNECT 127.0.0.1:" + closedPort);
                assertThat(((ProxyException) e).status()).isBetween(500, 599);
            }
        }

        @Test
        void theJvmProxySettingsAreUsedThroughProxySelector(@TempDir Path dir) throws Exception {
            String[] keys = {"http.proxyHost", "http.proxyPort", "http.nonProxyHosts"};
            String[] saved = new String[keys.length];
            for (int i = 0; i < keys.length; i++) {
                saved[i] = System.getProperty(keys[i]);
            }
            try (var proxy = Tinyproxy.start(binary(), dir);
                    Client client = Client.create(ClientOptions.builder().proxy(ClientProxy.SYSTEM).build())) {
                System.setProperty("http.proxyHost", "127.0.0.1");
                System.setProperty("http.proxyPort", String.valueOf(proxy.port()));
                // Empty: not even the default exemptions (localhost, 127.*) apply, so the loopback server is proxied.
                System.setProperty("http.nonProxyHosts", "");
                assertThat(echo(client, ws()).remoteAddress().getPort()).isEqualTo(proxy.port());

                System.setProperty("http.nonProxyHosts", "127.0.0.1");
                assertThat(echo(client, ws()).remoteAddress().getPort()).isEqualTo(plain.port());
            } finally {
                for (int i = 0; i < keys.length; i++) {
                    if (saved[i] == null) {
                        System.clearProperty(keys[i]);
                    } else {
                        System.setProperty(keys[i], saved[i]);
                    }
                }
            }
        }
    }

    @Nested
    class WithAScriptedProxy {
        @Test
        void connectNamesTheTargetAndCarriesCredentialsFromTheProxyUri() throws Exception {
            try (var proxy = new ScriptedHttp(head -> "HTTP/1.1 407 Proxy Authentication Required\r\n"
                    + "Proxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\n\r\n");
                    Client client = Client.create(ClientOptions.builder().proxy(ClientProxy.http(
                            URI.create("http://bob:p%40s+s@127.0.0.1:" + proxy.port()))).build())) {
                Throwable e = failure(client, URI.create("ws://server.invalid:8080/x"));

                String head = proxy.nextHead();
                assertThat(head).startsWith("CONNECT server.invalid:8080 HTTP/1.1\r\n");
                assertThat(header(head, "Host")).isEqualTo("server.invalid:8080");
                assertThat(header(head, "Proxy-Authorization")).isEqualTo("Basic Ym9iOnBAcytz"); // bob:p@s+s
                assertThat(e).isInstanceOfSatisfying(ProxyException.class, p -> {
                    assertThat(p.status()).isEqualTo(407);
                    assertThat(p.headers().first("Proxy-Authenticate")).hasValue("Basic realm=\"corp\"");
                    assertThat(p).hasMessage("proxy 127.0.0.1:" + proxy.port() + " answered 407 Proxy Authentication"
                            + " Required to CONNECT server.invalid:8080 (credentials refused)");
                });
            }
        }

        @Test
        void forbiddenAndBadGatewayCarryTheStatus() throws Exception {
            for (int status : new int[] {403, 502}) {
                try (var proxy = new ScriptedHttp(head -> "HTTP/1.1 " + status + " No\r\n\r\n");
                        Client client = Client.create(ClientOptions.builder()
                                .proxy(ClientProxy.http("127.0.0.1", proxy.port()))
                                .build())) {
                    assertThat(failure(client, ws())).isInstanceOfSatisfying(ProxyException.class,
                            e -> assertThat(e.status()).isEqualTo(status));
                }
            }
        }

        @Test
        void aSilentProxyTimesOut() throws Exception {
            var release = new java.util.concurrent.CountDownLatch(1);
            try (var proxy = new ScriptedHttp(head -> {
                try {
                    release.await(10, TimeUnit.SECONDS); // holds the answer past the client's handshake timeout
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "";
            }); Client client = Client.create(ClientOptions.builder()
                    .proxy(ClientProxy.http("127.0.0.1", proxy.port()))
                    .connection(c -> c.handshakeTimeout(Duration.ofMillis(300)))
                    .build())) {
                assertThat(failure(client, ws())).isInstanceOf(SocketTimeoutException.class)
                        .hasMessageContaining("did not answer CONNECT");
            } finally {
                release.countDown();
            }
        }

        @Test
        void theProxysAnswerIsSizeBounded() throws Exception {
            try (var proxy = new ScriptedHttp(head -> "HTTP/1.1 200 OK\r\nX-Pad: " + "a".repeat(4000) + "\r\n\r\n");
                    Client client = Client.create(ClientOptions.builder()
                            .maxResponseHeadBytes(1024)
                            .proxy(ClientProxy.http("127.0.0.1", proxy.port()))
                            .build())) {
                assertThat(failure(client, ws())).isInstanceOfSatisfying(ProxyException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e).hasMessageContaining("longer than 1024 bytes");
                });
            }
        }

        @Test
        void bytesBeforeTheTunnelIsUsedAreRefused() throws Exception {
            try (var proxy = new ScriptedHttp(head -> "HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 101 forged\r\n\r\n");
                    Client client = Client.create(ClientOptions.builder()
                            .proxy(ClientProxy.http("127.0.0.1", proxy.port()))
                            .build())) {
                assertThat(failure(client, ws())).isInstanceOf(ProxyException.class)
                        .hasMessageContaining("bytes after its answer");
            }
        }

        @Test
        void aProxyThatRefusesConnectionsIsNamed() throws Exception {
            int closedPort;
            try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closedPort = s.getLocalPort();
            }
            try (Client client = Client.create(ClientOptions.builder()
                    .proxy(ClientProxy.http("127.0.0.1", closedPort))
                    .build())) {
                assertThat(failure(client, ws())).isInstanceOf(ConnectException.class)
                        .hasMessageContaining("cannot connect to proxy 127.0.0.1:" + closedPort);
            }
        }
    }

    @Nested
    class Selection {
        @Test
        void aSelectorIsAskedWithHttpSchemesAndSocksIsRefused() throws Exception {
            var asked = new CompletableFuture<URI>();
            var socksOnly = ClientProxy.of(new ProxySelector() {
                @Override
                public List<Proxy> select(URI uri) {
                    asked.complete(uri);
                    return List.of(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", 1080)));
                }

                @Override
                public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
                }
            });
            assertThatThrownBy(() -> socksOnly.select(URI.create("wss://example.com/chat")))
                    .isInstanceOf(IOException.class).hasMessageContaining("SOCKS is not supported");
            assertThat(asked).isCompletedWithValue(URI.create("https://example.com:443/"));
        }

        @Test
        void directAndFixedChoices() throws Exception {
            assertThat(ClientProxy.NONE.select(URI.create("ws://a/"))).isEmpty();
            assertThat(ClientProxy.http("p", 3128).select(URI.create("ws://a/")))
                    .hasValue(InetSocketAddress.createUnresolved("p", 3128));
            assertThat(ClientProxy.http("p", 3128).withBasicAuth("u", "secret").toString()).doesNotContain("secret");
            assertThatThrownBy(() -> ClientProxy.http(URI.create("https://p:1/")))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ClientProxy.NONE.withBasicAuth("u", "p"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
