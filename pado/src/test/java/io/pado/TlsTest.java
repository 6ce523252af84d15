package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wss://}: pado's TLS transport against the JDK's WebSocket client and against pado's own client. */
class TlsTest {
    static final int BIG = 8 << 20;
    @TempDir
    static Path dir;
    static TestCertificates.Identity local;
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        local = TestCertificates.create(dir, "localhost", "dns:localhost,ip:127.0.0.1");
        server = Server.create(ServerOptions.builder()
                .eventLoops(2)
                .tls(ServerTls.fromPem(local.certificatePem(), local.keyPem()))
                .connection(c -> c
                        .maxFrameBytes(BIG)
                        .maxMessageBytes(BIG)
                        .closeTimeout(Duration.ofSeconds(5))
                        .maxQueuedBytes(4L * BIG))
                .build())
                .endpoint("/echo", new Echo())
                .start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static URI uri(Server s, String host) {
        return URI.create("wss://" + host + ":" + s.port() + "/echo");
    }

    static ClientOptions clientOptions(TestCertificates.Identity trusted) throws Exception {
        return ClientOptions.builder()
                .tls(trusted.clientTls())
                .connection(c -> c
                        .maxFrameBytes(BIG)
                        .maxMessageBytes(BIG)
                        .closeTimeout(Duration.ofSeconds(5))
                        .maxQueuedBytes(4L * BIG))
                .build();
    }

    @Test
    void jdkClientTalksToTheServerOverTls() throws Exception {
        var http = HttpClient.newBuilder().sslContext(local.trustingContext()).build();
        var listener = new JdkListener();
        var ws = http.newWebSocketBuilder().buildAsync(uri(server, "127.0.0.1"), listener).get(10, TimeUnit.SECONDS);
        ws.sendText("over tls", true).join();
        assertThat(listener.next()).isEqualTo("over tls");
        byte[] big = random(3 << 20, 1);
        ws.sendBinary(ByteBuffer.wrap(big), true).join();
        assertThat(listener.next(byte[].class)).isEqualTo(big);
        ws.sendClose(1000, "bye").join();
        assertThat(listener.next(JdkListener.Close.class).code()).isEqualTo(1000);
    }

    @Test
    void padoClientSendsAndReceivesLargeMessagesOverTls() throws Exception {
        try (Client client = Client.create(clientOptions(local))) {
            var recorder = new Recorder();
            WebSocket ws = client.connect(uri(server, "localhost"), recorder).get(10, TimeUnit.SECONDS);
            recorder.awaitOpen();
            ws.sendText("héllo").join();
            assertThat(recorder.nextText()).isEqualTo("héllo");
            for (int i = 0; i < 3; i++) {
                byte[] big = random(BIG - 64 * i, i);
                ws.sendBinary(ByteBuffer.wrap(big));
                assertThat(recorder.next(Recorder.Binary.class).data()).isEqualTo(big);
            }
            ws.close(1000, "done").join();
            assertThat(recorder.awaitClose().code()).isEqualTo(1000);
        }
    }

    @Test
    void clientRefusesACertificateForAnotherHost() throws Exception {
        var other = TestCertificates.create(dir, "other", "dns:other.example");
        try (Server wrong = Server.create(ServerOptions.builder().tls(other.serverTls()).build())
                .endpoint("/echo", new Echo()).start();
                Client client = Client.create(clientOptions(other))) {
            // Trusted, but issued for other.example, not for 127.0.0.1 (RFC 2818 §3.1).
            assertThat(client.connect(uri(wrong, "127.0.0.1"), new Recorder()))
                    .failsWithin(10, TimeUnit.SECONDS)
                    .withThrowableThat().havingCause().isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void clientRefusesAnUntrustedCertificate() throws Exception {
        var stranger = TestCertificates.create(dir, "stranger", "dns:localhost,ip:127.0.0.1");
        try (Client client = Client.create(clientOptions(stranger))) {
            assertThat(client.connect(uri(server, "127.0.0.1"), new Recorder()))
                    .failsWithin(10, TimeUnit.SECONDS)
                    .withThrowableThat().havingCause().isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void reloadedCertificateServesNewConnectionsAndOpenOnesStay() throws Exception {
        var first = TestCertificates.create(dir, "first", "dns:localhost,ip:127.0.0.1");
        var second = TestCertificates.create(dir, "second", "dns:localhost,ip:127.0.0.1");
        try (Server s = Server.create(ServerOptions.builder().tls(first.serverTls()).build())
                .endpoint("/echo", new Echo()).start();
                Client trustsFirst = Client.create(clientOptions(first));
                Client trustsSecond = Client.create(clientOptions(second))) {
            var old = new Recorder();
            WebSocket before = trustsFirst.connect(uri(s, "127.0.0.1"), old).get(10, TimeUnit.SECONDS);
            assertThat(trustsSecond.connect(uri(s, "127.0.0.1"), new Recorder()))
                    .failsWithin(10, TimeUnit.SECONDS)
                    .withThrowableThat().havingCause().isInstanceOf(SSLHandshakeException.class);

            s.reloadCertificate(second.serverTls());

            var fresh = new Recorder();
            WebSocket after = trustsSecond.connect(uri(s, "127.0.0.1"), fresh).get(10, TimeUnit.SECONDS);
            after.sendText("new cert");
            assertThat(fresh.await(Recorder.Text.class).text()).isEqualTo("new cert");
            before.sendText("old cert");
            assertThat(old.await(Recorder.Text.class).text()).isEqualTo("old cert");
            assertThat(trustsFirst.connect(uri(s, "127.0.0.1"), new Recorder()))
                    .failsWithin(10, TimeUnit.SECONDS)
                    .withThrowableThat().havingCause().isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void plainTextOnTheTlsPortIsDroppedWithoutHarmingOthers() throws Exception {
        try (Client client = Client.create(clientOptions(local))) {
            var recorder = new Recorder();
            WebSocket ws = client.connect(uri(server, "127.0.0.1"), recorder).get(10, TimeUnit.SECONDS);
            try (RawSocket raw = RawSocket.connect(server.port())) {
                raw.write(RawSocket.upgradeRequest("/echo", "Sec-WebSocket-Version: 13\r\n"));
                assertThat(raw.awaitEof()).isTrue();
            }
            try (RawSocket raw = RawSocket.connect(server.port())) {
                raw.write(random(64 << 10, 7));
                assertThat(raw.awaitEof()).isTrue();
            }
            ws.sendText("still here");
            assertThat(recorder.await(Recorder.Text.class).text()).isEqualTo("still here");
        }
    }

    @Test
    void pemParserExplainsKeysItCannotRead() throws Exception {
        Path pkcs1 = java.nio.file.Files.writeString(dir.resolve("rsa.pem"),
                TestCertificates.pem("RSA PRIVATE KEY", "not a key".getBytes(StandardCharsets.US_ASCII)));
        try {
            ServerTls.fromPem(local.certificatePem(), pkcs1);
            throw new AssertionError("accepted a PKCS#1 key");
        } catch (java.security.GeneralSecurityException e) {
            assertThat(e).hasMessageContaining("openssl pkcs8 -topk8");
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
