package io.pado.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * {@code pado chat --metrics}: after a scripted load (three members, fifteen messages, two refused handshakes, three
 * leaving), the Prometheus text at {@code /metrics} says exactly what the load did.
 */
class ChatMetricsTest {
    static final int MEMBERS = 3;
    static final int MESSAGES_EACH = 5;
    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> get(ChatServer chat, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(chat.url().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The scrape as a map from series ({@code name{labels}}) to value. */
    Map<String, Double> scrape(ChatServer chat) throws Exception {
        HttpResponse<String> response = get(chat, "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        var series = new HashMap<String, Double>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return series;
    }

    /** Scrapes until {@code wanted} holds, for at most 20 s; the last scrape. */
    Map<String, Double> scrapeUntil(ChatServer chat, String what, Predicate<Map<String, Double>> wanted)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Map<String, Double> last = scrape(chat);
        while (!wanted.test(last)) {
            assertThat(System.nanoTime() - deadline).as("waiting for %s; last scrape %s", what, last).isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling a condition, bounded by the deadline
            last = scrape(chat);
        }
        return last;
    }

    /** A raw opening handshake; the status it was answered with. */
    static int handshake(int port, String path, String extraLines) throws IOException {
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n" + extraLines + "\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            var head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                assertThat(b).as("the response head").isNotNegative();
                head.write(b);
            }
            return Integer.parseInt(head.toString(StandardCharsets.US_ASCII).substring(9, 12));
        }
    }

    @Test
    void theMetersAtSlashMetricsEqualWhatAScriptedLoadDid() throws Exception {
        ChatServer chat = ChatServer.start(ChatOptions.builder().port(0).rate(50, 10, 5).build());
        try {
            assertThat(get(chat, "/metrics").statusCode()).as("not served unless asked").isEqualTo(404);
            chat.serveMetrics();

            var members = new ArrayList<TestClient>();
            long sentBytes = 0;
            for (int i = 0; i < MEMBERS; i++) {
                var member = TestClient.superchat(chat);
                members.add(member);
                String join = ChatProtocolTest.join("metered", "m" + i);
                member.send(join);
                sentBytes += utf8(join);
                member.untilType("joined");
            }
            for (int n = 0; n < MESSAGES_EACH; n++) {
                for (int i = 0; i < MEMBERS; i++) {
                    String say = ChatProtocolTest.say("message " + n + " from m" + i + ", 파도");
                    members.get(i).send(say);
                    sentBytes += utf8(say);
                }
            }
            for (TestClient member : members) { // every member sees every message, and the acks of its own
                int messages = 0;
                int acks = 0;
                while (messages < MEMBERS * MESSAGES_EACH || acks < MESSAGES_EACH) {
                    switch (member.nextJson().get("type").asText()) {
                        case "message" -> messages++;
                        case "ack" -> acks++;
                        default -> { }
                    }
                }
            }
            assertThat(handshake(chat.port(), "/chat", "Origin: https://elsewhere.example\r\n")).isEqualTo(403);
            assertThat(handshake(chat.port(), "/nowhere", "")).isEqualTo(404);

            // Every text written is counted once written, and arrives: the counts meet once the traffic is over
            String sent = "pado_messages_sent_total{endpoint=\"/chat\"}";
            Map<String, Double> open = scrapeUntil(chat, "every text counted", s -> s.get(sent) == texts(members));
            assertThat(texts(members)).isGreaterThan(MEMBERS * (MEMBERS * MESSAGES_EACH + MESSAGES_EACH));
            assertThat(open.get("pado_connections_open{endpoint=\"/chat\"}")).isEqualTo(MEMBERS);
            assertThat(open.get("pado_connections_opened_total{endpoint=\"/chat\"}")).isEqualTo(MEMBERS);
            assertThat(open.get("pado_messages_received_total{endpoint=\"/chat\"}"))
                    .isEqualTo(MEMBERS * (1 + MESSAGES_EACH));
            assertThat(open.get("pado_messages_received_bytes_total{endpoint=\"/chat\"}")).isEqualTo(sentBytes);
            assertThat(open.get("pado_messages_sent_bytes_total{endpoint=\"/chat\"}"))
                    .isEqualTo(members.stream().mapToLong(m -> m.receivedBytes.get()).sum());
            assertThat(open.get("pado_handshakes_refused_total{status=\"403\"}")).isEqualTo(1);
            assertThat(open.get("pado_handshakes_refused_total{status=\"404\"}")).isEqualTo(1);
            assertThat(open.get("pado_sends_failed_total{endpoint=\"/chat\"}")).isZero();
            assertThat(open.get("pado_sends_dropped_total{endpoint=\"/chat\"}")).isZero();

            for (TestClient member : members) {
                member.close(); // its client goes away: 1001
            }
            Map<String, Double> after = scrapeUntil(chat, "every member gone",
                    s -> s.get("pado_connections_open{endpoint=\"/chat\"}") == 0);
            assertThat(after.get("pado_close_codes_total{code=\"1001\",endpoint=\"/chat\"}")).isEqualTo(MEMBERS);
            assertThat(after.get("pado_queued_bytes{endpoint=\"/chat\"}")).isZero();
            assertThat(after.get("pado_slow_consumers_closed_total{endpoint=\"/chat\"}")).isZero();
        } finally {
            chat.stop();
        }
    }

    static double texts(List<TestClient> members) {
        return members.stream().mapToLong(m -> m.received.get()).sum();
    }

    static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
