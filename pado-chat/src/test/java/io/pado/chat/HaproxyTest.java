package io.pado.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three chat nodes behind HAProxy (Debian's {@code haproxy}, which scripts/test installs) with the committed config
 * {@code pado-chat/haproxy/pado-chat.cfg}: round-robin, no stickiness.
 */
class HaproxyTest {
    /** The broker the nodes share: Redis here, NATS in {@link HaproxyNatsTest}. */
    BrokerServer.Kind kind() {
        return BrokerServer.Kind.REDIS;
    }

    static final Path CONFIG = Path.of("haproxy/pado-chat.cfg"); // surefire runs in the module's directory
    BrokerServer redis;
    final List<ChatServer> nodes = new ArrayList<>();
    Process haproxy;
    Path haproxyLog;
    int lbPort;

    @BeforeEach
    void start() throws Exception {
        Path binary = RequiredTool.check("haproxy", "haproxy");
        assertThat(CONFIG).exists();
        redis = BrokerServer.start(kind());
        haproxyLog = Files.createTempFile("haproxy", ".log");
        var builder = new ProcessBuilder(binary.toString(), "-db", "-f", CONFIG.toString()).redirectErrorStream(true)
                .redirectOutput(haproxyLog.toFile());
        for (int i = 1; i <= 3; i++) {
            var node = ChatServer.start(ChatOptions.builder().port(0).rate(1000, 1000, 1000)
                    .broker(redis.uri).build());
            nodes.add(node);
            builder.environment().put("PADO_NODE" + i, "127.0.0.1:" + node.port());
        }
        try (var probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            lbPort = probe.getLocalPort();
        }
        builder.environment().put("PADO_LB", "127.0.0.1:" + lbPort);
        haproxy = builder.start();
        awaitListening(lbPort);
    }

    @AfterEach
    void stop() throws Exception {
        if (haproxy != null) {
            haproxy.destroyForcibly();
            haproxy.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(haproxyLog);
        }
        nodes.forEach(ChatServer::stop);
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void clientsSpreadOverNodesAndOneWhoseNodeStopsResumesOnAnotherThroughTheProxy() throws Exception {
        try (var ana = TestClient.superchat(lbPort)) {
            ana.send(ChatProtocolTest.join("tea", "ana"));
            ana.untilType("joined");
            long lastSeen;
            ChatServer bosNode;
            try (var bo = TestClient.superchat(lbPort)) {
                bo.send(ChatProtocolTest.join("tea", "bo"));
                assertThat(bo.untilType("joined").get("members")).extracting(JsonNode::asText)
                        .containsExactlyInAnyOrder("ana", "bo");
                bosNode = holding("bo");
                assertThat(holding("ana")).as("round-robin puts them on different nodes").isNotSameAs(bosNode);

                for (int i = 1; i <= 3; i++) {
                    ana.send(ChatProtocolTest.say("m" + i));
                }
                lastSeen = ChatFaultContract.numbered(bo, 3).lastKey();
                assertThat(lastSeen).isEqualTo(3);

                bosNode.stop();
                assertThat(bo.awaitClose().code()).isEqualTo(1001);
            }
            nodes.remove(bosNode);
            ana.until(t -> t.contains("\"left\":\"bo\""));
            for (int i = 4; i <= 6; i++) {
                ana.send(ChatProtocolTest.say("m" + i));
            }
            assertThat(ChatFaultContract.numbered(ana, 3).lastKey()).isEqualTo(6);

            // Reconnecting through the same address lands on a live node, which replays what bo missed.
            try (var bo = TestClient.superchat(lbPort)) {
                bo.send("{\"type\":\"join\",\"room\":\"tea\",\"nick\":\"bo\",\"since\":" + lastSeen + "}");
                JsonNode joined = bo.untilType("joined");
                assertThat(joined.get("history")).extracting(m -> m.get("seq").asLong() + " " + m.get("text").asText())
                        .containsExactly("4 m4", "5 m5", "6 m6");
                assertThat(nodes).contains(holding("bo"));
                bo.send(ChatProtocolTest.say("back"));
                assertThat(ana.until(t -> t.contains("\"text\":\"back\""))).contains("\"seq\":7");
            }
        }
    }

    /** The node on which that nickname is a local member of #tea. */
    ChatServer holding(String nick) {
        return nodes.stream().filter(n -> n.roomRegistry().find("tea").map(r -> r.localMembers().contains(nick))
                .orElse(false)).findFirst().orElseThrow(() -> new AssertionError(nick + " is on no node"));
    }

    /** Waits (with a deadline) until HAProxy accepts connections, or fails with its log. */
    void awaitListening(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TestClient.TIMEOUT.toNanos();
        while (true) {
            try (var s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                if (!haproxy.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("haproxy did not listen on " + port + ": "
                            + Files.readString(haproxyLog, StandardCharsets.UTF_8), e);
                }
                haproxy.waitFor(20, TimeUnit.MILLISECONDS); // returns early if haproxy exits
            }
        }
    }
}
