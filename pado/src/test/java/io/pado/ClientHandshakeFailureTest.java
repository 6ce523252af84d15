package io.pado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pado.HandshakeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A failed opening handshake surfaces as an exception that says why. */
class ClientHandshakeFailureTest {
    ServerSocket listener;
    Client client;

    @BeforeEach
    void setUp() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        client = Client.create(ClientOptions.builder()
                .connection(c -> c.handshakeTimeout(Duration.ofMillis(500)))
                .build());
    }

    @AfterEach
    void tearDown() throws IOException {
        client.close();
        listener.close();
    }

    /** Accepts one connection, reads the request head and answers {@code response} (null: never answers). */
    void answerWith(String response) {
        Thread.ofVirtual().start(() -> {
            try (Socket s = listener.accept()) {
                InputStream in = s.getInputStream();
                var head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    head.append((char) b);
                }
                if (response == null) {
                    in.read(); // until the client gives up
                    return;
                }
                s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                in.read();
            } catch (IOException e) {
                // the client hung up: expected
            }
        });
    }

    Throwable failure() {
        var future = client.connect(URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/ws"), new Recorder());
        assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class);
        return future.exceptionNow();
    }

    @Test
    void nonSwitchingAnswerGivesItsStatusAndHeaders() {
        answerWith("HTTP/1.1 403 Forbidden\r\nX-Why: no entry\r\nContent-Length: 0\r\n\r\n");
        Throwable e = failure();
        assertThat(e).isInstanceOf(HandshakeException.class);
        var he = (HandshakeException) e;
        assertThat(he.status()).isEqualTo(403);
        assertThat(he.headers().first("x-why")).hasValue("no entry");
    }

    @Test
    void wrongAcceptValueIsNamed() { // RFC 6455 §4.1: the client MUST fail the connection
        answerWith("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: bm90IHRoZSByaWdodCBvbmU=\r\n\r\n");
        Throwable e = failure();
        assertThat(e).isInstanceOf(HandshakeException.class);
        assertThat(((HandshakeException) e).status()).isZero();
        assertThat(e.getMessage()).containsIgnoringCase("Sec-WebSocket-Accept");
    }

    @Test
    void silentServerTimesOut() {
        answerWith(null);
        assertThat(failure()).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void closedConnectionIsReported() {
        answerWith("");
        assertThat(failure()).isInstanceOf(IOException.class);
    }

    @Test
    void refusedConnectionIsReported() throws IOException {
        int port = listener.getLocalPort();
        listener.close();
        var future = client.connect(URI.create("ws://127.0.0.1:" + port + "/ws"), new Recorder());
        assertThatThrownBy(future::get).cause().isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void onlyWsUrisAreAccepted() {
        assertThatThrownBy(() -> client.connect(URI.create("http://127.0.0.1/"), new Recorder()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aConnectRacingTheClientsCloseStillEnds() throws Exception {
        // The connect may reach its loop after close() ended it: its future must end anyway, never hang.
        URI uri = URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/ws");
        for (int i = 0; i < 50; i++) {
            Client racing = Client.create(ClientOptions.DEFAULT);
            var future = racing.connect(uri, new Recorder());
            racing.close();
            try {
                future.get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException expected) {
                // refused because the client closed: fine, as long as it ended
            }
            assertThat(future).isDone();
        }
    }
}
