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
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A small, bounded soak (the full one is {@code pado-bench/run-soak.sh}, docs/RELIABILITY.md): 500 well-behaved
 * connections exchange numbered messages while hostile clients of every kind hit the same server, over {@code ws://}
 * and over {@code wss://}. Every echo arrives exactly once and in order, every hostile client gets its status or close
 * code, the server reports each close with the right code, and no connection is left behind.
 */
class SoakTest {
    static final int CONNECTIONS = 500;
    static final int MESSAGES = 20;
    static final int EACH_HOSTILE = 3;
    /** How long the soak may take to settle (every echo back, every close counted) before the test fails. */
    static final Duration SETTLE = Duration.ofSeconds(30);
    /**
     * How long the server gives a connection to send its request head (ws://); slowloris is dropped after it. With
     * 500 connections opened at once, the slowest took 740 ms from connect() on a machine with a load of 8 (the
     * server's clock starts later, at accept): the client opens at most {@link #IN_FLIGHT} at a time.
     */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);
    static final int IN_FLIGHT = 64;
    /**
     * The same over wss://, where the TLS handshake counts too. The server's clock starts at accept, and both sides'
     * key exchanges share two cores with everything else on the machine: 500 handshakes at once waited for each other
     * past 500 ms and failed, and so did 16 at a time within 500 ms on a machine with a load of 10 (the first TLS
     * handshakes of a JVM are the slowest). So the client opens at most {@link #TLS_IN_FLIGHT} at a time, after one
     * warm-up connection, and the timeout leaves room for a busy machine; the hostile clients are still cut off by it.
     */
    static final Duration TLS_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    static final int TLS_IN_FLIGHT = 16;

    /** How the clients reach the server. */
    enum Scheme { WS, WSS }

    private static TestCertificates.Identity identity;

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

    /** What differs between ws:// and wss://: the server's TLS, the client's trust, and how raw sockets connect. */
    record Dial(Scheme scheme, SSLContext trust) {
        static Dial of(Scheme scheme) throws Exception {
            if (scheme == Scheme.WS) {
                return new Dial(scheme, null);
            }
            return new Dial(scheme, certificate().trustingContext());
        }

        Duration handshakeTimeout() {
            return scheme == Scheme.WS ? HANDSHAKE_TIMEOUT : TLS_HANDSHAKE_TIMEOUT;
        }

        /** A TCP connection to the server, with a small receive buffer if asked. */
        Socket tcp(int port, int receiveBufferBytes) throws IOException {
            Socket socket = new Socket();
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            return socket;
        }

        /** {@code tcp} as is, or with TLS over it (its handshake done). */
        Socket over(Socket tcp, int port) throws IOException {
            if (trust == null) {
                return tcp;
            }
            var tls = (SSLSocket) trust.getSocketFactory().createSocket(tcp, "localhost", port, true);
            tls.startHandshake();
            return tls;
        }

        RawSocket connect(int port) throws IOException {
            return RawSocket.of(over(tcp(port, 0), port));
        }

        RawSocket open(int port, String path) throws IOException {
            return RawSocket.upgrade(over(tcp(port, 0), port), path);
        }
    }

    static synchronized TestCertificates.Identity certificate() throws Exception {
        if (identity == null) {
            Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "soak-test-tls");
            identity = TestCertificates.create(dir, "localhost", "dns:localhost,ip:127.0.0.1");
        }
        return identity;
    }

    @ParameterizedTest
    @EnumSource(Scheme.class)
    @Timeout(120)
    void wellBehavedTrafficSurvivesHostileClientsAndNothingLeaks(Scheme scheme) throws Exception {
        Dial dial = Dial.of(scheme);
        var options = ServerOptions.builder()
                .eventLoops(2)
                .connection(c -> c
                        .handshakeTimeout(dial.handshakeTimeout())
                        .writeTimeout(Duration.ofMillis(500))
                        .maxQueuedBytes(1 << 20));
        var clientOptions = ClientOptions.builder().eventLoops(2);
        if (scheme == Scheme.WSS) {
            options.tls(certificate().serverTls());
            clientOptions.tls(certificate().clientTls());
        }
        try (Server server = Server.create(options.build()).endpoint("/echo", new CountingEcho()).start();
                Client client = Client.create(clientOptions.build());
                var hostile = Executors.newVirtualThreadPerTaskExecutor()) {
            int port = server.port();
            Duration timeout = dial.handshakeTimeout();
            var uri = URI.create((scheme == Scheme.WS ? "ws" : "wss") + "://127.0.0.1:" + port + "/echo");
            // One connection first: the JVM's first TLS handshake loads and compiles what the others then reuse.
            client.connect(uri, new Echoes()).get(30, TimeUnit.SECONDS).close(1000, "warm").get(30, TimeUnit.SECONDS);
            Await.until("the warm-up connection closed", SETTLE, () -> count(1000) == 1);
            serverCloses.clear();
            List<Future<?>> attacks = new ArrayList<>();
            for (int i = 0; i < EACH_HOSTILE; i++) {
                for (Callable<Void> attack : List.<Callable<Void>>of(() -> garbage(dial, port),
                        () -> slowloris(dial, port, timeout), () -> stalled(dial, port, timeout),
                        () -> closesWith(dial, port, oversized(), 1009), () -> closesWith(dial, port, badUtf8(), 1007),
                        () -> closesWith(dial, port, unmasked(), 1002), () -> reset(dial, port),
                        () -> neverReads(dial, port))) {
                    attacks.add(hostile.submit(attack));
                }
            }

            List<Echoes> echoes = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                echoes.add(new Echoes());
            }
            var openingNanos = new java.util.concurrent.ConcurrentLinkedQueue<Long>();
            List<CompletableFuture<WebSocket>> sockets = connectAll(client, uri, echoes,
                    scheme == Scheme.WS ? IN_FLIGHT : TLS_IN_FLIGHT, openingNanos);
            CompletableFuture.allOf(sockets.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            System.out.printf("SoakTest %s: %d connections open, slowest opening handshake %d ms (timeout %d ms)%n",
                    scheme, CONNECTIONS, openingNanos.stream().mapToLong(Long::longValue).max().orElse(0) / 1_000_000,
                    timeout.toMillis());
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

    /**
     * Starts a connection per handler, at most {@code inFlight} opening at once: each waits for a slot, which the
     * one before gives back when its handshake ends, so no handshake waits behind hundreds of others.
     */
    static List<CompletableFuture<WebSocket>> connectAll(Client client, URI uri, List<? extends Handler> handlers,
            int inFlight, java.util.Queue<Long> openingNanos) throws InterruptedException {
        var slots = new Semaphore(inFlight);
        List<CompletableFuture<WebSocket>> sockets = new ArrayList<>();
        for (Handler handler : handlers) {
            assertThat(slots.tryAcquire(30, TimeUnit.SECONDS)).as("a connection slot frees up").isTrue();
            long t0 = System.nanoTime();
            var opening = client.connect(uri, handler);
            opening.whenComplete((ws, e) -> {
                openingNanos.add(System.nanoTime() - t0);
                slots.release();
            });
            sockets.add(opening);
        }
        return sockets;
    }

    long count(int code) {
        LongAdder n = serverCloses.get(code);
        return n == null ? 0 : n.sum();
    }

    static Void garbage(Dial dial, int port) throws IOException {
        try (var raw = dial.connect(port)) {
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

    static Void slowloris(Dial dial, int port, Duration timeout) throws IOException {
        long t0 = System.nanoTime(); // before connecting: the server's clock starts later, never earlier
        try (var raw = dial.connect(port)) {
            raw.write(RawSocket.upgradeRequest("/echo", "").substring(0, 40)); // and never the rest
            assertDropped(raw.input(), t0, timeout);
        }
        return null;
    }

    /**
     * Sends the first 20 bytes of its opening and nothing more: of a TLS ClientHello over wss:// (the TLS handshake
     * is part of what the handshake timeout bounds), of the request head over ws://.
     */
    static Void stalled(Dial dial, int port, Duration timeout) throws IOException {
        long t0 = System.nanoTime();
        try (Socket tcp = dial.tcp(port, 0)) {
            byte[] opening = RawSocket.upgradeRequest("/echo", "").getBytes(StandardCharsets.US_ASCII);
            if (dial.scheme() == Scheme.WSS) {
                // A TLS record header (handshake, TLS 1.0 record version, 512 bytes) and a ClientHello's beginning
                opening = new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xFC, 0x03, 0x03, 1, 2, 3,
                        4, 5, 6, 7, 8, 9};
            }
            tcp.getOutputStream().write(opening, 0, 20);
            tcp.setSoTimeout(10_000);
            assertDropped(tcp.getInputStream(), t0, timeout);
        }
        return null;
    }

    /** The server closed the connection without a byte of answer, and not before the handshake timeout (less 20 %). */
    static void assertDropped(InputStream in, long t0, Duration timeout) throws IOException {
        int first;
        try {
            first = in.read();
        } catch (java.net.SocketException e) {
            first = -1; // reset: dropped as well
        }
        assertThat(first).as("dropped without an answer").isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
                .isGreaterThanOrEqualTo(timeout.multipliedBy(4).dividedBy(5));
    }

    static Void closesWith(Dial dial, int port, byte[] frame, int code) throws IOException {
        try (var raw = dial.open(port, "/echo")) {
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

    static Void reset(Dial dial, int port) throws IOException {
        Socket tcp = dial.tcp(port, 0);
        var raw = RawSocket.upgrade(dial.over(tcp, port), "/echo");
        byte[] half = RawSocket.frame(0x82, new byte[20_000]);
        raw.write(java.util.Arrays.copyOf(half, 8_000));
        tcp.setSoLinger(true, 0);
        tcp.close(); // RST, under TLS too: no close_notify first
        return null;
    }

    /** Sends messages for the server to echo and never reads; writes fail once the server has dropped it. */
    static Void neverReads(Dial dial, int port) throws IOException {
        try (var socket = dial.over(dial.tcp(port, 4096), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(RawSocket.upgradeRequest("/echo", "Sec-WebSocket-Version: 13\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            var head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new java.io.EOFException("closed before the 101 ended: " + head);
                }
                head.append((char) b);
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
