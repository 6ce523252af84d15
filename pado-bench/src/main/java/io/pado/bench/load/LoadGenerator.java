package io.pado.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * A WebSocket echo load generator on one thread and one selector, written on raw NIO so that it measures the server,
 * not a client library. Each connection keeps {@code inFlight} binary messages of {@code payloadBytes} outstanding:
 * every echo received is answered with a new message. The first eight payload bytes carry the send time, so each
 * echo gives a round-trip latency. Frames are masked with the key 0 (allowed by RFC 6455 §5.3, and free to apply).
 *
 * <p>Usage: {@code LoadGenerator PORT CONNECTIONS IN_FLIGHT PAYLOAD_BYTES SECONDS [WARMUP_SECONDS]}. Prints one
 * line: {@code messages/s p50_us p99_us p999_us busy_percent}, the last being how busy the generator's thread was
 * while measuring (near 100 means the generator may be what limits the rate). Loopback only; bounded by SECONDS. With
 * {@code -Dpado.load.deflate=true} it offers permessage-deflate and sends one message compressed once, again and
 * again (the server inflates each and compresses its echo); then only throughput is measured. With
 * {@code -Dpado.load.rate=R} it sends R messages per second in all on a fixed schedule (open loop, for latency
 * below saturation) instead of keeping IN_FLIGHT outstanding.
 *
 * <p>{@code LoadGenerator --alternate PORT_A PORT_B CONNECTIONS IN_FLIGHT PAYLOAD_BYTES SECONDS WARMUP SLICE_MS} loads
 * two servers in turns, CONNECTIONS to each: for SLICE_MS only the first server's connections answer their echoes with
 * new messages (each starting again with IN_FLIGHT outstanding), then only the second's, and so on (see {@link Turns}).
 * It prints what the C generator's {@code --alternate} prints: {@code rate_0 rate_1 ratio slices}. Closed loop only;
 * with {@code -Dpado.load.deflate=true} as above.
 */
public final class LoadGenerator {
    private final Histogram latencyNanos = new Histogram(3_600_000_000_000L, 3);
    /** Offer permessage-deflate and send one message compressed once: throughput only, no latency. */
    private final boolean deflate;
    /** Messages per second in all, sent on a fixed schedule whatever the echoes do; 0 for closed loop. */
    private final double rate;
    private long echoes;

    private LoadGenerator(boolean deflate, double rate) {
        this.deflate = deflate;
        this.rate = rate;
    }

    /** One connection's state: a frame template to send, and a buffer of bytes read but not yet parsed. */
    private static final class Conn {
        final SocketChannel channel;
        final ByteBuffer in;
        final ByteBuffer frame;
        final int headerBytes;
        /** Frames being written, kept flipped: its remaining bytes are still to go. */
        final ByteBuffer out;
        /** Which server of an alternating run this connection goes to (0 or 1); 0 otherwise. */
        final int side;
        int queuedFrames;
        /** Frames written to the output buffer whose echo has not come back yet. */
        int outstanding;

        Conn(SocketChannel channel, ByteBuffer frame, int side) {
            this.channel = channel;
            this.side = side;
            this.frame = frame;
            // Room for a burst of echoes; the server never sends more than we have in flight
            this.in = ByteBuffer.allocateDirect(Math.max(64 << 10, 8 * frame.remaining()));
            int len7 = frame.get(1) & 0x7F;
            this.headerBytes = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
            this.out = ByteBuffer.allocateDirect(Math.max(frame.remaining(), 64 << 10)).flip();
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        boolean deflate = Boolean.getBoolean("pado.load.deflate");
        if (args.length > 0 && args[0].equals("--alternate")) {
            if (args.length < 9) {
                System.err.println("usage: LoadGenerator --alternate PORT_A PORT_B CONNECTIONS IN_FLIGHT PAYLOAD_BYTES"
                        + " SECONDS WARMUP SLICE_MS");
                System.exit(2);
            }
            int[] ports = {Integer.parseInt(args[1]), Integer.parseInt(args[2])};
            new LoadGenerator(deflate, 0).alternate(ports, Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Math.max(8, Integer.parseInt(args[5])), Double.parseDouble(args[6]), Double.parseDouble(args[7]),
                    Double.parseDouble(args[8]));
            return;
        }
        int port = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        int inFlight = Integer.parseInt(args[2]);
        int payloadBytes = Math.max(8, Integer.parseInt(args[3]));
        double seconds = Double.parseDouble(args[4]);
        double warmup = args.length > 5 ? Double.parseDouble(args[5]) : 2;
        double rate = Double.parseDouble(System.getProperty("pado.load.rate", "0"));
        new LoadGenerator(deflate, rate).run(port, connections, inFlight, payloadBytes, seconds, warmup);
    }

    private void run(int port, int connections, int inFlight, int payloadBytes, double seconds, double warmup)
            throws IOException {
        try (Selector selector = Selector.open()) {
            List<Conn> conns = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Conn c = open(port, payloadBytes, deflate, 0);
                c.channel.register(selector, SelectionKey.OP_READ, c);
                conns.add(c);
            }
            long start = System.nanoTime();
            if (rate == 0) {
                for (Conn c : conns) {
                    c.queuedFrames = inFlight;
                    flush(c, selector);
                }
            }
            long scheduled = 0;
            int next = 0;
            long warmupEnd = start + (long) (warmup * 1e9);
            long end = warmupEnd + (long) (seconds * 1e9);
            boolean measuring = false;
            long measuredFrom = 0;
            long cpuFrom = 0;
            while (true) {
                long now = System.nanoTime();
                if (!measuring && now >= warmupEnd) {
                    measuring = true;
                    measuredFrom = now;
                    cpuFrom = THREADS.getCurrentThreadCpuTime();
                    echoes = 0;
                    latencyNanos.reset();
                }
                if (now >= end) {
                    break;
                }
                if (rate > 0) {
                    // Open loop: send what the schedule says is due by now, round-robin over the connections
                    long due = (long) ((now - start) * rate / 1e9);
                    for (; scheduled < due; scheduled++) {
                        Conn c = conns.get(next);
                        next = (next + 1) % conns.size();
                        c.queuedFrames++;
                        flush(c, selector);
                    }
                    selector.select(k -> handle(k, selector, false), 1);
                } else {
                    selector.select(k -> handle(k, selector, true), 100);
                }
            }
            double elapsed = (System.nanoTime() - measuredFrom) / 1e9;
            // How busy this (only) thread was: near 100 % means the generator, not the server, may be the limit.
            double busy = (THREADS.getCurrentThreadCpuTime() - cpuFrom) / 1e9 / elapsed * 100;
            System.out.printf("%.0f %.1f %.1f %.1f %.0f%n", echoes / elapsed,
                    latencyNanos.getValueAtPercentile(50) / 1e3, latencyNanos.getValueAtPercentile(99) / 1e3,
                    latencyNanos.getValueAtPercentile(99.9) / 1e3, busy);
            for (Conn c : conns) {
                c.channel.close();
            }
        }
    }

    /** Loads two servers in turns of {@code sliceMillis} and prints {@link Turns#report()}. */
    private void alternate(int[] ports, int connections, int inFlight, int payloadBytes, double seconds,
            double warmup, double sliceMillis) throws IOException {
        try (Selector selector = Selector.open()) {
            List<Conn> conns = new ArrayList<>();
            for (int side = 0; side < 2; side++) {
                for (int i = 0; i < connections; i++) {
                    Conn c = open(ports[side], payloadBytes, deflate, side);
                    c.channel.register(selector, SelectionKey.OP_READ, c);
                    conns.add(c);
                }
            }
            Turns turns = new Turns(seconds, warmup, sliceMillis, System.nanoTime());
            int tick;
            while ((tick = turns.tick(System.nanoTime())) >= 0) {
                for (int i = 0; tick == 1 && i < conns.size(); i++) {
                    Conn c = conns.get(i);
                    if (c.side == turns.active() && c.outstanding + c.queuedFrames < inFlight) {
                        c.queuedFrames = inFlight - c.outstanding;
                        flush(c, selector);
                    }
                }
                selector.select(key -> {
                    boolean active = ((Conn) key.attachment()).side == turns.active();
                    long received = handle(key, selector, active); // the resting side's last echoes go unanswered
                    turns.done(active ? received : 0);
                }, 1);
            }
            System.out.println(turns.report());
            for (Conn c : conns) {
                c.channel.close();
            }
        }
    }

    private static Conn open(int port, int payloadBytes, boolean deflate, int side) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        channel.socket().setTcpNoDelay(true);
        String key = Base64.getEncoder().encodeToString("pado-load-key-16".getBytes(StandardCharsets.US_ASCII));
        String request = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + (deflate ? "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n" : "")
                + "\r\n";
        channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer head = ByteBuffer.allocate(4096);
        while (!new String(head.array(), 0, head.position(), StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
            if (channel.read(head) < 0) {
                throw new IOException("server closed during the handshake");
            }
        }
        String response = new String(head.array(), 0, head.position(), StandardCharsets.US_ASCII);
        if (!response.startsWith("HTTP/1.1 101")) {
            throw new IOException("not upgraded: " + response.lines().findFirst().orElse(""));
        }
        channel.configureBlocking(false);
        if (deflate && !response.toLowerCase(java.util.Locale.ROOT).contains("permessage-deflate")) {
            throw new IOException("server did not accept permessage-deflate");
        }
        Conn c = new Conn(channel, deflate ? compressedTemplate(payloadBytes) : template(payloadBytes), side);
        int headEnd = response.indexOf("\r\n\r\n") + 4;
        c.in.put(head.array(), headEnd, head.position() - headEnd);
        return c;
    }

    /** A masked (key 0) binary frame of {@code payloadBytes}; the send time goes into bytes 0-7 of the payload. */
    static ByteBuffer template(int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        for (int i = 0; i < payloadBytes; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        return maskedFrame(0x82, payload, payloadBytes);
    }

    /**
     * A masked (key 0) binary frame whose payload is the same bytes as {@link #template}'s, compressed on their own
     * (RSV1, RFC 7692): valid whatever context takeover the server uses, so it can be sent again and again.
     */
    static ByteBuffer compressedTemplate(int payloadBytes) {
        ByteBuffer plain = template(payloadBytes);
        byte[] payload = new byte[payloadBytes];
        plain.get(plain.remaining() - payloadBytes, payload);
        var deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(payload);
        byte[] out = new byte[payloadBytes + 64];
        int n = deflater.deflate(out, 0, out.length, java.util.zip.Deflater.SYNC_FLUSH);
        deflater.end();
        return maskedFrame(0xC2, out, n - 4); // RFC 7692 §7.2.1: without the trailing 0x00 0x00 0xFF 0xFF
    }

    /** A direct buffer holding one frame: {@code firstByte}, the length, the zero mask key, {@code length} bytes. */
    private static ByteBuffer maskedFrame(int firstByte, byte[] payload, int length) {
        int lengthBytes = length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
        ByteBuffer frame = ByteBuffer.allocateDirect(2 + lengthBytes + 4 + length);
        frame.put((byte) firstByte);
        if (lengthBytes == 0) {
            frame.put((byte) (0x80 | length));
        } else if (lengthBytes == 2) {
            frame.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(length);
        }
        return frame.putInt(0).put(payload, 0, length).flip();
    }

    /** Reads what a ready connection has and writes what it owes; {@code answer}: see {@link #read}. */
    private long handle(SelectionKey key, Selector selector, boolean answer) {
        Conn c = (Conn) key.attachment();
        try {
            long received = key.isReadable() ? read(c, answer) : 0;
            flush(c, selector);
            return received;
        } catch (IOException e) {
            throw new IllegalStateException("connection failed: " + e.getMessage(), e);
        }
    }

    /** Takes every whole frame read; {@code answer}: owe a new message for each echo. Returns the echoes taken. */
    private long read(Conn c, boolean answer) throws IOException {
        if (c.channel.read(c.in) < 0) {
            throw new IOException("server closed the connection");
        }
        c.in.flip();
        long now = System.nanoTime();
        long received = 0;
        while (c.in.remaining() >= 2) {
            int p = c.in.position();
            int len7 = c.in.get(p + 1) & 0x7F;
            int headerBytes = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
            if (c.in.remaining() < headerBytes) {
                break;
            }
            long length = len7 == 126 ? c.in.getShort(p + 2) & 0xFFFF : len7 == 127 ? c.in.getLong(p + 2) : len7;
            if (c.in.remaining() < headerBytes + length) {
                break;
            }
            if ((c.in.get(p) & 0x0F) == 0x2) {
                if (!deflate && length >= 8) {
                    latencyNanos.recordValue(Math.max(0, now - c.in.getLong(p + headerBytes)));
                }
                echoes++;
                received++;
                c.outstanding--;
                if (answer) {
                    c.queuedFrames++;
                }
            }
            c.in.position(p + headerBytes + (int) length);
        }
        c.in.compact();
        return received;
    }

    /** Sends the frames owed to this connection, batched into one write, each stamped with the time now. */
    private void flush(Conn c, Selector selector) throws IOException {
        while (true) {
            if (c.out.hasRemaining()) {
                c.channel.write(c.out);
                if (c.out.hasRemaining()) {
                    c.channel.keyFor(selector).interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
            }
            if (c.queuedFrames == 0) {
                c.channel.keyFor(selector).interestOps(SelectionKey.OP_READ);
                return;
            }
            c.out.clear();
            long now = System.nanoTime();
            int frameBytes = c.frame.remaining();
            while (c.queuedFrames > 0 && c.out.remaining() >= frameBytes) {
                int at = c.out.position();
                c.out.put(c.frame.duplicate());
                if (!deflate) {
                    c.out.putLong(at + c.headerBytes, now);
                }
                c.queuedFrames--;
                c.outstanding++;
            }
            c.out.flip();
        }
    }
}
