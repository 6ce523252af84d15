package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A small, bounded soak (the full one is {@code pado-bench/run-soak.sh}, docs/RELIABILITY.md): 500 well-behaved
 * connections exchange numbered messages while hostile clients of every kind hit the same server. Every echo arrives
 * exactly once and in order, every hostile client gets its status or close code, the server reports each close with
 * the right code, and no connection is left behind.
 */
class SoakTest {
    static final int CONNECTIONS = 500;
    static final int MESSAGES = 20;
    static final int EACH_HOSTILE = 3;
    /** How long the soak may take to settle (every echo back, every close counted) before the test fails. */
    static final Duration SETTLE = Duration.ofSeconds(30);

    final Map<Integer, LongAdder> serverCloses = new ConcurrentHashMap<>();

    /** Echoes, and counts how each connection ended. */
    final class CountingEcho extends Echo {
        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            serverCloses.computeIfAbsent(code, c -> new LongAdder()).increment();
        }
    }

    /** One well-behaved connection's echoes: the sequence numbers as they came back. */
    static final class Echoes implements Handler {
        final List<Integer> received = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger corrupted = new AtomicInteger();

        @Override
        public void onText(WebSocket ws, String text) {
            int seq = Integer.parseInt(text.substring(0, text.indexOf(':')));
            received.add(seq);
            if (!text.equals(text(seq))) {
                corrupted.incrementAndGet();
            }
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            int seq = data.getInt(data.position());
            received.add(seq);
            if (!data.equals(binary(seq))) {
                corrupted.incrementAndGet();
            }
        }
    }

    static String text(int seq) {
        return seq + ":" + "é€😀x".repeat(1 + seq * 37 % 300);
    }

    static ByteBuffer binary(int seq) {
        ByteBuffer b = ByteBuffer.allocate(4 + seq * 997 % (seq % 5 == 0 ? 70_000 : 700));
        b.putInt(seq);
        while (b.hasRemaining()) {
            b.put((byte) (seq + b.position()));
        }
        return b.flip();
    }

    @Test
    @Timeout(90)
    void wellBehavedTrafficSurvivesHostileClientsAndNothingLeaks() throws Exception {
        var options = ServerOptions.builder()
                .eventLoops(2)
                .connection(c -> c
                        .handshakeTimeout(Duration.ofMillis(500))
                        .writeTimeout(Duration.ofMillis(500))
                        .maxQueuedBytes(1 << 20))
                .build();
        try (Server server = Server.create(options).endpoint("/echo", new CountingEcho()).start();
                Client client = Client.create(ClientOptions.builder().eventLoops(2).build());
                var hostile = Executors.newVirtualThreadPerTaskExecutor()) {
            int port = server.port();
            List<Future<?>> attacks = new ArrayList<>();
            for (int i = 0; i < EACH_HOSTILE; i++) {
                for (Callable<Void> attack : List.<Callable<Void>>of(() -> garbage(port), () -> slowloris(port),
                        () -> closesWith(port, oversized(), 1009), () -> closesWith(port, badUtf8(), 1007),
                        () -> closesWith(port, unmasked(), 1002), () -> reset(port), () -> neverReads(port))) {
                    attacks.add(hostile.submit(attack));
                }
            }

            var uri = URI.create("ws://127.0.0.1:" + port + "/echo");
            List<Echoes> echoes = new ArrayList<>();
            List<CompletableFuture<WebSocket>> sockets = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                var e = new Echoes();
                echoes.add(e);
                sockets.add(client.connect(uri, e));
            }
            CompletableFuture.allOf(sockets.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            for (int m = 0; m < MESSAGES; m++) {
                for (var s : sockets) {
                    WebSocket ws = s.join();
                    if (m % 2 == 0) {
                        ws.sendText(text(m));
                    } else {
                        ws.sendBinary(binary(m));
                    }
                    if (m % 7 == 0) {
                        ws.sendPing(ByteBuffer.wrap(new byte[] {(byte) m}));
                    }
                }
            }
            Await.until("every echo", SETTLE, () -> echoes.stream().allMatch(e -> e.received.size() >= MESSAGES));
            for (var attack : attacks) {
                attack.get(20, TimeUnit.SECONDS); // an assertion failed inside rethrows here
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                assertThat(echoes.get(i).received).as("connection %d: each echo once, in order", i)
                        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, MESSAGES).boxed().toList());
                assertThat(echoes.get(i).corrupted).hasValue(0);
                sockets.get(i).join().close(1000, "done");
            }

            Await.until("the server reports every close", SETTLE, () -> count(1000) == CONNECTIONS);
            assertThat(count(1009)).isEqualTo(EACH_HOSTILE);
            assertThat(count(1007)).isEqualTo(EACH_HOSTILE);
            assertThat(count(1002)).isEqualTo(EACH_HOSTILE);
            assertThat(count(1006)).as("resets").isEqualTo(EACH_HOSTILE);
            assertThat(count(1008)).as("slow consumers").isEqualTo(EACH_HOSTILE);
            Await.until("no connection left", SETTLE, () -> server.connections() == 0);
        }
    }

    long count(int code) {
        LongAdder n = serverCloses.get(code);
        return n == null ? 0 : n.sum();
    }

    static Void garbage(int port) throws IOException {
        try (var raw = RawSocket.connect(port)) {
            byte[] junk = new byte[700];
            new Random(port).nextBytes(junk);
            for (int i = 0; i < junk.length; i++) {
                junk[i] = junk[i] == '\r' || junk[i] == '\n' ? 0x7F : junk[i];
            }
            // One write: the server answers as soon as it has the head, and bytes arriving after it closed would
            // draw a reset.
            byte[] request = java.util.Arrays.copyOf(junk, junk.length + 4);
            System.arraycopy("\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, request, junk.length, 4);
            raw.write(request);
            assertThat(raw.readHead()).startsWith("HTTP/1.1 400");
            assertThat(raw.awaitEof()).isTrue();
        }
        return null;
    }

    static Void slowloris(int port) throws IOException {
        long t0 = System.nanoTime(); // before connecting: the server's clock starts later, never earlier
        try (var raw = RawSocket.connect(port)) {
            raw.write(RawSocket.upgradeRequest("/echo", "").substring(0, 40)); // and never the rest
            assertThat(raw.input().read()).as("dropped without an answer").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
        return null;
    }

    static Void closesWith(int port, byte[] frame, int code) throws IOException {
        try (var raw = RawSocket.open(port, "/echo")) {
            raw.write(frame);
            assertThat(raw.readFrame().closeCode()).isEqualTo(code);
            assertThat(raw.awaitEof()).isTrue();
        }
        return null;
    }

    static byte[] oversized() {
        // A header claiming 16 MiB, and a little of the payload
        ByteBuffer b = ByteBuffer.allocate(2 + 8 + 4 + 100).put((byte) 0x82).put((byte) (0x80 | 127)).putLong(16 << 20);
        return b.array();
    }

    static byte[] badUtf8() {
        return RawSocket.frame(0x81, new byte[] {'o', 'k', (byte) 0xC3, 0x28});
    }

    static byte[] unmasked() {
        return new byte[] {(byte) 0x81, 2, 'h', 'i'};
    }

    static Void reset(int port) throws IOException {
        var raw = RawSocket.open(port, "/echo");
        byte[] half = RawSocket.frame(0x82, new byte[20_000]);
        raw.write(java.util.Arrays.copyOf(half, 8_000));
        raw.socket.setSoLinger(true, 0);
        raw.close(); // RST
        return null;
    }

    /** Sends messages for the server to echo and never reads; writes fail once the server has dropped it. */
    static Void neverReads(int port) throws IOException {
        try (var socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            OutputStream out = socket.getOutputStream();
            out.write(RawSocket.upgradeRequest("/echo", "Sec-WebSocket-Version: 13\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            var head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101");
            byte[] message = RawSocket.frame(0x82, new byte[64 << 10]);
            byte[] drip = RawSocket.frame(0x82, new byte[2]);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            try {
                // 8 MiB to echo: far more than the 1 MiB queue and the socket buffers can hold.
                for (int i = 0; i < 128; i++) {
                    out.write(message);
                }
                // Then a little at a time, so that a write fails once the server has dropped us. Bounded: 15 s.
                while (System.nanoTime() < deadline) {
                    out.write(drip);
                    Thread.sleep(20); // pacing the drip, not waiting for anything
                }
            } catch (IOException e) {
                return null; // dropped by the server: the write hit its reset
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new AssertionError("the server never dropped a client that does not read");
        }
    }

}
