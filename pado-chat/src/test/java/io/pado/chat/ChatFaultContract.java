package io.pado.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Faults with several chat nodes on a real broker, {@link ChatFaultRedisTest} and {@link ChatFaultNatsTest}: the
 * broker killed and restarted under them, a node killed mid-traffic.
 */
abstract class ChatFaultContract {
    BrokerServer redis;

    abstract BrokerServer.Kind kind();
    final List<ChatServer> nodes = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        nodes.forEach(ChatServer::stop);
        if (redis != null) {
            redis.close();
        }
    }

    ChatServer node(Duration presenceTtl) throws Exception {
        var node = ChatServer.start(ChatOptions.builder().port(0).rate(100_000, 100_000, 100_000)
                .historySize(1000).broker(redis.uri).presenceTtl(presenceTtl).build());
        nodes.add(node);
        return node;
    }

    @Test
    void whileTheBrokerIsDownNodesServeLocallyAndCatchUpWhenItReturns() throws Exception {
        redis = BrokerServer.start(kind());
        var a = node(Duration.ofSeconds(10));
        var b = node(Duration.ofSeconds(10));
        try (var ana = ChatNodesContract.joined(a, "tea", "ana"); var bo = ChatNodesContract.joined(b, "tea", "bo");
                var cy = ChatNodesContract.joined(a, "tea", "cy")) {
            var log = new Log();
            ana.send(ChatProtocolTest.say("before"));
            log.until(bo, n -> n.path("seq").asLong() == 1);

            redis.kill(); // SIGKILL
            for (TestClient c : List.of(ana, bo, cy)) {
                log.until(c, n -> n.path("state").asText().equals("degraded"));
            }
            ana.send("{\"type\":\"message\",\"text\":\"during-a\",\"ref\":\"a1\"}");
            JsonNode pendingAck = log.until(ana, n -> type(n, "ack"));
            assertThat(pendingAck.get("pending").asBoolean()).isTrue();
            assertThat(pendingAck.has("seq")).isFalse();
            String id = pendingAck.get("id").asText();
            JsonNode shownOnA = log.until(cy, n -> type(n, "message") && n.path("pending").asBoolean());
            assertThat(shownOnA.get("text").asText()).isEqualTo("during-a"); // local members still hear each other
            assertThat(shownOnA.get("id").asText()).isEqualTo(id);
            bo.send(ChatProtocolTest.say("during-b"));
            assertThat(log.until(bo, n -> type(n, "ack")).get("pending").asBoolean()).isTrue();

            redis.restart();
            for (TestClient c : List.of(ana, bo, cy)) {
                log.until(c, n -> n.path("state").asText().equals("ok"));
            }
            ana.send(ChatProtocolTest.say("after"));
            for (TestClient c : List.of(ana, bo, cy)) {
                log.until(c, n -> n.path("text").asText().equals("after") && n.has("seq"));
            }

            // The queued message was acked again, numbered, once Redis took it.
            JsonNode ack = log.of(ana).stream().filter(n -> type(n, "ack") && n.has("seq")
                    && n.path("ref").asText().equals("a1")).findFirst().orElseThrow();
            assertThat(ack.get("id").asText()).isEqualTo(id);
            assertThat(ack.get("ref").asText()).isEqualTo("a1");
            // Nothing reported as sent is lost; every node ends with one order: before, both queued ones, after.
            Map<Long, String> seenByBo = log.numbered(bo);
            assertThat(log.numbered(cy)).isEqualTo(seenByBo);
            assertThat(seenByBo.keySet()).containsExactly(1L, 2L, 3L, 4L);
            assertThat(seenByBo.get(1L)).isEqualTo("before");
            assertThat(Set.of(seenByBo.get(2L), seenByBo.get(3L))).containsExactlyInAnyOrder("during-a", "during-b");
            assertThat(seenByBo.get(4L)).isEqualTo("after");
            assertThat(seenByBo.get(ack.get("seq").asLong())).isEqualTo("during-a");
            // bo's node never showed ana's message before Redis took it.
            assertThat(log.of(bo))
                    .noneMatch(n -> n.path("pending").asBoolean() && n.path("nick").asText().equals("ana"));
        }
    }

    /** The member list of a presence notice, or an empty set for any other text. */
    static Set<String> membersOf(String text) {
        try {
            JsonNode n = Wire.JSON.readTree(text);
            var members = new HashSet<String>();
            if (type(n, "presence")) {
                n.get("members").forEach(m -> members.add(m.asText()));
            }
            return members;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static boolean type(JsonNode n, String type) {
        return n.path("type").asText().equals(type);
    }

    /** Everything each client received, kept (nothing skipped), read with a deadline. */
    static final class Log {
        private final Map<TestClient, List<JsonNode>> received = new java.util.HashMap<>();

        List<JsonNode> of(TestClient c) {
            return received.computeIfAbsent(c, k -> new ArrayList<>());
        }

        JsonNode until(TestClient c, java.util.function.Predicate<JsonNode> wanted) {
            while (true) {
                JsonNode n = c.nextJson();
                of(c).add(n);
                if (wanted.test(n)) {
                    return n;
                }
            }
        }

        Map<Long, String> numbered(TestClient c) {
            var out = new TreeMap<Long, String>();
            of(c).stream().filter(n -> type(n, "message") && n.has("seq"))
                    .forEach(n -> out.put(n.get("seq").asLong(), n.get("text").asText()));
            return out;
        }
    }

    @Test
    void aNodeKilledMidTrafficLosesNothingItAckedAndItsMembersVanish() throws Exception {
        redis = BrokerServer.start(kind());
        Duration ttl = Duration.ofMillis(1500);
        var b = node(ttl);
        var senders = new ArrayList<TestClient>();
        try (var child = ChildNode.start(redis.uri, ttl, 1000); var watcher = ChatNodesContract.joined(b, "tea", "w")) {
            for (int i = 1; i <= 3; i++) {
                var s = TestClient.superchat(child.port);
                senders.add(s);
                s.send(ChatProtocolTest.join("tea", "s" + i));
                s.untilType("joined");
            }
            // Presence across nodes: the watcher on b sees the three members of the other JVM.
            // In any order: with this short TTL a loaded machine can let an entry lapse; its member then comes last.
            watcher.until(t -> membersOf(t).equals(Set.of("w", "s1", "s2", "s3")));

            // Each sender fires up to 200 messages without waiting; the node dies while they are in flight.
            var threads = new ArrayList<Thread>();
            for (TestClient s : senders) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < 200; i++) {
                            s.ws.sendText(ChatProtocolTest.say("x" + i));
                        }
                    } catch (RuntimeException e) {
                        // the connection died under the sender: expected here
                    }
                }));
            }
            Map<Long, String> seen = new ConcurrentHashMap<>(numbered(watcher, 30));
            // Kill it once acks are reaching the senders (they travel apart from the messages).
            var received = new ArrayList<String>();
            long deadline = System.nanoTime() + TestClient.TIMEOUT.toNanos();
            while (received.stream().filter(t -> t.contains("\"type\":\"ack\"")).count() < 5
                    && System.nanoTime() < deadline) {
                for (TestClient s : senders) {
                    String text = s.texts.poll(10, java.util.concurrent.TimeUnit.MILLISECONDS);
                    if (text != null) {
                        received.add(text);
                    }
                }
            }
            child.kill();
            long killedNanos = System.nanoTime();
            for (Thread t : threads) {
                t.join(TestClient.TIMEOUT);
            }

            // What the dead node acked, it had put in the broker: every node sees it, in history too.
            var acked = new HashSet<Long>();
            for (TestClient s : senders) {
                received.addAll(s.drained());
            }
            for (String text : received) {
                JsonNode n = Wire.JSON.readTree(text);
                if (n.get("type").asText().equals("ack")) {
                    assertThat(n.has("pending")).isFalse();
                    acked.add(n.get("seq").asLong());
                }
            }
            assertThat(acked).hasSizeGreaterThanOrEqualTo(1);
            // The members left (presence expiry); by then every published message has reached the watcher.
            var gone = new HashSet<String>();
            while (gone.size() < 3) {
                JsonNode n = Wire.JSON.readTree(watcher.next());
                switch (n.get("type").asText()) {
                    case "message" -> seen.put(n.get("seq").asLong(), n.get("text").asText());
                    case "presence" -> {
                        if (n.has("left")) {
                            gone.add(n.get("left").asText());
                        }
                    }
                    default -> { }
                }
            }
            long vanishedMillis = Duration.ofNanos(System.nanoTime() - killedNanos).toMillis();
            assertThat(gone).containsExactlyInAnyOrder("s1", "s2", "s3");
            assertThat(vanishedMillis).as("members gone %d ms after the kill", vanishedMillis)
                    .isLessThan(ttl.toMillis() * 3);
            assertThat(seen.keySet()).containsAll(acked);
            assertThat(new TreeMap<>(seen).keySet()).containsExactlyElementsOf(
                    LongStream.rangeClosed(1, seen.size()).boxed().toList());

            try (var late = TestClient.superchat(b)) {
                late.send(ChatProtocolTest.join("tea", "late"));
                JsonNode joined = late.untilType("joined");
                var history = new HashSet<Long>();
                joined.get("history").forEach(m -> history.add(m.get("seq").asLong()));
                assertThat(history).containsAll(acked);
                assertThat(joined.get("members")).extracting(JsonNode::asText).containsExactlyInAnyOrder("w", "late");
            }
        } finally {
            senders.forEach(TestClient::close);
        }
    }

    /** The next n numbered messages (pending ones skipped), by seq. */
    static java.util.SortedMap<Long, String> numbered(TestClient c, int n) {
        var out = new TreeMap<Long, String>();
        while (out.size() < n) {
            JsonNode m = c.untilType("message");
            if (!m.path("pending").asBoolean()) {
                out.put(m.get("seq").asLong(), m.get("text").asText());
            }
        }
        return out;
    }
}
