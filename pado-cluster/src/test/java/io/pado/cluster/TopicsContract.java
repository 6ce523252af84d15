package io.pado.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What topics do on any broker: run by {@link MemoryTopicsTest} (one node), {@link NatsTopicsTest} and
 * {@link RedisTopicsTest} (two nodes on one real broker each).
 */
abstract class TopicsContract {
    final List<AutoCloseable> closing = new ArrayList<>();

    /** The broker's address for a node. */
    abstract URI broker() throws Exception;

    /** A second node on the same broker; the memory broker, which is one node, answers the first again. */
    abstract TestNode second(TestNode first) throws Exception;

    TestNode node(java.util.function.UnaryOperator<TopicsOptions.Builder> options,
            java.util.function.UnaryOperator<io.pado.ServerOptions.Builder> server) throws Exception {
        var node = TestNode.start(broker(), options, server);
        closing.add(node);
        return node;
    }

    TestNode node() throws Exception {
        return node(b -> b, s -> s);
    }

    Recorder member(TestNode node) {
        var r = new Recorder(node.uri());
        closing.add(r);
        return r;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    /** Publishes n messages from the recorder's node, waiting for every ack; returns the acknowledged offsets. */
    static List<Long> publish(Recorder via, String topic, String prefix, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            via.send("pub " + topic + " r" + i + " " + prefix + i);
        }
        var acked = new ArrayList<Long>();
        while (acked.size() < n) {
            String ack = via.until(t -> t.startsWith("ack ") || t.startsWith("nack "));
            assertThat(ack).startsWith("ack ");
            acked.add(Long.parseLong(ack.split(" ")[3]));
        }
        return acked;
    }

    @Test
    void everyMemberOnEveryNodeGetsEveryMessageOnceInOneOrder() throws Exception {
        TestNode a = node();
        TestNode b = second(a);
        var members = List.of(member(a), member(a), member(b), member(b));
        for (Recorder m : members) {
            m.join("join news");
        }
        Recorder pa = member(a);
        Recorder pb = member(b);
        var acked = ConcurrentHashMap.<Long>newKeySet();
        Thread t1 = Thread.ofVirtual().start(() -> run(() -> acked.addAll(publish(pa, "news", "a", 100))));
        Thread t2 = Thread.ofVirtual().start(() -> run(() -> acked.addAll(publish(pb, "news", "b", 100))));
        t1.join();
        t2.join();
        assertThat(acked).hasSize(200);
        assertThat(acked).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(acked.stream().mapToLong(x -> x)
                .min().orElseThrow(), acked.stream().mapToLong(x -> x).min().orElseThrow() + 199).boxed().toList());
        for (Recorder m : members) {
            m.awaitMessages(200);
            Counts.check("member", m.messages(), "news", acked);
            Counts.sameOrder(members.getFirst().messages(), m.messages());
        }
        // A node's own publishes are stored in its call order.
        List<Recorder.Got> seen = members.getFirst().messages();
        assertThat(seen.stream().map(Recorder.Got::data).filter(d -> d.startsWith("a")).toList())
                .containsExactlyElementsOf(LongStream.range(0, 100).mapToObj(i -> "a" + i).toList());
    }

    @Test
    void anAcknowledgedMessageIsInTheHistory() throws Exception {
        TestNode a = node();
        Recorder p = member(a);
        long offset = publish(p, "kept", "m", 1).getFirst();
        List<TopicMessage> history = a.topics.history("kept", offset - 1, 10);
        assertThat(history).hasSize(1);
        assertThat(history.getFirst().data()).isEqualTo("m0");
        assertThat(history.getFirst().offset()).isEqualTo(offset);
    }

    @Test
    void aClientResumesOnAnotherNodeWithExactlyWhatItMissed() throws Exception {
        TestNode a = node();
        TestNode b = second(a);
        Recorder p = member(a);
        long lastSeen;
        String epoch;
        try (var first = new Recorder(a.uri())) {
            first.join("join room");
            publish(p, "room", "m", 5);
            List<Recorder.Got> got = first.awaitMessages(5);
            lastSeen = got.getLast().offset();
            epoch = got.getLast().epoch();
        }
        List<Long> missed = publish(p, "room", "x", 7);
        Recorder back = member(b);
        back.join("resume room " + epoch + " " + lastSeen);
        List<Long> after = publish(p, "room", "y", 3);
        List<Recorder.Got> got = back.awaitMessages(10);
        assertThat(Counts.offsets(got, "room")).containsExactlyElementsOf(LongStream.rangeClosed(lastSeen + 1,
                lastSeen + 10).boxed().toList());
        assertThat(got.subList(0, 7)).extracting(Recorder.Got::data)
                .containsExactly("x0", "x1", "x2", "x3", "x4", "x5", "x6");
        Counts.check("back", got, "room", missed);
        Counts.check("back", got, "room", after);
        assertThat(back.gaps()).isEmpty();
    }

    @Test
    void aResumeFromAnotherEpochGetsAGapNotASilentHole() throws Exception {
        TestNode a = node();
        Recorder p = member(a);
        publish(p, "old", "m", 2);
        Recorder back = member(a);
        back.join("resume old lost-epoch 1");
        Tools.await("a gap notice", () -> !back.gaps().isEmpty()); // it may come before the join's answer
        assertThat(back.gaps()).singleElement().asString().contains("\"gap\":\"HISTORY_LOST\"");
        publish(p, "old", "n", 1);
        assertThat(back.awaitMessages(1).getFirst().data()).isEqualTo("n0");
    }

    @Test
    void presenceIsSharedAndANameIsHeldOnce() throws Exception {
        TestNode a = node();
        TestNode b = second(a);
        Recorder ana = member(a);
        ana.join("join lobby ana");
        Recorder bo = member(b);
        bo.join("join lobby bo");
        Tools.await("both present on both nodes", () -> names(a, "lobby").equals(Set.of("ana", "bo"))
                && names(b, "lobby").equals(Set.of("ana", "bo")));
        Recorder impostor = member(b);
        impostor.send("join lobby ana");
        assertThat(impostor.until(t -> t.startsWith("taken ") || t.startsWith("joined "))).isEqualTo("taken ana");
        bo.send("leave lobby");
        Tools.await("bo gone everywhere", () -> names(a, "lobby").equals(Set.of("ana")));
        impostor.join("join lobby bo");
    }

    static Set<String> names(TestNode node, String topic) {
        try {
            var out = new java.util.TreeSet<String>();
            node.topics.presence(topic).forEach(p -> out.add(p.name()));
            return out;
        } catch (java.io.IOException e) {
            return Set.of();
        }
    }

    @Test
    void aSlowMemberDoesNotHoldUpTheOthersAndEndsWithEverything() throws Exception {
        // Small water marks: a member that stops reading is behind after a few messages.
        TestNode a = node(b -> b.historyPerTopic(5000), s -> s.connection(c -> c.waterMarks(8 << 10, 32 << 10)));
        Recorder fast = member(a);
        fast.join("join ticks");
        Recorder slow = Recorder.paused(a.uri());
        closing.add(slow);
        slow.join("join ticks"); // its answer got through: only topic messages wait
        Recorder p = member(a);
        // The fast member gets all 1,500 while the slow one reads nothing.
        List<Long> acked = flood(p, fast, 30);
        Counts.check("fast", fast.messages(), "ticks", acked);
        assertThat(slow.messages()).isEmpty();
        slow.resume();
        slow.awaitMessages(acked.size());
        Counts.check("slow", slow.messages(), "ticks", acked);
        assertThat(slow.gaps()).isEmpty();
    }

    @Test
    void aSlowMemberBehindTheWholeHistoryGetsAGapThenEverythingAfterIt() throws Exception {
        // The topic keeps 100 messages (Redis's MAXLEN ~ a few more); the slow member falls far further behind.
        TestNode a = node(b -> b.historyPerTopic(100), s -> s.connection(c -> c.waterMarks(8 << 10, 32 << 10)));
        Recorder fast = member(a);
        fast.join("join ticks");
        Recorder slow = Recorder.paused(a.uri());
        closing.add(slow);
        slow.join("join ticks");
        Recorder p = member(a);
        List<Long> acked = flood(p, fast, 30);
        Counts.check("fast", fast.messages(), "ticks", acked);
        slow.resume();
        long last = acked.stream().mapToLong(x -> x).max().orElseThrow();
        Tools.await("the slow member reached the end", () -> !slow.messages().isEmpty()
                && slow.messages().getLast().offset() == last);
        List<Long> got = Counts.offsets(slow.messages(), "ticks");
        Counts.check("slow", slow.messages(), "ticks", List.of());
        // Every hole in what it got is reported, by a notice saying where delivery went on; then everything to
        // the end. (While it reads nothing it may be trimmed past more than once: a notice for each time.)
        var resumedAt = new ArrayList<Long>();
        for (String gap : slow.gaps()) {
            assertThat(gap).contains("\"gap\":\"TRIMMED\"");
            resumedAt.add(Long.parseLong(gap.substring(gap.indexOf("\"offset\":") + 9, gap.length() - 1)));
        }
        assertThat(resumedAt).as("its gap is reported").isNotEmpty();
        var holesAfter = new ArrayList<Long>();
        for (int i = 1; i < got.size(); i++) {
            if (got.get(i) != got.get(i - 1) + 1) {
                holesAfter.add(got.get(i) - 1);
            }
        }
        if (!got.isEmpty() && got.getFirst() != 1) {
            holesAfter.addFirst(got.getFirst() - 1);
        }
        assertThat(holesAfter).as("each hole has its notice: %s", got).isEqualTo(resumedAt);
    }

    /**
     * Publishes {@code rounds} × 50 messages of 8 KB (12 MB for 30 rounds: more than the kernel buffers on loopback
     * hold, so a member that reads nothing falls behind), each round once the fast member has the previous one.
     */
    static List<Long> flood(Recorder via, Recorder fast, int rounds) throws InterruptedException {
        String payload = "x".repeat(8 << 10);
        var acked = new ArrayList<Long>();
        for (int round = 0; round < rounds; round++) {
            acked.addAll(publish(via, "ticks", payload + round + "-", 50));
            fast.awaitMessages(acked.size());
        }
        return acked;
    }

    interface Body {
        void run() throws Exception;
    }

    static void run(Body body) {
        try {
            body.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
