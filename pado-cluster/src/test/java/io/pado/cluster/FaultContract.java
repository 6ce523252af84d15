package io.pado.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Faults with real servers, run by {@link NatsFaultTest} and {@link RedisFaultTest}: the broker killed (SIGKILL) and
 * restarted mid-traffic, a node killed mid-traffic, a client that reconnects to another node mid-traffic. Each
 * ends with the three counts: nothing acknowledged lost, nothing delivered twice to one member, one order per topic
 * on every node. Every loop is bounded in count and time; every process is killed at the end.
 */
abstract class FaultContract {
    final List<AutoCloseable> closing = new ArrayList<>();
    BrokerProcess broker;

    abstract BrokerProcess startBroker() throws Exception;

    TestNode node() throws Exception {
        var node = TestNode.start(broker.uri());
        closing.add(node);
        return node;
    }

    Recorder member(TestNode node) {
        var r = new Recorder(node.uri());
        closing.add(r);
        return r;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** Sends {@code n} publishes from the recorder's node, one every ~2 ms, without waiting for acks. */
    static Thread publisher(Recorder via, String topic, String prefix, int n, AtomicInteger sent) {
        return Thread.ofVirtual().start(() -> {
            for (int i = 0; i < n; i++) {
                via.ws.sendText("pub " + topic + " " + prefix + i + " " + prefix + i);
                sent.incrementAndGet();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // pacing the load, not synchronisation
            }
        });
    }

    /** The acks that arrived at the recorder so far: ref → offset; asserts no two refs share an offset. */
    static Set<Long> acks(Recorder r, int expected) throws InterruptedException {
        Tools.await(expected + " acks", () -> r.texts.stream().filter(t -> t.startsWith("ack ")).count() >= expected);
        var offsets = new HashSet<Long>();
        for (String t : r.texts) {
            if (t.startsWith("ack ")) {
                assertThat(offsets.add(Long.parseLong(t.split(" ")[3]))).as("two messages numbered %s", t).isTrue();
            }
        }
        return offsets;
    }

    static void awaitAll(Recorder r, Set<Long> acked) throws InterruptedException {
        try {
            Tools.await("a member got every acknowledged message", () -> Counts.offsets(r.messages(), "t")
                    .containsAll(acked));
        } catch (AssertionError e) {
            var missing = new java.util.TreeSet<>(acked);
            missing.removeAll(Counts.offsets(r.messages(), "t"));
            throw new AssertionError(e.getMessage() + "; missing " + missing.size() + " of " + acked.size() + ": "
                    + missing.stream().limit(20).toList() + "; got " + r.messages().size() + ", last "
                    + (r.messages().isEmpty() ? "-" : r.messages().getLast()) + ", gaps " + r.gaps());
        }
    }

    @Test
    void theBrokerKilledAndRestartedMidTrafficLosesNothingAcknowledged() throws Exception {
        broker = startBroker();
        TestNode a = node();
        TestNode b = node();
        var members = List.of(member(a), member(a), member(b), member(b));
        for (Recorder m : members) {
            m.join("join t");
        }
        Recorder pa = member(a);
        Recorder pb = member(b);
        var sent = new AtomicInteger();
        Thread ta = publisher(pa, "t", "a", 300, sent);
        Thread tb = publisher(pb, "t", "b", 300, sent);
        Tools.await("traffic flows", () -> members.getFirst().messages().size() >= 100);
        broker.kill();
        Tools.await("both nodes see the broker down", () -> !a.topics.isBrokerUp() && !b.topics.isBrokerUp());
        Tools.await("more publishes sent while it is down", () -> sent.get() >= 400);
        broker.restart();
        ta.join(Tools.TIMEOUT);
        tb.join(Tools.TIMEOUT);
        var acked = new HashSet<Long>(acks(pa, 300));
        var ackedB = acks(pb, 300);
        int both = acked.size() + ackedB.size();
        acked.addAll(ackedB);
        assertThat(acked).as("no offset given twice").hasSize(both);
        for (Recorder m : members) {
            awaitAll(m, acked);
            Counts.check("member", m.messages(), "t", acked);
            Counts.sameOrder(members.getFirst().messages(), m.messages());
            assertThat(m.messages().stream().map(Recorder.Got::data).distinct().count())
                    .as("each message stored once").isEqualTo(m.messages().size());
            assertThat(m.gaps()).isEmpty();
        }
    }

    @Test
    void aNodeKilledMidTrafficLosesNothingItAcknowledged() throws Exception {
        broker = startBroker();
        TestNode b = node();
        var members = List.of(member(b), member(b));
        for (Recorder m : members) {
            m.join("join t");
        }
        var child = ChildPublisher.start(broker.uri(), "t", 2000);
        closing.add(child);
        Tools.await("the child acked 200", () -> child.acked.size() >= 200);
        child.kill();
        var acked = Set.copyOf(child.acked);
        for (Recorder m : members) {
            awaitAll(m, acked);
            Counts.check("member", m.messages(), "t", acked);
            Counts.sameOrder(members.getFirst().messages(), m.messages());
        }
        // The history has every acknowledged message, for whoever joins later.
        var kept = new HashSet<Long>();
        long after = 0;
        for (List<TopicMessage> page; !(page = b.topics.history("t", after, 500)).isEmpty(); ) {
            page.forEach(m -> kept.add(m.offset()));
            after = page.getLast().offset();
        }
        assertThat(kept).containsAll(acked);
    }

    @Test
    void aClientThatReconnectsToAnotherNodeMidTrafficMissesNothing() throws Exception {
        broker = startBroker();
        TestNode a = node();
        TestNode b = node();
        Recorder watcher = member(a);
        watcher.join("join t");
        Recorder p = member(b);
        var sent = new AtomicInteger();
        Thread t = publisher(p, "t", "m", 400, sent);
        var roaming = new Recorder(a.uri());
        roaming.join("join t");
        Tools.await("it got some", () -> roaming.messages().size() >= 50);
        roaming.close(); // the connection drops mid-traffic
        List<Recorder.Got> before = roaming.messages();
        Recorder.Got last = before.getLast();
        Recorder again = member(b);
        again.join("resume t " + last.epoch() + " " + last.offset());
        t.join(Tools.TIMEOUT);
        Set<Long> acked = acks(p, 400);
        awaitAll(watcher, acked);
        var all = new ArrayList<>(before);
        Tools.await("the roaming client got everything after its last", () -> Counts.offsets(again.messages(), "t")
                .containsAll(acked.stream().filter(o -> o > last.offset()).toList()));
        all.addAll(again.messages());
        // It joined after the publisher started ("new messages from now on"): owed everything from its first one.
        long first = before.getFirst().offset();
        Counts.check("roaming", all, "t", acked.stream().filter(o -> o >= first).toList());
        Counts.check("watcher", watcher.messages(), "t", acked);
        Counts.sameOrder(watcher.messages(), all);
    }
}
