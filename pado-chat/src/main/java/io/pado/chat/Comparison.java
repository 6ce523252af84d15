package io.pado.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Polling vs WebSocket, measured: one publisher says {@code rate} messages a second in a fresh room; {@code clients}
 * simulated clients of each transport receive them over raw sockets that count every byte they write and read, split
 * into HTTP/WebSocket headers and payload. Polling runs twice: with a TCP connection per request
 * ({@code Connection: close}) and with one connection kept for all of a client's requests (keep-alive, what browsers
 * do); long polling holds each request until a message comes. Delivery latency is the
 * time from the publisher's clock reading (carried in the text) to the client parsing it, in the same process.
 * Nothing is computed from a formula. Thread-safe: counters are atomic; one run at a time per instance.
 */
public final class Comparison {
    public enum Transport {
        SHORT_POLLING, SHORT_POLLING_KEEP_ALIVE, LONG_POLLING, LONG_POLLING_KEEP_ALIVE, WEBSOCKET;

        /** Whether its HTTP connections are kept for the next request. */
        boolean keepAlive() {
            return this == SHORT_POLLING_KEEP_ALIVE || this == LONG_POLLING_KEEP_ALIVE;
        }

        /** Whether the server holds its requests until a message comes. */
        boolean holds() {
            return this == LONG_POLLING || this == LONG_POLLING_KEEP_ALIVE;
        }
    }

    /** What to run. */
    public record Plan(int clients, Duration duration, int messagesPerSecond, Duration pollInterval) {
        public static final Plan DEFAULT = new Plan(20, Duration.ofSeconds(5), 10, Duration.ofMillis(250));

        public Plan {
            if (clients < 1 || clients > 200 || messagesPerSecond < 1 || messagesPerSecond > 200) {
                throw new IllegalArgumentException("clients 1-200 and rate 1-200: " + clients + ", "
                        + messagesPerSecond);
            }
            if (duration.toMillis() < 500 || duration.toSeconds() > 60 || pollInterval.toMillis() < 10) {
                throw new IllegalArgumentException("duration 0.5-60 s, poll interval >= 10 ms: " + duration + ", "
                        + pollInterval);
            }
        }
    }

    /** One transport's measured totals. */
    public record Result(Transport transport, long requests, long connections, long headerBytes, long payloadBytes,
            long messages, double seconds, double medianMillis, double p99Millis) {
        public double messagesPerSecond() {
            return seconds > 0 ? messages / seconds : 0;
        }
    }

    private final class Counters {
        final Transport transport;
        final AtomicLong requests = new AtomicLong();
        final AtomicLong connections = new AtomicLong();
        final AtomicLong headerBytes = new AtomicLong();
        final AtomicLong payloadBytes = new AtomicLong();
        final AtomicLong messages = new AtomicLong();
        final ConcurrentLinkedQueue<Long> latencyNanos = new ConcurrentLinkedQueue<>();

        Counters(Transport transport) {
            this.transport = transport;
        }

        Result result() {
            long[] sorted = latencyNanos.stream().mapToLong(Long::longValue).sorted().toArray();
            double seconds = (Math.min(System.nanoTime(), endNanos) - startNanos) / 1e9;
            return new Result(transport, requests.get(), connections.get(), headerBytes.get(), payloadBytes.get(),
                    messages.get(), Math.max(0, seconds), percentile(sorted, 0.5), percentile(sorted, 0.99));
        }
    }

    private final InetSocketAddress address;
    private final Plan plan;
    private final Rooms rooms;
    private final String room = "compare-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    private final List<Counters> counters = Arrays.stream(Transport.values()).map(Counters::new).toList();
    private volatile long startNanos = System.nanoTime();
    private volatile long endNanos = Long.MAX_VALUE;
    private volatile boolean running = true;

    Comparison(InetSocketAddress address, Rooms rooms, Plan plan) {
        this.address = address;
        this.rooms = rooms;
        this.plan = plan;
    }

    /** Runs a comparison against a running chat server, in this process (the publisher posts into its rooms). */
    public static List<Result> run(ChatServer server, Plan plan) throws InterruptedException {
        var c = new Comparison(new InetSocketAddress("127.0.0.1", server.port()), server.roomRegistry(), plan);
        c.run();
        return c.results();
    }

    public boolean running() {
        return running;
    }

    public List<Result> results() {
        return counters.stream().map(Counters::result).toList();
    }

    /** Runs the plan; returns when every client has stopped (bounded by the duration plus a few seconds). */
    void run() throws InterruptedException {
        running = true;
        var threads = new ArrayList<Thread>();
        startNanos = System.nanoTime();
        long deadline = startNanos + plan.duration().toNanos();
        for (int i = 0; i < plan.clients(); i++) {
            for (Counters c : counters) {
                String name = "compare-" + c.transport.name().toLowerCase(Locale.ROOT) + "-" + i;
                Job client = c.transport == Transport.WEBSOCKET
                        ? () -> webSocket(c, deadline) : () -> poll(deadline, c);
                threads.add(Thread.ofVirtual().name(name).start(() -> guard(client)));
            }
        }
        Room target = rooms.open(room).orElseThrow();
        long periodNanos = 1_000_000_000L / plan.messagesPerSecond();
        String padding = "x".repeat(40);
        for (long next = System.nanoTime(); next < deadline; next += periodNanos) {
            LockSupport.parkNanos(next - System.nanoTime()); // the publisher's pace, not synchronisation
            target.post("publisher", System.nanoTime() + " " + padding, System.currentTimeMillis());
        }
        endNanos = System.nanoTime();
        long stopBy = endNanos + Duration.ofSeconds(5).toNanos();
        for (Thread t : threads) {
            while (t.isAlive() && System.nanoTime() < stopBy) {
                // Again and again: a long poll that reaches the server after a wake-up would be held for 25 s
                target.wakeAll();
                t.join(Duration.ofMillis(20));
            }
            t.interrupt();
        }
        running = false;
    }

    private interface Job {
        void run() throws IOException;
    }

    private static void guard(Job job) {
        try {
            job.run();
        } catch (IOException e) {
            System.getLogger(Comparison.class.getName()).log(System.Logger.Level.DEBUG, "comparison client: " + e);
        }
    }

    private void delivered(Counters c, String text) {
        int space = text.indexOf(' ');
        try {
            long sent = Long.parseLong(space < 0 ? text : text.substring(0, space));
            c.latencyNanos.add(System.nanoTime() - sent);
            c.messages.incrementAndGet();
        } catch (NumberFormatException e) {
            // another message in the room: not part of the stream
        }
    }

    /** A polling client: one GET per exchange, on a connection of its own or on one kept for the next. */
    private void poll(long deadline, Counters c) throws IOException {
        long after = rooms.open(room).orElseThrow().lastSeq();
        long next = System.nanoTime();
        try (var connection = new PollConnection(c)) {
            while (System.nanoTime() < deadline) {
                String path = "/poll/messages?room=" + room + "&after=" + after
                        + (c.transport.holds() ? "&wait=1" : "");
                JsonNode answer = connection.get(path);
                after = answer.path("last").asLong(after);
                for (JsonNode m : answer.path("messages")) {
                    if (System.nanoTime() < deadline + 1_000_000_000L) {
                        delivered(c, m.path("text").asText());
                    }
                }
                if (!c.transport.holds()) {
                    next += plan.pollInterval().toNanos();
                    LockSupport.parkNanos(next - System.nanoTime()); // the polling interval being simulated
                }
            }
        }
    }

    /**
     * A polling client's HTTP connection: a new one for every request ({@code Connection: close}), or, with
     * keep-alive, one kept until the server says it closes. Every byte written and read is counted.
     */
    private final class PollConnection implements AutoCloseable {
        private final Counters c;
        private Socket socket;
        private DataInputStream in;

        PollConnection(Counters c) {
            this.c = c;
        }

        JsonNode get(String path) throws IOException {
            if (socket == null) {
                socket = new Socket();
                socket.connect(address, 5000);
                socket.setSoTimeout(60_000);
                in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
                c.connections.incrementAndGet();
            }
            c.requests.incrementAndGet();
            byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + address.getPort()
                    + "\r\nUser-Agent: pado-compare\r\nAccept: application/json\r\n"
                    + (c.transport.keepAlive() ? "" : "Connection: close\r\n") + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            socket.getOutputStream().write(request);
            c.headerBytes.addAndGet(request.length);
            String head = readHead(in).toLowerCase(Locale.ROOT);
            c.headerBytes.addAndGet(head.length());
            byte[] body = new byte[contentLength(head)];
            in.readFully(body);
            c.payloadBytes.addAndGet(body.length);
            if (!c.transport.keepAlive() || head.contains("\r\nconnection: close\r\n")) {
                close(); // the next request opens a new connection
            }
            return Wire.JSON.readTree(body);
        }

        private static int contentLength(String head) throws IOException {
            int at = head.indexOf("\r\ncontent-length:");
            if (at < 0) {
                throw new EOFException("no Content-Length in " + head);
            }
            int end = head.indexOf('\r', at + 2);
            return Integer.parseInt(head.substring(at + "\r\ncontent-length:".length(), end).trim());
        }

        @Override
        public void close() throws IOException {
            if (socket != null) {
                socket.close();
                socket = null;
            }
        }
    }

    /** A WebSocket client over a raw socket, so that every byte is counted: handshake and frame headers vs payload. */
    private void webSocket(Counters c, long deadline) throws IOException {
        try (var socket = new Socket()) {
            socket.connect(address, 5000);
            c.connections.incrementAndGet();
            c.requests.incrementAndGet();
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            byte[] request = ("GET /chat HTTP/1.1\r\nHost: 127.0.0.1:" + address.getPort()
                    + "\r\nUser-Agent: pado-compare\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                    + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: superchat\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            c.headerBytes.addAndGet(request.length);
            var in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            c.headerBytes.addAndGet(readHead(in).length());
            String nick = "ws" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
            sendText(c, out, "{\"type\":\"join\",\"room\":\"" + room + "\",\"nick\":\"" + nick + "\"}");
            socket.setSoTimeout(200);
            while (System.nanoTime() < deadline + 500_000_000L) {
                String text;
                try {
                    text = readText(c, in);
                } catch (java.net.SocketTimeoutException e) {
                    continue; // no message this moment: look at the clock again
                }
                if (text == null) {
                    return;
                }
                JsonNode node = Wire.JSON.readTree(text);
                if (node.path("type").asText().equals("message")) {
                    delivered(c, node.path("text").asText());
                }
            }
            sendClose(c, out);
        }
    }

    /** An HTTP head, up to and including its blank line. */
    private static String readHead(InputStream in) throws IOException {
        var head = new StringBuilder(256);
        int state = 0; // how much of CR LF CR LF has been seen
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("head cut short");
            }
            head.append((char) b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString();
    }

    /** One server frame's text (server frames are unmasked; a Close ends the read). Null at Close. */
    private static String readText(Counters c, DataInputStream in) throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7F;
        int header = 2;
        if (length == 126) {
            length = in.readUnsignedShort();
            header += 2;
        } else if (length == 127) {
            length = in.readLong();
            header += 8;
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        c.headerBytes.addAndGet(header);
        c.payloadBytes.addAndGet(length);
        return (b0 & 0x0F) == 0x8 ? null : new String(payload, StandardCharsets.UTF_8);
    }

    private static void sendText(Counters c, OutputStream out, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) {
            throw new IllegalArgumentException("client frames here are short: " + payload.length);
        }
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        int mask = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < 4; i++) {
            frame[2 + i] = (byte) (mask >>> (24 - 8 * i));
        }
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ frame[2 + (i & 3)]);
        }
        out.write(frame);
        c.headerBytes.addAndGet(6);
        c.payloadBytes.addAndGet(payload.length);
    }

    private static void sendClose(Counters c, OutputStream out) throws IOException {
        out.write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8}); // 1000, zero mask
        c.headerBytes.addAndGet(6);
        c.payloadBytes.addAndGet(2);
    }

    private static int indexOf(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    /** The results as JSON for the page. */
    ObjectNode json() {
        ObjectNode node = Wire.object("comparison").put("running", running).put("clients", plan.clients())
                .put("rate", plan.messagesPerSecond());
        var list = node.putArray("results");
        for (Result r : results()) {
            list.addObject().put("transport", r.transport().name()).put("requests", r.requests())
                    .put("connections", r.connections()).put("headerBytes", r.headerBytes())
                    .put("payloadBytes", r.payloadBytes()).put("messages", r.messages())
                    .put("messagesPerSecond", r.messagesPerSecond())
                    .put("medianMillis", Double.isNaN(r.medianMillis()) ? 0 : r.medianMillis())
                    .put("p99Millis", Double.isNaN(r.p99Millis()) ? 0 : r.p99Millis());
        }
        return node;
    }

    static String label(Transport t) {
        return switch (t) {
            case SHORT_POLLING -> "short polling";
            case SHORT_POLLING_KEEP_ALIVE -> "short, keep-alive";
            case LONG_POLLING -> "long polling";
            case LONG_POLLING_KEEP_ALIVE -> "long, keep-alive";
            case WEBSOCKET -> "websocket";
        };
    }

    /** The results as a terminal table. */
    public static String table(List<Result> results) {
        var s = new StringBuilder(String.format(Locale.ROOT, "%-18s %9s %11s %13s %13s %9s %8s %10s %9s%n",
                "transport", "requests", "connections", "header bytes", "payload bytes", "messages", "msg/s",
                "median ms", "p99 ms"));
        for (Result r : results) {
            s.append(String.format(Locale.ROOT, "%-18s %9d %11d %13d %13d %9d %8.1f %10.2f %9.2f%n",
                    label(r.transport()), r.requests(), r.connections(),
                    r.headerBytes(), r.payloadBytes(), r.messages(), r.messagesPerSecond(), r.medianMillis(),
                    r.p99Millis()));
        }
        return s.toString();
    }
}
