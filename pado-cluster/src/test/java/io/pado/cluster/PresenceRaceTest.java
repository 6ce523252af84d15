package io.pado.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.Handler;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A presence refresh that read this node's names just before a member left must not list the name again after the
 * member's release: other nodes would show a member who is gone until its entry expired.
 */
class PresenceRaceTest {
    static final long WAIT_SECONDS = 10;

    /** A memory broker whose next roster call listing {@code held} stops until the test lets it go on. */
    static final class GatedBroker implements Broker {
        final Broker inner = Broker.memory(100);
        final String held;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch proceed = new CountDownLatch(1);
        volatile boolean armed;

        GatedBroker(String held) {
            this.held = held;
        }

        @Override
        public List<Presence> roster(String topic, String node, Collection<String> mine, Duration ttl)
                throws IOException {
            if (armed && mine.contains(held)) {
                armed = false;
                entered.countDown();
                try {
                    proceed.await(WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return inner.roster(topic, node, mine, ttl);
        }

        @Override
        public List<Position> append(String topic, List<Draft> drafts, Attempt attempt) throws IOException {
            return inner.append(topic, drafts, attempt);
        }

        @Override
        public Head head(String topic) throws IOException {
            return inner.head(topic);
        }

        @Override
        public List<TopicMessage> read(String topic, long afterOffset, int max) throws IOException {
            return inner.read(topic, afterOffset, max);
        }

        @Override
        public Follower follow(String topic, Sink sink) {
            return inner.follow(topic, sink);
        }

        @Override
        public boolean claim(String topic, String name, String node, Duration ttl) throws IOException {
            return inner.claim(topic, name, node, ttl);
        }

        @Override
        public void release(String topic, String name, String node) throws IOException {
            inner.release(topic, name, node);
        }

        @Override
        public void ping() throws IOException {
            inner.ping();
        }

        @Override
        public String describe() {
            return "gated " + inner.describe();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void aRefreshUnderWayWhenAMemberLeavesDoesNotListItAgain() throws Exception {
        var broker = new GatedBroker("bo");
        Server server = Server.create(ServerOptions.builder().port(0).build());
        // A long TTL: the entry would outlive the test, so only the release can remove it.
        Topics topics = Topics.start(server, TopicsOptions.builder().broker(broker)
                .presenceTtl(Duration.ofMinutes(5)).build());
        var opened = new CompletableFuture<WebSocket>();
        server.endpoint("/t", new Handler() {
            @Override
            public void onOpen(WebSocket ws) {
                try {
                    topics.join(ws, "room", JoinOptions.DEFAULT.withPresence("bo"));
                    opened.complete(ws);
                } catch (IOException e) {
                    opened.completeExceptionally(e);
                }
            }
        });
        server.start();
        try (Client client = Client.create(ClientOptions.DEFAULT)) {
            client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/t"), new Handler() { })
                    .get(WAIT_SECONDS, TimeUnit.SECONDS);
            WebSocket bo = opened.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(topics.presence("room")).extracting(Presence::name).containsExactly("bo");

            broker.armed = true;
            Thread refresh = Thread.ofPlatform().start(() -> {
                try {
                    topics.presence("room"); // reads bo as this node's, then waits inside the broker call
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(broker.entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            Thread leave = Thread.ofPlatform().start(() -> topics.leave(bo, "room"));
            // The leave either waits for the refresh (as it must) or, racing it, has already released the name.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (leave.isAlive() && leave.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            broker.proceed.countDown();
            refresh.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            leave.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertThat(refresh.isAlive() || leave.isAlive()).isFalse();

            assertThat(broker.inner.roster("room", "another-node", List.of(), Duration.ofMinutes(5)))
                    .extracting(Presence::name).doesNotContain("bo");
        } finally {
            topics.close();
            server.stop();
        }
    }
}
