package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import io.pado.HandshakeException;
import io.pado.Headers;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pado client against Jetty 12's WebSocket server: an independent peer (test scope only). */
class JettyInteropTest {
    static final int BIG = 4 << 20;
    static org.eclipse.jetty.server.Server jetty;
    static int port;
    static Client client;

    /** Echoes; a text "close" makes Jetty start the closing handshake with 4002. */
    public static final class JettyEcho implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String message) {
            if (message.equals("close")) {
                session.close(4002, "jetty bye", Callback.NOOP);
            } else if (message.equals("header")) {
                session.sendText(String.valueOf(session.getUpgradeRequest().getHeader("X-Test")), Callback.NOOP);
            } else {
                session.sendText(message, Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            session.sendBinary(copy, Callback.NOOP);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        jetty = new org.eclipse.jetty.server.Server();
        var connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(WebSocketUpgradeHandler.from(jetty, container -> {
            container.setMaxTextMessageSize(BIG);
            container.setMaxBinaryMessageSize(BIG);
            container.addMapping("/echo", (request, response, callback) -> {
                if (request.getSubProtocols().contains("v2")) {
                    response.setAcceptedSubProtocol("v2");
                }
                return new JettyEcho();
            });
        }));
        jetty.start();
        port = connector.getLocalPort();
        client = Client.create(ClientOptions.builder()
                .subprotocols("v1", "v2")
                .headers(Headers.of("X-Test", "from pado"))
                .connection(c -> c.maxMessageBytes(BIG))
                .build());
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        jetty.stop();
    }

    static URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    @Test
    void textBinaryAndLargeMessagesRoundTrip() {
        var recorder = new Recorder();
        WebSocket ws = client.connect(uri("/echo"), recorder).join();
        assertThat(recorder.awaitOpen()).isSameAs(ws);
        assertThat(ws.subprotocol()).hasValue("v2");

        ws.sendText("hello jetty").join();
        assertThat(recorder.nextText()).isEqualTo("hello jetty");

        byte[] big = new byte[BIG];
        new Random(7).nextBytes(big);
        ws.sendBinary(ByteBuffer.wrap(big)).join();
        assertThat(recorder.next(Recorder.Binary.class).data()).isEqualTo(big);

        ws.sendText("header").join();
        assertThat(recorder.nextText()).isEqualTo("from pado");
    }

    @Test
    void pingIsAnsweredByJetty() {
        var recorder = new Recorder();
        WebSocket ws = client.connect(uri("/echo"), recorder).join();
        recorder.awaitOpen();
        ws.sendPing(ByteBuffer.wrap(new byte[] {4, 2})).join();
        assertThat(recorder.next(Recorder.Pong.class).data()).containsExactly(4, 2);
    }

    @Test
    void clientClosesAndJettyEchoesTheCode() {
        var recorder = new Recorder();
        WebSocket ws = client.connect(uri("/echo"), recorder).join();
        recorder.awaitOpen();
        ws.close(4000, "pado bye").join();
        assertThat(recorder.awaitClose().code()).isEqualTo(4000);
    }

    @Test
    void jettyClosesWithCodeAndReason() {
        var recorder = new Recorder();
        WebSocket ws = client.connect(uri("/echo"), recorder).join();
        recorder.awaitOpen();
        ws.sendText("close");
        assertThat(recorder.awaitClose()).isEqualTo(new Recorder.Close(4002, "jetty bye"));
    }

    @Test
    void refusedHandshakeSaysStatusAndHeaders() {
        var future = client.connect(uri("/missing"), new Recorder());
        assertThat(future).failsWithin(Recorder.TIMEOUT).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(HandshakeException.class)
                .satisfies(e -> {
                    var he = (HandshakeException) e;
                    assertThat(he.status()).isEqualTo(404);
                    assertThat(he.headers().isEmpty()).isFalse();
                });
    }
}
