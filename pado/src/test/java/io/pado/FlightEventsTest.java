package io.pado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/**
 * pado's JDK Flight Recorder events, recorded while real clients open, close, get refused, flood a peer that does not
 * read and outrun a slow handler; the recording is dumped under {@code target/} and read back.
 */
class FlightEventsTest {
    static final List<String> EVENTS = List.of("pado.WebSocketOpened", "pado.WebSocketClosed",
            "pado.HandshakeRefused", "pado.SlowConsumerClosed", "pado.ReadPaused");

    /** Takes binary messages and holds the first until told to go on: its handler falls behind. */
    static final class Stalling implements Handler {
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void milestonesAndBackPressureEpisodesAreRecordedNeverMessages() throws Exception {
        Path file = Path.of("target", "jfr", "pado-events.jfr");
        Files.createDirectories(file.getParent());
        var flood = new MetricsTest.Loss.Flood();
        var stalling = new Stalling();
        try (var recording = new Recording()) {
            EVENTS.forEach(name -> recording.enable(name).withoutThreshold());
            recording.start();
            try (Server server = Server.create(ServerOptions.builder().connection(c -> c
                            .waterMarks(16 << 10, 64 << 10)
                            .maxQueuedBytes(256 << 10)
                            .closeTimeout(Duration.ofSeconds(1))
                            .slowConsumerPolicy(SlowConsumerPolicy.CLOSE_POLICY_VIOLATION)).build())
                    .endpoint("/echo", new Echo()).endpoint("/flood", flood).endpoint("/slow", stalling).start()) {
                var http = HttpClient.newHttpClient();
                var listener = new JdkListener();
                var ws = http.newWebSocketBuilder().buildAsync(uri(server, "/echo"), listener)
                        .get(10, TimeUnit.SECONDS);
                for (int i = 0; i < 50; i++) {
                    ws.sendText("message " + i, true).join();
                    assertThat(listener.next()).isEqualTo("message " + i);
                }
                ws.sendClose(4001, "done").join();
                assertThatThrownBy(() -> http.newWebSocketBuilder()
                        .buildAsync(uri(server, "/nothing"), new JdkListener()).join());

                try (RawSocket peer = MetricsTest.Loss.sleeper(server, "/flood")) {
                    MetricsTest.Loss.afterTheEnd(server, "/flood", flood);
                }

                var slow = http.newWebSocketBuilder().buildAsync(uri(server, "/slow"), new JdkListener())
                        .get(10, TimeUnit.SECONDS);
                for (int i = 0; i < 8; i++) { // 128 KiB behind the first, past the high-water mark of 64
                    slow.sendBinary(ByteBuffer.allocate(16 << 10), true).join();
                }
                // Past 64 KiB handed to the stalled handler (the fifth message), the server stops reading it
                Metrics slowOnes = server.endpointMetrics().get("/slow");
                Await.until("the handler behind", () -> slowOnes.messagesReceived() >= 5);
                stalling.release.countDown();
                slow.sendClose(1000, "").join();
                Await.until("all closed", () -> server.metrics().connectionsOpen() == 0);
            }
            recording.stop();
            recording.dump(file);
        }

        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertThat(events).extracting(e -> e.getEventType().getName()).allMatch(EVENTS::contains);
        assertThat(named(events, "pado.WebSocketOpened")).hasSize(3)
                .extracting(e -> e.getString("endpoint")).containsExactlyInAnyOrder("/echo", "/flood", "/slow");
        List<RecordedEvent> closed = named(events, "pado.WebSocketClosed");
        assertThat(closed).extracting(e -> e.getInt("code")).containsExactlyInAnyOrder(4001, 1008, 1000);
        RecordedEvent echoClosed = closed.stream().filter(e -> e.getInt("code") == 4001).findFirst().orElseThrow();
        assertThat(echoClosed.getString("reason")).isEqualTo("done");
        assertThat(echoClosed.getString("remoteAddress")).startsWith("/127.0.0.1:");
        assertThat(echoClosed.getLong("openNanos")).isPositive();
        assertThat(named(events, "pado.HandshakeRefused")).singleElement()
                .satisfies(e -> assertThat(e.getInt("status")).isEqualTo(404))
                .satisfies(e -> assertThat(e.getString("endpoint")).isEqualTo("server"));
        assertThat(named(events, "pado.SlowConsumerClosed")).singleElement()
                .satisfies(e -> assertThat(e.getInt("code")).isEqualTo(1008))
                .satisfies(e -> assertThat(e.getLong("queuedBytes")).isPositive());
        assertThat(named(events, "pado.ReadPaused")).extracting(e -> e.getString("reason"))
                .contains("output", "handlers");
        assertThat(named(events, "pado.ReadPaused")).allSatisfy(e -> assertThat(e.getDuration()).isPositive());
    }

    static URI uri(Server server, String path) {
        return MetricsTest.uri(server, path);
    }

    static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }
}
