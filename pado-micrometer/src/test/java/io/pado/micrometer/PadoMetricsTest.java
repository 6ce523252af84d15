package io.pado.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.Endpoint;
import io.pado.Handler;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.SlowConsumerPolicy;
import io.pado.WebSocket;
import io.pado.micrometer.examples.PrometheusServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The meters after a scripted load against a real server, from the JDK's WebSocket client, pado's client and raw
 * sockets: each equals what the load did.
 */
class PadoMetricsTest {
    static final byte[] CHUNK = new byte[16 << 10];

    /** Sends 16 KiB messages as soon as it opens until its peer, which reads nothing, is closed for it. */
    static final class Flood implements Handler {
        final AtomicInteger attempts = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);

        @Override
        public void onOpen(WebSocket ws) {
            for (int i = 0; i < 2000 && ws.isOpen(); i++) {
                attempts.incrementAndGet();
                ws.sendBinary(ByteBuffer.wrap(CHUNK));
            }
            done.countDown();
        }
    }

    /** The JDK's client: queues whole text messages and the close code. */
    static final class Listener implements java.net.http.WebSocket.Listener {
        final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(java.net.http.WebSocket ws, ByteBuffer data, boolean last) {
            received.add(data.remaining());
            ws.request(1);
            return null;
        }

        Object next() throws InterruptedException {
            Object o = received.poll(10, TimeUnit.SECONDS);
            assertThat(o).as("a message within 10 s").isNotNull();
            return o;
        }
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
            LockSupport.parkNanos(1_000_000); // polling a condition, bounded by the deadline
        }
    }

    static double count(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    /** A raw WebSocket handshake; returns the status line's code. The socket is left as it is. */
    static int handshake(Socket socket, String path, String extraLines) throws IOException {
        String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n" + extraLines + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the response head").isNotNegative();
            head.write(b);
        }
        return Integer.parseInt(head.toString(StandardCharsets.US_ASCII).substring(9, 12));
    }

    @Test
    void serverAndClientMetersEqualWhatTheLoadDid() throws Exception {
        var flood = new Flood();
        var registry = new SimpleMeterRegistry();
        try (Server server = Server.create(ServerOptions.builder().connection(c -> c
                        .waterMarks(16 << 10, 64 << 10)
                        .maxQueuedBytes(256 << 10)
                        .closeTimeout(Duration.ofSeconds(1))).build())
                .endpoint("/echo", new Handler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText(text);
                    }

                    @Override
                    public void onBinary(WebSocket ws, ByteBuffer data) {
                        ws.sendBinary(data);
                    }
                })
                .endpoint(Endpoint.builder("/flood", flood)
                        .slowConsumerPolicy(SlowConsumerPolicy.CLOSE_POLICY_VIOLATION).build());
                Client client = Client.create(ClientOptions.DEFAULT)) {
            new PadoMetrics(server, Tags.of("service", "test")).bindTo(registry);
            new PadoMetrics(client).bindTo(registry);
            server.start();
            String echo = "ws://127.0.0.1:" + server.port() + "/echo";

            // The JDK's client: 5 texts in Korean (3 bytes a character) and 3 binaries, then 4001
            var listener = new Listener();
            var jdk = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(echo), listener)
                    .get(10, TimeUnit.SECONDS);
            long bytes = 0;
            for (int i = 0; i < 5; i++) {
                String text = "파도 " + i;
                jdk.sendText(text, true).join();
                assertThat(listener.next()).isEqualTo(text);
                bytes += text.getBytes(StandardCharsets.UTF_8).length;
            }
            for (int i = 0; i < 3; i++) {
                jdk.sendBinary(ByteBuffer.allocate(100 << i), true).join();
                assertThat(listener.next()).isEqualTo(100 << i);
                bytes += 100 << i;
            }
            jdk.sendClose(4001, "done").join();

            // pado's client: 2 texts, then 1000
            var texts = new LinkedBlockingQueue<String>();
            WebSocket pado = client.connect(URI.create(echo), new Handler() {
                @Override
                public void onText(WebSocket ws, String text) {
                    texts.add(text);
                }
            }).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 2; i++) {
                pado.sendText("hello " + i).join();
                assertThat(texts.poll(10, TimeUnit.SECONDS)).isEqualTo("hello " + i);
                bytes += 7;
            }
            pado.close(1000, "").join();

            // Refused: 404 twice, 403 once (an origin the endpoint does not allow)
            for (int i = 0; i < 2; i++) {
                try (var socket = new Socket("127.0.0.1", server.port())) {
                    assertThat(handshake(socket, "/nowhere", "")).isEqualTo(404);
                }
            }
            try (var socket = new Socket("127.0.0.1", server.port())) {
                assertThat(handshake(socket, "/echo", "Origin: https://elsewhere.example\r\n")).isEqualTo(403);
            }
            // A slow consumer: it reads nothing after the handshake, and the policy closes it with 1008
            try (var socket = new Socket()) {
                socket.setReceiveBufferSize(4096);
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
                assertThat(handshake(socket, "/flood", "")).isEqualTo(101);
                assertThat(flood.done.await(20, TimeUnit.SECONDS)).isTrue();
                await("every WebSocket closed", () -> registry.get("pado.connections.open").gauges().stream()
                        .allMatch(g -> g.value() == 0) && registry.get("pado.client.connections.open").gauge()
                        .value() == 0);
            }
            await("every flood send settled", () -> count(registry, "pado.messages.sent", "endpoint", "/flood")
                    + count(registry, "pado.sends.failed", "endpoint", "/flood") == flood.attempts.get());
            await("every echo written", () -> count(registry, "pado.messages.sent", "endpoint", "/echo") == 10);

            assertThat(count(registry, "pado.connections.opened", "endpoint", "/echo", "service", "test")).isEqualTo(2);
            assertThat(count(registry, "pado.connections.opened", "endpoint", "/flood")).isEqualTo(1);
            assertThat(count(registry, "pado.messages.received", "endpoint", "/echo")).isEqualTo(10);
            assertThat(count(registry, "pado.messages.received.bytes", "endpoint", "/echo")).isEqualTo(bytes);
            assertThat(count(registry, "pado.messages.sent.bytes", "endpoint", "/echo")).isEqualTo(bytes);
            assertThat(count(registry, "pado.messages.sent.bytes", "endpoint", "/flood"))
                    .isEqualTo(count(registry, "pado.messages.sent", "endpoint", "/flood") * CHUNK.length);
            assertThat(count(registry, "pado.handshakes.refused", "status", "404")).isEqualTo(2);
            assertThat(count(registry, "pado.handshakes.refused", "status", "403")).isEqualTo(1);
            assertThat(count(registry, "pado.handshakes.refused", "status", "other")).isZero();
            assertThat(count(registry, "pado.close.codes", "endpoint", "/echo", "code", "1000")).isEqualTo(1);
            assertThat(count(registry, "pado.close.codes", "endpoint", "/echo", "code", "other")).isEqualTo(1);
            assertThat(count(registry, "pado.close.codes", "endpoint", "/flood", "code", "1008")).isEqualTo(1);
            assertThat(count(registry, "pado.slow.consumers.closed", "endpoint", "/flood")).isEqualTo(1);
            assertThat(count(registry, "pado.slow.consumers.closed", "endpoint", "/echo")).isZero();
            assertThat(count(registry, "pado.sends.failed", "endpoint", "/flood")).isPositive();
            assertThat(count(registry, "pado.sends.dropped", "endpoint", "/flood")).isZero();
            assertThat(registry.get("pado.queued.bytes").tag("endpoint", "/flood").gauge().value()).isZero();
            assertThat(count(registry, "pado.tls.handshakes", "result", "completed")).isZero();

            assertThat(count(registry, "pado.client.connections.opened")).isEqualTo(1);
            assertThat(count(registry, "pado.client.messages.sent")).isEqualTo(2);
            assertThat(count(registry, "pado.client.messages.received.bytes")).isEqualTo(14);
            assertThat(count(registry, "pado.client.close.codes", "code", "1000")).isEqualTo(1);
        }
    }

    @Test
    void prometheusScrapesTheMetersAtTheServersOwnPort() throws Exception {
        try (Server server = PrometheusServer.start(0)) {
            var texts = new LinkedBlockingQueue<String>();
            try (Client client = Client.create(ClientOptions.DEFAULT)) {
                WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"),
                        new Handler() {
                            @Override
                            public void onText(WebSocket ws, String text) {
                                texts.add(text);
                            }
                        }).get(10, TimeUnit.SECONDS);
                for (int i = 0; i < 3; i++) {
                    ws.sendText("wave").join();
                    assertThat(texts.poll(10, TimeUnit.SECONDS)).isEqualTo("wave");
                }
                assertThatThrownBy(() -> client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/nope"),
                        new Handler() { }).join()).hasMessageContaining("404");
            }
            var http = HttpClient.newHttpClient();
            var metrics = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build();
            String[] text = new String[1];
            await("the echoes written and the client gone", () -> {
                text[0] = http.sendAsync(metrics, HttpResponse.BodyHandlers.ofString()).join().body();
                return text[0].contains("pado_messages_sent_total{endpoint=\"/echo\"} 3.0")
                        && text[0].contains("pado_connections_open{endpoint=\"/echo\"} 0.0");
            });
            assertThat(text[0]).contains(
                    "# TYPE pado_messages_received_total counter",
                    "pado_messages_received_total{endpoint=\"/echo\"} 3.0",
                    "pado_messages_received_bytes_total{endpoint=\"/echo\"} 12.0",
                    "pado_connections_opened_total{endpoint=\"/echo\"} 1.0",
                    "pado_handshakes_refused_total{status=\"404\"} 1.0",
                    "pado_close_codes_total{code=\"1001\",endpoint=\"/echo\"} 1.0", // the client went away
                    "pado_queued_bytes{endpoint=\"/echo\"} 0.0",
                    "pado_tls_handshakes_total{result=\"failed\"} 0.0",
                    "pado_compression_bytes_total{direction=\"in\",form=\"compressed\"}");
        }
    }

    @Test
    void aRegistryOfItsOwnCountsTheSameAsAnother() {
        // Two registries bound to one server read the same counters: binding adds no count of its own.
        try (Server server = Server.create(ServerOptions.DEFAULT).endpoint("/x", new Handler() { })) {
            var simple = new SimpleMeterRegistry();
            var prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new PadoMetrics(server).bindTo(simple);
            new PadoMetrics(server).bindTo(prometheus);
            assertThat(simple.get("pado.messages.received").functionCounter().count()).isZero();
            assertThat(prometheus.get("pado.messages.received").functionCounter().count()).isZero();
            assertThat(simple.find("pado.close.codes").functionCounters()).hasSize(PadoMetrics.CLOSE_CODES.size() + 1);
            assertThat(simple.find("pado.handshakes.refused").functionCounters())
                    .hasSize(PadoMetrics.REFUSAL_STATUSES.size() + 1);
        }
    }
}
