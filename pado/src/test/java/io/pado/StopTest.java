package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link Server#stop(Duration)}: stop accepting, 1001 to everyone, wait for the closing handshakes. */
class StopTest {

    @Test
    void stopSendsGoingAwayAndWaitsForTheClosingHandshake() throws Exception {
        var recorder = new Recorder();
        var server = Server.create(ServerOptions.builder().eventLoops(2).build()).endpoint("/ws", recorder).start();
        var listeners = new JdkListener[3];
        for (int i = 0; i < listeners.length; i++) {
            listeners[i] = new JdkListener();
            HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), listeners[i]).join();
            recorder.awaitOpen();
        }
        long t0 = System.nanoTime();
        server.stop(Duration.ofSeconds(5));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the clients answered: no need to wait it out")
                .isLessThan(Duration.ofSeconds(4));
        for (var listener : listeners) {
            assertThat(listener.next(JdkListener.Close.class).code()).isEqualTo(1001);
        }
        for (int i = 0; i < listeners.length; i++) {
            assertThat(recorder.awaitClose().code()).isEqualTo(1001);
        }
        assertThatRefused(server);
    }

    @Test
    void aHandlerOnTheEventLoopMayStopItsOwnServer() throws Exception {
        var stopping = new java.util.concurrent.atomic.AtomicReference<Server>();
        Handler stopOnMessage = new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                stopping.get().stop(Duration.ofSeconds(5)); // on the loop: must not wait for itself
            }
        };
        var server = Server.create(ServerOptions.builder()
                .eventLoops(1)
                .connection(c -> c.dispatch(Dispatch.EVENT_LOOP))
                .build())
                .endpoint("/ws", stopOnMessage).start();
        stopping.set(server);
        var listener = new JdkListener();
        var ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), listener).join();
        ws.sendText("stop, please", true);
        assertThat(listener.next(JdkListener.Close.class).code()).isEqualTo(1001);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.connections() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // waiting for a condition, bounded by the deadline
        }
        assertThat(server.connections()).isZero();
        assertThatRefused(server);
    }

    @Test
    void aHandlerOnTheEventLoopMayCloseItsOwnClient() throws Exception {
        try (var server = Server.create(ServerOptions.DEFAULT).endpoint("/ws", new Echo()).start()) {
            var closing = new java.util.concurrent.atomic.AtomicReference<Client>();
            var closed = new java.util.concurrent.CompletableFuture<Integer>();
            Handler closeOnEcho = new Handler() {
                @Override
                public void onText(WebSocket ws, String text) {
                    closing.get().close(); // on the client's loop: must not wait for itself
                }

                @Override
                public void onClose(WebSocket ws, int code, String reason) {
                    closed.complete(code);
                }
            };
            Client client = Client.create(ClientOptions.builder()
                    .connection(c -> c.dispatch(Dispatch.EVENT_LOOP))
                    .build());
            closing.set(client);
            client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), closeOnEcho)
                    .get(10, java.util.concurrent.TimeUnit.SECONDS).sendText("echo me");
            assertThat(closed.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1001);
        }
    }

    @Test
    void stopDropsPeersThatDoNotAnswerAfterTheDeadline() throws Exception {
        var recorder = new Recorder();
        var server = Server.create(ServerOptions.builder().eventLoops(1).build()).endpoint("/ws", recorder).start();
        try (var raw = RawSocket.open(server.port(), "/ws")) {
            recorder.awaitOpen();
            long t0 = System.nanoTime();
            server.stop(Duration.ofMillis(500));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
            assertThat(raw.readFrame().closeCode()).isEqualTo(1001);
            assertThat(raw.awaitEof()).isTrue();
            assertThat(recorder.awaitClose().code()).isEqualTo(1006);
        }
    }

    @Test
    void stopTwiceAndStopBeforeStartDoNothing() throws Exception {
        Server.create(ServerOptions.DEFAULT).stop();
        var server = Server.create(ServerOptions.DEFAULT).start();
        server.stop();
        server.stop();
    }

    static void assertThatRefused(Server server) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RawSocket.connect(server.port()).close())
                .isInstanceOf(java.net.ConnectException.class);
    }
}
