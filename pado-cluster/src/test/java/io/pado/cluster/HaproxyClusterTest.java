package io.pado.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The deployment of docs/CLUSTER.md: three nodes on one nats-server behind HAProxy with the committed config
 * {@code pado-cluster/haproxy/three-nodes.cfg}. A client's node is stopped mid-traffic; it reconnects through the
 * same address, lands on another node, resumes with its position and misses nothing.
 */
class HaproxyClusterTest {
    static final Path CONFIG = Path.of("haproxy/three-nodes.cfg"); // surefire runs in the module's directory
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
    void aClientWhoseNodeStopsResumesThroughTheProxyOnAnotherNode() throws Exception {
        Tools.require("haproxy");
        assertThat(CONFIG).exists();
        var nats = BrokerProcess.nats();
        closing.add(nats);
        var nodes = new ArrayList<TestNode>();
        Path log = Tools.dir("haproxy").resolve("haproxy.log");
        var builder = new ProcessBuilder("haproxy", "-db", "-f", CONFIG.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        for (int i = 1; i <= 3; i++) {
            var node = TestNode.start(nats.uri());
            closing.add(node);
            nodes.add(node);
            builder.environment().put("PADO_NODE" + i, "127.0.0.1:" + node.server.port());
        }
        int lb = Tools.freePort();
        builder.environment().put("PADO_LB", "127.0.0.1:" + lb);
        Process haproxy = builder.start();
        closing.add(() -> {
            haproxy.destroyForcibly();
            haproxy.waitFor(10, TimeUnit.SECONDS);
        });
        ExampleSupport.awaitListening(lb);
        URI through = URI.create("ws://127.0.0.1:" + lb + "/t");

        var watcher = new Recorder(through);
        closing.add(watcher);
        watcher.join("join t");
        var roaming = new Recorder(through);
        roaming.join("join t");
        roaming.send("who");
        String name = roaming.until(t -> t.startsWith("node ")).substring(5);
        TestNode roamingNode = nodes.stream().filter(n -> n.topics.node().equals(name)).findFirst().orElseThrow();
        var publisher = new Recorder(through);
        closing.add(publisher);
        var acked = new ArrayList<>(TopicsContract.publish(publisher, "t", "m", 20));
        roaming.awaitMessages(20);
        Recorder.Got last = roaming.messages().getLast();

        roamingNode.close(); // its WebSockets get 1001; HAProxy takes it out of the rotation
        nodes.remove(roamingNode);
        acked.addAll(TopicsContract.publish(publisher, "t", "n", 20));

        var again = new Recorder(through); // the same address: a live node
        closing.add(again);
        again.join("resume t " + last.epoch() + " " + last.offset());
        acked.addAll(TopicsContract.publish(publisher, "t", "o", 10));
        again.awaitMessages(30);
        var all = new ArrayList<>(roaming.messages());
        all.addAll(again.messages());
        Counts.check("roaming", all, "t", acked);
        watcher.awaitMessages(50);
        Counts.check("watcher", watcher.messages(), "t", acked);
        Counts.sameOrder(watcher.messages(), all);
        assertThat(Files.readString(log)).doesNotContain("[ALERT]");
    }
}
