package io.pado.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Topics on a Redis Cluster of three masters ({@link RedisCluster}): every script is passed every key it touches,
 * a topic's keys share one slot, and moving that slot to another master during traffic loses nothing acknowledged,
 * delivers nothing twice and keeps one order.
 */
class RedisClusterTest {
    final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (AutoCloseable c : closing.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    void aTopicsSlotMovedToAnotherMasterDuringTrafficLosesNothing() throws Exception {
        var cluster = RedisCluster.start();
        closing.add(cluster);
        var a = TestNode.start(cluster.uri());
        closing.add(a);
        var b = TestNode.start(cluster.uri());
        closing.add(b);
        assertThat(a.topics.toString()).isNotNull();
        var members = new ArrayList<Recorder>();
        for (TestNode n : List.of(a, b, a, b)) {
            var r = new Recorder(n.uri());
            closing.add(r);
            r.join("join t ana" + members.size());
            members.add(r);
        }
        Tools.await("presence across the cluster", () -> TopicsContract.names(a, "t").size() == 4);

        var pa = new Recorder(a.uri());
        closing.add(pa);
        var pb = new Recorder(b.uri());
        closing.add(pb);
        var sent = new AtomicInteger();
        Thread ta = FaultContract.publisher(pa, "t", "a", 400, sent);
        Thread tb = FaultContract.publisher(pb, "t", "b", 400, sent);
        Tools.await("traffic flows", () -> members.getFirst().messages().size() >= 100);

        int slot = cluster.slot("pado:{t}:log");
        BrokerProcess before = cluster.owner(slot);
        BrokerProcess target = cluster.masters.stream().filter(m -> m != before).findFirst().orElseThrow();
        cluster.moveSlot(slot, target);
        assertThat(cluster.owner(slot)).isSameAs(target);
        int sentAtMove = sent.get();

        ta.join(Tools.TIMEOUT);
        tb.join(Tools.TIMEOUT);
        assertThat(sentAtMove).as("the move happened mid-traffic").isLessThan(800);
        var acked = new HashSet<Long>(FaultContract.acks(pa, 400));
        var ackedB = FaultContract.acks(pb, 400);
        int both = acked.size() + ackedB.size();
        acked.addAll(ackedB);
        assertThat(acked).as("no offset given twice").hasSize(both);
        for (Recorder m : members) {
            FaultContract.awaitAll(m, acked);
            Counts.check("member", m.messages(), "t", acked);
            Counts.sameOrder(members.getFirst().messages(), m.messages());
            assertThat(m.gaps()).isEmpty();
        }
        // Presence still works on the slot's new master.
        members.getLast().send("leave t");
        Tools.await("the leave is seen on the other node", () -> TopicsContract.names(a, "t").size() == 3);
    }
}
