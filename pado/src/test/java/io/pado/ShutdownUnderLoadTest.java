package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Graceful shutdown under load (issue #7): both sides send as fast as back-pressure lets them while
 * {@link Server#stop(Duration)} and {@link Client#close(Duration)} run. "A send reported as written" is a send whose
 * future completed normally; every such message must reach the peer's handler, in order; every other send must fail
 * (its future completes exceptionally, none hangs); the peer sees the messages before the Close.
 */
class ShutdownUnderLoadTest {
    static final int PER_CLIENT = 20;
    static final int MAX_MESSAGES = 200_000;
    /** Long enough that a loaded machine never reaches it: a stop that took this long waited for a peer. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    static final String PADDING = "x".repeat(200);

    /** One direction of one connection: what the sender saw completed, what the receiver's handler got. */
    static final class Stream {
        final Set<Integer> written = ConcurrentHashMap.newKeySet();
        final List<Integer> received = Collections.synchronizedList(new ArrayList<>());
    }

    final Map<Integer, Stream> up = new ConcurrentHashMap<>();   // client → server
    final Map<Integer, Stream> down = new ConcurrentHashMap<>(); // server → client
    final Map<Integer, WebSocket> serverSockets = new ConcurrentHashMap<>();
    final AtomicLong issued = new AtomicLong();
    final AtomicLong settled = new AtomicLong();
    final AtomicLong serverCloses = new AtomicLong();
    final AtomicLong clientCloses = new AtomicLong();
    final Set<Integer> closeCodes = ConcurrentHashMap.newKeySet();

    static Stream stream(Map<Integer, Stream> streams, int id) {
        return streams.computeIfAbsent(id, i -> new Stream());
    }

    /** Sends numbered messages on a virtual thread until a send fails or the socket closes; records completions. */
    void pump(WebSocket ws, String prefix, Stream stream) {
        Thread.ofVirtual().start(() -> {
            for (int n = 0; n < MAX_MESSAGES && ws.isOpen(); n++) {
                try {
                    ws.awaitWritable();
                } catch (ClosedException e) {
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                int seq = n;
                issued.incrementAndGet();
                CompletableFuture<Void> sent = ws.sendText(prefix + seq + ":" + PADDING);
                sent.whenComplete((ok, error) -> {
                    if (error == null) {
                        stream.written.add(seq);
                    }
                    settled.incrementAndGet();
                });
                if (sent.isCompletedExceptionally()) {
                    return;
                }
            }
        });
    }

    /** The sequence number of "c<id>:<seq>:..." or "s<id>:<seq>:...". */
    static int sequence(String text) {
        int first = text.indexOf(':');
        return Integer.parseInt(text.substring(first + 1, text.indexOf(':', first + 1)));
    }

    /** The server: learns the client's id from its first message, then sends to it as fast as it can. */
    final class ServerSide implements Handler {
        @Override
        public void onText(WebSocket ws, String text) {
            // "c<id>:<seq>:..." — the first message names the connection.
            int id = Integer.parseInt(text.substring(1, text.indexOf(':')));
            stream(up, id).received.add(sequence(text));
            if (serverSockets.putIfAbsent(id, ws) == null) {
                pump(ws, "s" + id + ":", stream(down, id));
            }
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            closeCodes.add(code);
            serverCloses.incrementAndGet();
        }
    }

    final class ClientSide implements Handler {
        final int id;

        ClientSide(int id) {
            this.id = id;
        }

        @Override
        public void onOpen(WebSocket ws) {
            pump(ws, "c" + id + ":", stream(up, id));
        }

        @Override
        public void onText(WebSocket ws, String text) {
            stream(down, id).received.add(sequence(text));
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            closeCodes.add(code);
            clientCloses.incrementAndGet();
        }
    }

    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void everyMessageReportedAsWrittenArrivesAndEveryOtherSendFails(Dispatch dispatch) throws Exception {
        var server = Server.create(ServerOptions.builder()
                .eventLoops(2)
                .connection(c -> c.dispatch(dispatch).waterMarks(16 << 10, 64 << 10))
                .build()).endpoint("/load", new ServerSide()).start();
        var clientOptions = ClientOptions.builder()
                .connection(c -> c.dispatch(dispatch).waterMarks(16 << 10, 64 << 10))
                .build();
        var closedByClient = Client.create(clientOptions);
        var stayingClient = Client.create(clientOptions);
        var clientSockets = new ArrayList<WebSocket>();
        try {
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/load");
            for (int id = 0; id < 2 * PER_CLIENT; id++) {
                Client c = id < PER_CLIENT ? closedByClient : stayingClient;
                clientSockets.add(c.connect(uri, new ClientSide(id)).get(10, TimeUnit.SECONDS));
            }
            // Mid-traffic: every connection has moved data both ways.
            Await.until("traffic both ways", () -> down.size() == 2 * PER_CLIENT && up.values().stream()
                    .allMatch(s -> s.received.size() >= 50) && down.values().stream()
                    .allMatch(s -> s.received.size() >= 50));

            CompletableFuture<Void> clientClose = CompletableFuture.runAsync(() -> closedByClient.close(STOP_TIMEOUT));
            for (int id = PER_CLIENT; id < PER_CLIENT + 5; id++) {
                clientSockets.get(id).close(1000, "bye"); // a few connections close themselves meanwhile
            }
            long t0 = System.nanoTime();
            server.stop(STOP_TIMEOUT);
            Duration stopTook = Duration.ofNanos(System.nanoTime() - t0);
            clientClose.get(40, TimeUnit.SECONDS);

            assertThat(stopTook).as("every peer answered: stop needs none of its timeout").isLessThan(STOP_TIMEOUT);
            assertThat(server.connections()).isZero();
            Await.until("every connection closed on both sides",
                    () -> serverCloses.get() == 2 * PER_CLIENT && clientCloses.get() == 2 * PER_CLIENT);
            Await.until("every send future completed", () -> settled.get() == issued.get());
            assertThat(closeCodes).as("closing handshakes, no drop").isSubsetOf(1000, 1001);

            // Sends after the stop fail at once, clearly.
            assertThat(serverSockets.get(0).sendText("late")).failsWithin(Duration.ofSeconds(1))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(ClosedException.class);
            assertThat(clientSockets.get(0).sendText("late")).failsWithin(Duration.ofSeconds(1))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(ClosedException.class);

            for (int id = 0; id < 2 * PER_CLIENT; id++) {
                for (Map<Integer, Stream> direction : List.of(up, down)) {
                    String which = "connection " + id + (direction == up ? " up" : " down");
                    Stream s = direction.get(id);
                    List<Integer> got = List.copyOf(s.received);
                    int firstWrong = 0;
                    while (firstWrong < got.size() && got.get(firstWrong) == firstWrong) {
                        firstWrong++;
                    }
                    assertThat(firstWrong).as("%s: each message once, in order (%d received)", which, got.size())
                            .isEqualTo(got.size());
                    // In order from 0, so "every completed send arrived" is "none beyond what arrived".
                    int lastWritten = s.written.stream().mapToInt(Integer::intValue).max().orElse(-1);
                    assertThat(lastWritten).as("%s: every message reported as written arrived", which)
                            .isLessThan(got.size());
                    assertThat(s.written).as(which).isNotEmpty();
                }
            }
        } finally {
            closedByClient.close();
            stayingClient.close();
            server.stop();
        }
    }

    @org.junit.jupiter.api.Test
    void stopDropsAPeerThatStopsReadingWithinItsTimeoutAndFailsWhatWasNotWritten() throws Exception {
        var failedClosed = new AtomicLong();
        var pumping = new CompletableFuture<WebSocket>();
        var recorder = new Recorder();
        Handler flood = new Handler() {
            @Override
            public void onOpen(WebSocket ws) {
                pumping.complete(ws);
                for (int n = 0; n < MAX_MESSAGES && ws.isOpen(); n++) {
                    issued.incrementAndGet();
                    ws.sendText(n + ":" + PADDING).whenComplete((ok, error) -> {
                        if (error instanceof ClosedException) {
                            failedClosed.incrementAndGet();
                        }
                        settled.incrementAndGet();
                    });
                    if (!ws.isWritable()) {
                        try {
                            ws.awaitWritable();
                        } catch (ClosedException e) {
                            return;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason) {
                recorder.onClose(ws, code, reason);
            }
        };
        var server = Server.create(ServerOptions.builder()
                .eventLoops(1)
                .connection(c -> c.waterMarks(16 << 10, 64 << 10))
                .build())
                .endpoint("/flood", flood).start();
        try (var raw = RawSocket.open(server.port(), "/flood")) {
            WebSocket ws = pumping.get(10, TimeUnit.SECONDS);
            Await.until("the socket and the queue full", () -> !ws.isWritable());

            long t0 = System.nanoTime();
            server.stop(Duration.ofSeconds(1));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(took).as("the timeout bounds the stop").isBetween(Duration.ofMillis(900),
                    Duration.ofMillis(1500));
            assertThat(server.connections()).isZero();
            assertThat(recorder.awaitClose().code()).as("dropped, no closing handshake").isEqualTo(1006);
            Await.until("every send future completed", () -> settled.get() == issued.get());
            assertThat(failedClosed.get()).as("queued, never written: failed, not dropped silently").isPositive();
        } finally {
            server.stop();
        }
    }

}
