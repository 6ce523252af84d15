package io.pado.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two chat nodes sharing rooms through a real broker: {@link ChatNodesRedisTest} (redis-server) and
 * {@link ChatNodesNatsTest} (nats-server -js); scripts/test installs both.
 */
abstract class ChatNodesContract {
    BrokerServer redis;
    final List<ChatServer> nodes = new ArrayList<>();

    abstract BrokerServer.Kind kind();

    @BeforeEach
    void startBroker() throws Exception {
        redis = BrokerServer.start(kind());
    }

    @AfterEach
    void stopAll() throws Exception {
        nodes.forEach(ChatServer::stop);
        if (redis != null) {
            redis.close();
        }
    }

    ChatServer node() throws Exception {
        var node = ChatServer.start(ChatOptions.builder().port(0).rate(1000, 1000, 1000).historySize(10)
                .broker(redis.uri).build());
        nodes.add(node);
        return node;
    }

    static TestClient joined(ChatServer node, String room, String nick) {
        var c = TestClient.superchat(node);
        c.send(ChatProtocolTest.join(room, nick));
        assertThat(c.untilType("joined").get("nick").asText()).isEqualTo(nick);
        return c;
    }

    @Test
    void messagesSaidOnOneNodeReachTheOtherInOneOrder() throws Exception {
        var a = node();
        var b = node();
        try (var ana = joined(a, "tea", "ana"); var bo = joined(b, "tea", "bo")) {
            for (int i = 1; i <= 20; i++) {
                ana.send(ChatProtocolTest.say("m" + i));
            }
            for (int i = 1; i <= 20; i++) {
                JsonNode m = bo.untilType("message");
                assertThat(m.get("seq").asLong()).isEqualTo(i);
                assertThat(m.get("text").asText()).isEqualTo("m" + i);
                assertThat(m.get("nick").asText()).isEqualTo("ana");
                assertThat(ana.untilType("message").get("seq").asLong()).isEqualTo(i);
            }

            bo.send(ChatProtocolTest.say("back"));
            assertThat(ana.untilType("message").get("seq").asLong()).isEqualTo(21);
            assertThat(bo.untilType("message").get("text").asText()).isEqualTo("back");
        }
    }

    @Test
    void bothNodesSayingAtOnceSeeTheSameOrder() throws Exception {
        var a = node();
        var b = node();
        try (var ana = joined(a, "tea", "ana"); var bo = joined(b, "tea", "bo")) {
            for (int i = 1; i <= 10; i++) {
                ana.send(ChatProtocolTest.say("a" + i));
                bo.send(ChatProtocolTest.say("b" + i));
            }
            List<String> seenByAna = texts(ana, 20);
            List<String> seenByBo = texts(bo, 20);
            assertThat(seenByBo).isEqualTo(seenByAna);
            assertThat(seenByAna).filteredOn(t -> t.startsWith("a"))
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, 10).mapToObj(i -> "a" + i).toList());
        }
    }

    @Test
    void historyComesBackFromTheBrokerAfterEveryNodeRestarts() throws Exception {
        var a = node();
        var b = node();
        try (var ana = joined(a, "tea", "ana"); var bo = joined(b, "tea", "bo")) {
            for (int i = 1; i <= 12; i++) {
                ana.send(ChatProtocolTest.say("m" + i));
            }
            assertThat(texts(bo, 12)).endsWith("m12");
        }
        a.stop();
        b.stop();
        nodes.clear();

        var b2 = node();
        node();
        try (var cy = TestClient.superchat(b2)) {
            cy.send(ChatProtocolTest.join("tea", "cy"));
            JsonNode history = cy.untilType("joined").get("history");
            // The room keeps its last 10; Redis (MAXLEN ~) may keep more, the node replays only those.
            assertThat(history).extracting(m -> m.get("seq").asLong())
                    .containsExactlyElementsOf(IntStream.rangeClosed(3, 12).mapToObj(i -> (long) i).toList());
            assertThat(history.get(9).get("text").asText()).isEqualTo("m12");

            cy.send(ChatProtocolTest.say("after"));
            assertThat(cy.untilType("message").get("seq").asLong()).isEqualTo(13);
        }
    }

    @Test
    void presenceListsMembersOfEveryNodeAndNicknamesAreUniqueAcrossNodes() throws Exception {
        var a = node();
        var b = node();
        try (var ana = joined(a, "tea", "ana"); var bo = TestClient.superchat(b)) {
            bo.send(ChatProtocolTest.join("tea", "bo"));
            assertThat(bo.untilType("joined").get("members")).extracting(JsonNode::asText)
                    .containsExactlyInAnyOrder("ana", "bo");
            JsonNode joinedBo = ana.untilType("presence");
            assertThat(joinedBo.get("joined").asText()).isEqualTo("bo");
            assertThat(joinedBo.get("members")).extracting(JsonNode::asText).containsExactlyInAnyOrder("ana", "bo");

            try (var impostor = TestClient.superchat(b)) {
                impostor.send(ChatProtocolTest.join("tea", "ana"));
                assertThat(impostor.untilType("error").get("code").asText()).isEqualTo("nick-taken");
            }

            bo.send("{\"type\":\"leave\"}");
            JsonNode left = ana.untilType("presence");
            assertThat(left.get("left").asText()).isEqualTo("bo");
            assertThat(left.get("members")).extracting(JsonNode::asText).containsExactly("ana");
        }
    }

    @Test
    void aClientResumesOnAnotherNodeFromTheLastSeqItSaw() throws Exception {
        var a = node();
        var b = node();
        long lastSeen;
        try (var ana = joined(a, "tea", "ana")) {
            try (var bo = joined(b, "tea", "bo")) {
                for (int i = 1; i <= 3; i++) {
                    ana.send(ChatProtocolTest.say("m" + i));
                }
                texts(bo, 3);
                lastSeen = 3;
            }
            ana.until(t -> t.contains("\"left\":\"bo\"")); // the nickname is free again on every node
            for (int i = 4; i <= 6; i++) {
                ana.send(ChatProtocolTest.say("m" + i));
            }
            // Presence and messages travel apart: m1-m3 may still be on their way to ana when bo's leave arrives.
            var seen = new ArrayList<String>();
            while (!seen.contains("m6")) {
                seen.add(ana.untilType("message").get("text").asText());
            }
            assertThat(seen).endsWith("m4", "m5", "m6");

            try (var bo = TestClient.superchat(a)) { // back, on the other node
                bo.send("{\"type\":\"join\",\"room\":\"tea\",\"nick\":\"bo\",\"since\":" + lastSeen + "}");
                JsonNode joined = bo.untilType("joined");
                assertThat(joined.get("since").asLong()).isEqualTo(3);
                assertThat(joined.get("history")).extracting(m -> m.get("seq").asLong() + " " + m.get("text").asText())
                        .containsExactly("4 m4", "5 m5", "6 m6");
            }
        }
    }

    @Test
    void theSenderIsAckedWithTheSeqOnlyAfterTheBrokerTookTheMessage() throws Exception {
        var a = node();
        try (var ana = joined(a, "tea", "ana")) {
            ana.send("{\"type\":\"message\",\"text\":\"hi\",\"ref\":\"r1\"}");
            JsonNode ack = ana.untilType("ack");
            assertThat(ack.get("ref").asText()).isEqualTo("r1");
            assertThat(ack.get("seq").asLong()).isEqualTo(1);
            assertThat(ack.has("pending")).isFalse();
            String id = ack.get("id").asText();
            // Acked means kept: the broker's history already has it, whatever the node does next.
            try (var broker = io.pado.cluster.Broker.open(redis.uri, 10)) {
                var kept = broker.read("tea", 0, 10);
                assertThat(kept).hasSize(1);
                assertThat(kept.get(0).offset()).isEqualTo(1);
                assertThat(Wire.chatMessage(kept.get(0)).id()).isEqualTo(id);
            }
        }
    }

    /** The texts of the next n messages, checking that their seqs count up without gaps. */
    static List<String> texts(TestClient c, int n) {
        var out = new ArrayList<String>();
        long previous = -1;
        for (int i = 0; i < n; i++) {
            JsonNode m = c.untilType("message");
            if (previous >= 0) {
                assertThat(m.get("seq").asLong()).isEqualTo(previous + 1);
            }
            previous = m.get("seq").asLong();
            out.add(m.get("text").asText());
        }
        return out;
    }
}
