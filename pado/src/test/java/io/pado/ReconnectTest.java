package io.pado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pado.HandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Reconnecting client connections: backoff, resubscription, and when it stops. */
class ReconnectTest {
    /** What the server's handlers received, across restarts. */
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final AtomicInteger opens = new AtomicInteger();
    Server server;
    Client client;

    /** Records subscriptions; "close N" makes the server close with code N. */
    Server start(int port) throws IOException {
        return Server.create(ServerOptions.builder().port(port).build()).endpoint("/feed", new Handler() {
            @Override
            public void onOpen(WebSocket ws) {
                opens.incrementAndGet();
            }

            @Override
            public void onText(WebSocket ws, String text) {
                if (text.startsWith("close ")) {
                    ws.close(Integer.parseInt(text.substring(6)), "bye");
                } else {
                    received.add(text);
                }
            }
        }).start();
    }

    @BeforeEach
    void setUp() throws IOException {
        server = start(0);
        client = Client.create(ClientOptions.DEFAULT);
    }

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
    }

    URI uri(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/feed");
    }

    /** A recorder that subscribes in every onOpen, as an application would. */
    static final class Subscriber extends Recorder {
        @Override
        public void onOpen(WebSocket ws) {
            ws.sendText("subscribe");
            super.onOpen(ws);
        }
    }

    static String poll(BlockingQueue<String> queue) throws InterruptedException {
        String s = queue.poll(10, TimeUnit.SECONDS);
        assertThat(s).as("a message within 10 s").isNotNull();
        return s;
    }

    /** 50, 100, 200, 400 ms... with the random fixed at 0, so that the delays are exact. */
    static final Reconnect FAST = Reconnect.builder()
            .initialDelay(Duration.ofMillis(50))
            .maxDelay(Duration.ofSeconds(2))
            .random(() -> 0.0)
            .build();

    @Test
    void reconnectsAfterTheServerRestartsOnTheSamePortAndResubscribes() throws Exception {
        int port = server.port();
        var calls = new Subscriber();
        ReconnectingWebSocket ws = client.connect(uri(port), calls, FAST).get(10, TimeUnit.SECONDS);
        assertThat(calls.awaitOpen()).isSameAs(ws);
        assertThat(poll(received)).isEqualTo("subscribe");

        server.close(); // Close 1001, then nobody listens
        assertThat(calls.next(Recorder.Close.class).code()).isEqualTo(1001);
        var first = calls.next(Recorder.Reconnecting.class);
        assertThat(first.attempt()).isEqualTo(1);
        assertThat(first.delay()).isEqualTo(Duration.ofMillis(50));
        assertThat(first.cause()).isInstanceOf(ClosedException.class)
                .satisfies(e -> assertThat(((ClosedException) e).code()).isEqualTo(1001));
        // Disconnected: a send fails at once instead of vanishing.
        assertThat(ws.isOpen()).isFalse();
        assertThat(ws.sendText("lost?")).failsWithin(1, TimeUnit.SECONDS).withThrowableThat()
                .havingCause().isInstanceOf(ClosedException.class).withMessageContaining("not connected");

        // Refused attempts back off: each announced delay doubles and really passes before the next attempt.
        var previous = first;
        for (int attempt = 2; attempt <= 4; attempt++) {
            var next = calls.next(Recorder.Reconnecting.class);
            assertThat(next.attempt()).isEqualTo(attempt);
            assertThat(next.delay()).isEqualTo(Duration.ofMillis(50L << (attempt - 1)));
            assertThat(next.cause()).isInstanceOf(ConnectException.class);
            assertThat(next.atNanos() - previous.atNanos()).isGreaterThanOrEqualTo(previous.delay().toNanos());
            previous = next;
        }

        server = start(port); // the same port: the next attempt gets through
        assertThat(calls.await(Recorder.Open.class).ws()).isSameAs(ws);
        assertThat(poll(received)).isEqualTo("subscribe"); // the onOpen hook ran again
        assertThat(ws.isOpen()).isTrue();
        ws.sendText("after the restart").get(10, TimeUnit.SECONDS);
        assertThat(poll(received)).isEqualTo("after the restart");
        assertThat(opens.get()).isEqualTo(2);

        ws.close(1000, "done").get(10, TimeUnit.SECONDS);
        ws.whenClosed().get(10, TimeUnit.SECONDS);
        assertThat(calls.await(Recorder.Close.class).code()).isEqualTo(1000);
        assertThat(calls.drain()).noneMatch(c -> c instanceof Recorder.Reconnecting);
    }

    @Test
    void givesUpAfterMaxAttempts() throws Exception {
        var calls = new Recorder();
        ReconnectingWebSocket ws = client.connect(uri(server.port()), calls, FAST.toBuilder().maxAttempts(3).build())
                .get(10, TimeUnit.SECONDS);
        calls.awaitOpen();
        server.close();

        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(calls.await(Recorder.Reconnecting.class).attempt()).isEqualTo(attempt);
        }
        assertThat(ws.whenClosed()).failsWithin(10, TimeUnit.SECONDS).withThrowableThat().havingCause()
                .isInstanceOf(IOException.class).withMessageContaining("gave up reconnecting")
                .withMessageContaining("after 3 attempts").withCauseInstanceOf(ConnectException.class);
        assertThat(calls.drain()).noneMatch(c -> c instanceof Recorder.Reconnecting); // no fourth
        assertThat(ws.sendText("x")).failsWithin(1, TimeUnit.SECONDS).withThrowableThat()
                .withMessageContaining("WebSocket is closed");
    }

    @Test
    void theUsersCloseIsFinal() throws Exception {
        var calls = new Recorder();
        ReconnectingWebSocket ws = client.connect(uri(server.port()), calls, FAST).get(10, TimeUnit.SECONDS);
        calls.awaitOpen();

        ws.close(1000, "bye");
        ws.whenClosed().get(10, TimeUnit.SECONDS);
        assertThat(calls.await(Recorder.Close.class).code()).isEqualTo(1000);
        assertThat(calls.drain()).isEmpty();
        assertThat(opens.get()).isEqualTo(1);
        assertThat(ws.close(1000, "again")).isCompleted();
    }

    @Nested
    class FinalCloseCodes {
        @Test
        void policyViolationStopsByDefault() throws Exception {
            var calls = new Recorder();
            ReconnectingWebSocket ws = client.connect(uri(server.port()), calls, FAST).get(10, TimeUnit.SECONDS);
            calls.awaitOpen();
            ws.sendText("close 1008");

            assertThat(ws.whenClosed()).failsWithin(10, TimeUnit.SECONDS).withThrowableThat().havingCause()
                    .isInstanceOfSatisfying(ClosedException.class, e -> assertThat(e.code()).isEqualTo(1008));
            assertThat(calls.await(Recorder.Close.class).code()).isEqualTo(1008);
            assertThat(calls.drain()).noneMatch(c -> c instanceof Recorder.Reconnecting);
        }

        @Test
        void applicationCodesCanBeMadeFinal() throws Exception {
            var calls = new Recorder();
            var policy = FAST.toBuilder().finalCloseCodes(code -> code >= 4000 && code <= 4999).build();
            ReconnectingWebSocket ws = client.connect(uri(server.port()), calls, policy).get(10, TimeUnit.SECONDS);
            calls.awaitOpen();

            ws.sendText("close 3001"); // not final: reconnects
            assertThat(calls.await(Recorder.Reconnecting.class).cause()).hasMessageContaining("3001");
            calls.await(Recorder.Open.class);
            ws.sendText("close 4001"); // final
            assertThat(ws.whenClosed()).failsWithin(10, TimeUnit.SECONDS).withThrowableThat().havingCause()
                    .isInstanceOfSatisfying(ClosedException.class, e -> assertThat(e.code()).isEqualTo(4001));
            assertThat(opens.get()).isEqualTo(2);
        }
    }

    @Nested
    class FirstConnection {
        @Test
        void isRetriedUntilTheServerComesUp() throws Exception {
            int port;
            try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            var calls = new Recorder();
            CompletableFuture<ReconnectingWebSocket> future = client.connect(uri(port), calls, FAST);
            assertThat(calls.next(Recorder.Reconnecting.class).cause()).isInstanceOf(ConnectException.class);
            assertThat(future).isNotDone();

            try (Server late = start(port)) {
                ReconnectingWebSocket ws = future.get(10, TimeUnit.SECONDS);
                assertThat(calls.await(Recorder.Open.class).ws()).isSameAs(ws);
                ws.close(1000, "").get(10, TimeUnit.SECONDS);
                ws.whenClosed().get(10, TimeUnit.SECONDS);
            }
        }

        @Test
        void aRefusalThatWaitingCannotFixFailsAtOnce() throws Exception {
            var calls = new Recorder();
            var future = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/nothing-here"), calls, FAST);

            assertThat(future).failsWithin(10, TimeUnit.SECONDS).withThrowableThat().havingCause()
                    .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.status()).isEqualTo(404));
            assertThat(calls.drain()).isEmpty();
        }

        @Test
        void closingTheClientStopsWaiting() throws Exception {
            int port;
            try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            var calls = new Recorder();
            var future = client.connect(uri(port), calls, FAST.toBuilder()
                    .maxDelay(Duration.ofMinutes(1))
                    .initialDelay(Duration.ofMinutes(1))
                    .build());
            assertThat(calls.next(Recorder.Reconnecting.class).delay()).isEqualTo(Duration.ofMinutes(1));

            client.close();
            assertThat(future).failsWithin(5, TimeUnit.SECONDS).withThrowableThat()
                    .withMessageContaining("closed before the first connection opened");
        }
    }

    @Nested
    class Delays {
        @Test
        void growExponentiallyUpToTheMaximumWithJitterBelowTheBase() {
            double[] draws = {0.0, 0.5, 0.999, 0.0, 0.0};
            var next = new AtomicInteger();
            var policy = Reconnect.builder()
                    .initialDelay(Duration.ofMillis(100))
                    .multiplier(2)
                    .maxDelay(Duration.ofSeconds(1))
                    .jitter(0.5)
                    .random(() -> draws[next.getAndIncrement()])
                    .build();

            assertThat(policy.delayBefore(1)).isEqualTo(Duration.ofMillis(100)); // r = 0: the base
            assertThat(policy.delayBefore(2)).isEqualTo(Duration.ofMillis(150)); // 200 × (1 − 0.5 × 0.5)
            assertThat(policy.delayBefore(5)).isEqualTo(Duration.ofNanos(500_500_000)); // capped 1 s × 0.5005
            assertThat(policy.delayBefore(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(1)); // no overflow
            assertThat(policy.toBuilder().maxDelay(Duration.ofMillis(10)).build().delayBefore(1))
                    .isEqualTo(Duration.ofMillis(10));
        }

        @Test
        void badPoliciesAreRefused() {
            assertThatThrownBy(() -> Reconnect.builder()
                    .jitter(1.5)
                    .build()).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Reconnect.builder().multiplier(0.5).build())
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Reconnect.builder().maxAttempts(0).build())
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Reconnect.builder().maxDelay(Duration.ZERO).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDelay");
            assertThatThrownBy(() -> Reconnect.DEFAULT.delayBefore(0)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void defaultFinalCodesAreTheOnesARetryWouldRepeat() {
            for (int code : new int[] {1002, 1003, 1007, 1008, 1009, 1010}) {
                assertThat(Reconnect.DEFAULT.isFinal(code)).as("%d", code).isTrue();
            }
            for (int code : new int[] {1000, 1001, 1006, 1011, 1012, 1013, 4000}) {
                assertThat(Reconnect.DEFAULT.isFinal(code)).as("%d", code).isFalse();
            }
        }
    }
}
