package io.pado.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pado.ClientOptions;
import io.pado.HandshakeException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ChatProtocolTest {
    ChatServer server;

    @BeforeEach
    void start() throws Exception {
        server = ChatServer.start(ChatOptions.builder().port(0).historySize(3).rate(50, 10, 5).build());
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    static String join(String room, String nick) {
        return "{\"type\":\"join\",\"room\":\"" + room + "\",\"nick\":\"" + nick + "\"}";
    }

    static String say(String text) {
        return "{\"type\":\"message\",\"text\":\"" + text + "\"}";
    }

    /** A superchat client that has joined: the hello and its own "joined" are consumed. */
    TestClient joined(String room, String nick) {
        var c = TestClient.superchat(server);
        assertThat(c.nextJson().get("type").asText()).isEqualTo("hello");
        c.send(join(room, nick));
        assertThat(c.untilType("joined").get("nick").asText()).isEqualTo(nick);
        return c;
    }

    @Nested
    class Superchat {
        @Test
        void membersExchangeMessagesAndSeePresence() {
            try (var ana = joined("tea", "ana"); var bo = joined("tea", "bo")) {
                JsonNode presence = ana.untilType("presence");
                assertThat(presence.get("joined").asText()).isEqualTo("bo");
                assertThat(presence.get("members")).extracting(JsonNode::asText).containsExactly("ana", "bo");

                bo.send(say("hello ana"));
                JsonNode m = ana.untilType("message");
                assertThat(m.get("nick").asText()).isEqualTo("bo");
                assertThat(m.get("text").asText()).isEqualTo("hello ana");
                assertThat(bo.untilType("message").get("seq").asLong()).isEqualTo(m.get("seq").asLong());

                ana.send("{\"type\":\"typing\"}");
                assertThat(bo.untilType("typing").get("nick").asText()).isEqualTo("ana");

                bo.ws.close(1000, "bye").join();
                assertThat(ana.untilType("presence").get("left").asText()).isEqualTo("bo");
            }
        }

        @Test
        void everyMemberListCarriesARevisionThatGrowsWithEachChange() {
            // The greeting comes on the topic's catch-up thread, presence at once: the revision orders the two.
            try (var ana = TestClient.superchat(server)) {
                ana.untilType("hello");
                ana.send(join("tea", "ana"));
                long greeted = ana.untilType("joined").get("membersRev").asLong();
                try (var bo = TestClient.superchat(server)) {
                    bo.untilType("hello");
                    bo.send(join("tea", "bo"));
                    JsonNode boGreeting = bo.untilType("joined");
                    JsonNode arrived = ana.untilType("presence");
                    assertThat(arrived.get("membersRev").asLong()).isGreaterThan(greeted);
                    assertThat(boGreeting.get("membersRev").asLong())
                            .isEqualTo(arrived.get("membersRev").asLong());
                    assertThat(boGreeting.get("members")).extracting(JsonNode::asText).containsExactly("ana", "bo");

                    bo.ws.close(1000, "bye").join();
                    JsonNode left = ana.untilType("presence");
                    assertThat(left.get("left").asText()).isEqualTo("bo");
                    assertThat(left.get("membersRev").asLong()).isGreaterThan(arrived.get("membersRev").asLong());
                }
            }
        }

        @Test
        void joinerGetsTheLastMessagesAsHistory() {
            try (var ana = joined("news", "ana")) {
                for (int i = 1; i <= 5; i++) {
                    ana.send(say("m" + i));
                    ana.untilType("message");
                }
                try (var bo = TestClient.superchat(server)) {
                    bo.next();
                    bo.send(join("news", "bo"));
                    JsonNode joined = bo.untilType("joined");
                    assertThat(joined.get("history")).extracting(h -> h.get("text").asText())
                            .containsExactly("m3", "m4", "m5");
                    assertThat(joined.get("members")).extracting(JsonNode::asText).containsExactly("ana", "bo");
                }
            }
        }

        @Test
        void theSenderGetsAnAckWithSeqIdAndItsRefAndAResumedJoinGetsOnlyWhatItMissed() {
            try (var ana = joined("acks", "ana")) {
                ana.send("{\"type\":\"message\",\"text\":\"m1\",\"ref\":\"mine-1\"}");
                // The ack and the message itself come in either order (docs/CHAT-PROTOCOL.md).
                JsonNode message = null;
                JsonNode ack = null;
                while (message == null || ack == null) {
                    JsonNode n = ana.nextJson();
                    switch (n.get("type").asText()) {
                        case "message" -> message = n;
                        case "ack" -> ack = n;
                        default -> { }
                    }
                }
                assertThat(ack.get("seq").asLong()).isEqualTo(message.get("seq").asLong()).isEqualTo(1);
                assertThat(ack.get("id").asText()).isEqualTo(message.get("id").asText()).isNotEmpty();
                assertThat(ack.get("ref").asText()).isEqualTo("mine-1");
                ana.send("{\"type\":\"message\",\"text\":\"x\",\"ref\":7}");
                assertThat(ana.untilType("error").get("code").asText()).isEqualTo("bad-message");
                ana.send(say("m2"));
                ana.send(say("m3"));
                ana.until(t -> t.startsWith("{\"type\":\"ack\"") && t.contains("\"seq\":3"));

                try (var bo = TestClient.superchat(server)) {
                    bo.send("{\"type\":\"join\",\"room\":\"acks\",\"nick\":\"bo\",\"since\":2}");
                    JsonNode resumed = bo.untilType("joined");
                    assertThat(resumed.get("since").asLong()).isEqualTo(2);
                    assertThat(resumed.get("history")).extracting(h -> h.get("text").asText()).containsExactly("m3");
                    // Beyond the last seq the numbering started over: the whole history, and no "since".
                    bo.send("{\"type\":\"join\",\"room\":\"acks\",\"nick\":\"bo2\",\"since\":99}");
                    JsonNode restarted = bo.untilType("joined");
                    assertThat(restarted.has("since")).isFalse();
                    assertThat(restarted.get("history")).extracting(h -> h.get("text").asText())
                            .containsExactly("m1", "m2", "m3");
                    bo.send("{\"type\":\"join\",\"room\":\"acks2\",\"nick\":\"bo\",\"since\":\"2\"}");
                    assertThat(bo.untilType("error").get("code").asText()).isEqualTo("bad-message");
                }
            }
        }

        @Test
        void nicknamesAreUniquePerRoom() {
            try (var ana = joined("a", "ana"); var other = joined("b", "ana");
                    var third = TestClient.superchat(server)) {
                third.next();
                third.send(join("a", "ana"));
                assertThat(third.untilType("error").get("code").asText()).isEqualTo("nick-taken");
                third.send(join("a", "ana2"));
                assertThat(third.untilType("joined").get("nick").asText()).isEqualTo("ana2");
            }
        }

        @Test
        void badJsonAndUnknownTypesGetErrorsAndOthersSeeNothing() {
            try (var ana = joined("x", "ana"); var bo = joined("x", "bo")) {
                ana.untilType("presence");
                bo.send("{not json");
                assertThat(bo.untilType("error").get("code").asText()).isEqualTo("bad-json");
                bo.send("[1,2]");
                assertThat(bo.untilType("error").get("code").asText()).isEqualTo("bad-message");
                bo.send("{\"type\":\"dance\"}");
                JsonNode unknown = bo.untilType("error");
                assertThat(unknown.get("code").asText()).isEqualTo("unknown-type");
                assertThat(unknown.get("message").asText()).contains("dance");
                bo.send("{\"type\":\"message\",\"text\":42}");
                assertThat(bo.untilType("error").get("code").asText()).isEqualTo("bad-message");

                bo.send(say("still here"));
                assertThat(ana.untilType("message").get("text").asText()).isEqualTo("still here");
                assertThat(ana.drained()).isEmpty();
            }
        }

        @Test
        void messagesBeforeJoiningAreRefused() {
            try (var c = TestClient.superchat(server)) {
                c.next();
                c.send(say("anyone?"));
                assertThat(c.untilType("error").get("code").asText()).isEqualTo("not-joined");
            }
        }

        @Test
        void oversizedTextIsAnErrorAndAnOversizedFrameCloses1009() {
            try (var ana = joined("big", "ana"); var bo = joined("big", "bo")) {
                ana.untilType("presence");
                bo.send(say("x".repeat(2001)));
                assertThat(bo.untilType("error").get("code").asText()).isEqualTo("too-big");

                bo.ws.sendText(say("y".repeat(70_000)));
                assertThat(bo.awaitClose().code()).isEqualTo(1009);
                assertThat(ana.untilType("presence").get("left").asText()).isEqualTo("bo");
                assertThat(ana.drained()).noneMatch(t -> t.contains("\"message\""));
            }
        }

        @Test
        void floodingClientIsWarnedThenClosedWith1008AndOthersGoOn() {
            try (var ana = joined("flood", "ana"); var bot = joined("flood", "bot"); var cy = joined("flood", "cy")) {
                ana.untilType("presence");
                ana.untilType("presence");
                for (int i = 0; i < 40 && bot.ws.isOpen(); i++) {
                    bot.ws.sendText(say("spam" + i));
                }
                assertThat(bot.untilType("error").get("code").asText()).isEqualTo("rate-limited");
                TestClient.Close close = bot.awaitClose();
                assertThat(close.code()).isEqualTo(1008);
                assertThat(close.reason()).isEqualTo("flooding");

                assertThat(ana.untilType("presence").get("left").asText()).isEqualTo("bot");
                cy.send(say("calm"));
                assertThat(ana.until(t -> t.contains("calm"))).contains("\"nick\":\"cy\"");
            }
        }
    }

    @Nested
    class ChatLines {
        @Test
        void lineClientTalksWithSuperchatClients() {
            try (var ana = joined("lobby", "ana"); var line = TestClient.chat(server)) {
                assertThat(line.next()).startsWith("* welcome");
                assertThat(line.until(t -> t.startsWith("* you are"))).contains("#lobby").contains("ana");
                line.send("/nick lin");
                assertThat(line.until(t -> t.startsWith("* you are lin"))).isNotNull();
                assertThat(ana.until(t -> t.contains("\"joined\":\"lin\""))).contains("\"members\":[\"ana\",\"lin\"]");

                line.send("hi from a terminal");
                JsonNode m = ana.untilType("message");
                assertThat(m.get("nick").asText()).isEqualTo("lin");
                assertThat(m.get("text").asText()).isEqualTo("hi from a terminal");

                ana.send(say("hi lin"));
                assertThat(line.until(t -> t.contains("hi lin"))).isEqualTo("ana: hi lin");
                line.send("/who");
                assertThat(line.until(t -> t.startsWith("* in #lobby"))).contains("ana", "lin");
                line.send("/frobnicate");
                assertThat(line.until(t -> t.startsWith("!"))).startsWith("! unknown-type");
            }
        }
    }

    @Nested
    class PollingOverHttp {
        private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

        private java.net.http.HttpResponse<String> send(String method, String path, String form, String... headers)
                throws Exception {
            var request = java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + server.port() + path))
                    .method(method, form == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofString(form));
            if (headers.length > 0) {
                request.headers(headers);
            }
            return http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        }

        private int post(String path, String form, String... headers) throws Exception {
            String[] all = java.util.stream.Stream.concat(
                    java.util.stream.Stream.of("Content-Type", "application/x-www-form-urlencoded"),
                    java.util.Arrays.stream(headers)).toArray(String[]::new);
            return send("POST", path, form, all).statusCode();
        }

        private List<String> history(String room) {
            try (var watcher = TestClient.superchat(server)) {
                watcher.next();
                watcher.send(join(room, "watcher"));
                List<String> texts = new java.util.ArrayList<>();
                watcher.untilType("joined").get("history").forEach(h -> texts.add(h.get("text").asText()));
                return texts;
            }
        }

        @Test
        void floodingPollerIsRefusedWith429AndOthersGoOn() throws Exception {
            // The bucket holds 10 (burst) and refills at 50/s: 200 quick sends cannot all pass
            int refused = 0;
            for (int i = 0; i < 200; i++) {
                int code = post("/poll/send", "room=flood&nick=spammer&text=x" + i);
                assertThat(code).isIn(200, 429);
                if (code == 429) {
                    refused++;
                }
            }
            assertThat(refused).isPositive();
            assertThat(post("/poll/send", "room=flood&nick=calm&text=hello")).isEqualTo(200);
            assertThat(history("flood")).endsWith("hello");
        }

        @Test
        void writesArePostsFromThePagesOwnOriginAndGetsChangeNothing() throws Exception {
            String own = "http://127.0.0.1:" + server.port();
            var get = send("GET", "/poll/send?room=safe&nick=mallory&text=by-get", null);
            assertThat(get.statusCode()).isEqualTo(405);
            assertThat(get.headers().firstValue("allow")).hasValue("POST");
            assertThat(send("GET", "/compare/run?clients=1&seconds=1", null).statusCode()).isEqualTo(405);
            var postToRead = send("POST", "/poll/messages", "room=safe", "Content-Type",
                    "application/x-www-form-urlencoded");
            assertThat(postToRead.statusCode()).isEqualTo(405);
            assertThat(postToRead.headers().firstValue("allow")).hasValue("GET, HEAD");

            assertThat(post("/poll/send", "room=safe&nick=mallory&text=forged", "Origin", "http://evil.example"))
                    .isEqualTo(403);
            assertThat(post("/poll/send", "room=safe&nick=mallory&text=null-origin", "Origin", "null"))
                    .isEqualTo(403);
            assertThat(post("/compare/run", "clients=1&seconds=1", "Origin", "http://evil.example")).isEqualTo(403);
            assertThat(send("GET", "/compare/status", null).body()).contains("\"running\":false");
            assertThat(send("POST", "/poll/send", "{\"text\":\"json\"}", "Content-Type", "application/json",
                    "Origin", own).statusCode()).isEqualTo(415);

            assertThat(post("/poll/send", "room=safe&nick=ana&text=from+the+page", "Origin", own)).isEqualTo(200);
            assertThat(post("/poll/send", "room=safe&nick=cli&text=no+origin%2C+not+a+browser")).isEqualTo(200);
            assertThat(history("safe")).containsExactly("from the page", "no origin, not a browser");
        }
    }

    @Nested
    class Handshake {
        @Test
        void clientWithoutAKnownSubprotocolIsRefusedWith400NamingThem() {
            for (ClientOptions options : List.of(ClientOptions.DEFAULT, ClientOptions.builder()
                    .subprotocols("mqtt")
                    .build())) {
                assertThatThrownBy(() -> TestClient.connect(server, options))
                        .isInstanceOf(CompletionException.class)
                        .cause().isInstanceOfSatisfying(HandshakeException.class, e -> {
                            assertThat(e.status()).isEqualTo(400);
                            assertThat(e.getMessage()).contains("400");
                        });
            }
        }

        @Test
        void serverPrefersSuperchat() {
            try (var c = TestClient.connect(server, ClientOptions.builder()
                    .subprotocols("chat", "superchat")
                    .build())) {
                assertThat(c.ws.subprotocol()).contains("superchat");
            }
        }

        @Test
        void foreignOriginIsRefusedWith403AndSameOriginAccepted() {
            assertThatThrownBy(() -> TestClient.connect(server,
                    ClientOptions.builder().subprotocols("chat").origin("https://evil.example").build()))
                    .isInstanceOf(CompletionException.class)
                    .cause()
                    .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.status()).isEqualTo(403));
            try (var c = TestClient.connect(server, ClientOptions.builder()
                    .subprotocols("chat")
                    .origin("http://127.0.0.1:" + server.port())
                    .build())) {
                assertThat(c.next()).startsWith("* welcome");
            }
        }

        @Test
        void stoppingClosesEveryoneWith1001() {
            var c = joined("bye", "ana");
            server.stop();
            assertThat(c.awaitClose().code()).isEqualTo(1001);
            c.close();
        }
    }
}
