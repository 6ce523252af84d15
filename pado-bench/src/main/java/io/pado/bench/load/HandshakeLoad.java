package io.pado.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Opening and closing handshakes per second. One thread drives {@code CONCURRENT} connections without blocking; each
 * connects, upgrades, sends a masked Close 1000, reads the server's Close, waits for the server to close TCP (RFC 6455
 * §7.1.1: the server closes first), then starts over, until the time is up. Usage:
 * {@code HandshakeLoad PORT CONCURRENT SECONDS [WARMUP]}: cycles in the first {@code WARMUP} seconds (default 3) are
 * not counted, so that the server's JIT has compiled its handshake path. Prints cycles per second and the CPU this
 * generator used while measuring, in % of one core (near 100 means the generator may be what limits the rate).
 * Loopback only.
 */
public final class HandshakeLoad {
    private static final byte[] CLOSE_1000 = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8};
    private static final byte[] UPGRADED = "HTTP/1.1 101".getBytes(StandardCharsets.US_ASCII);

    private enum Step { CONNECTING, READING_HEAD, READING_CLOSE, AWAITING_EOF }

    /** One connection's cycle: where it stands and what it has read so far. */
    private static final class Cycle {
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(1024);
        Step step = Step.CONNECTING;

        Cycle(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private final InetSocketAddress server;
    private final ByteBuffer request;
    private long cycles;

    private HandshakeLoad(int port) {
        this.server = new InetSocketAddress("127.0.0.1", port);
        this.request = ByteBuffer.wrap(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: cGFkby1oYW5kc2hha2UtMQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int concurrent = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        double warmup = args.length > 3 ? Double.parseDouble(args[3]) : 3;
        new HandshakeLoad(port).run(concurrent, seconds, warmup);
    }

    private void run(int concurrent, double seconds, double warmup) throws IOException {
        var threads = ManagementFactory.getThreadMXBean();
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < concurrent; i++) {
                start(selector);
            }
            long warmupEnd = System.nanoTime() + (long) (warmup * 1e9);
            while (System.nanoTime() < warmupEnd) {
                selector.select(key -> cycle(key, selector), 100);
            }
            cycles = 0;
            long start = System.nanoTime();
            long cpuFrom = threads.getCurrentThreadCpuTime();
            long end = start + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                selector.select(key -> cycle(key, selector), 100);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            double busy = (threads.getCurrentThreadCpuTime() - cpuFrom) / 1e9 / elapsed * 100;
            System.out.printf("%.0f %.0f%n", cycles / elapsed, busy);
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
        }
    }

    private void cycle(SelectionKey key, Selector selector) {
        try {
            step((Cycle) key.attachment(), key, selector);
        } catch (IOException e) {
            throw new IllegalStateException("cycle failed: " + e.getMessage(), e);
        }
    }

    private void start(Selector selector) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Cycle cycle = new Cycle(channel);
        if (channel.connect(server)) {
            sendRequest(cycle);
            channel.register(selector, SelectionKey.OP_READ, cycle);
        } else {
            channel.register(selector, SelectionKey.OP_CONNECT, cycle);
        }
    }

    private void step(Cycle c, SelectionKey key, Selector selector) throws IOException {
        if (c.step == Step.CONNECTING) {
            c.channel.finishConnect();
            key.interestOps(SelectionKey.OP_READ);
            sendRequest(c);
            return;
        }
        int n = c.channel.read(c.in);
        if (n < 0) {
            if (c.step != Step.AWAITING_EOF) {
                throw new IOException("server closed the connection at " + c.step);
            }
            c.channel.close(); // cancels the key
            cycles++;
            start(selector);
            return;
        }
        if (c.step == Step.READING_HEAD) {
            int headEnd = headEnd(c.in);
            if (headEnd < 0) {
                return;
            }
            for (int i = 0; i < UPGRADED.length; i++) {
                if (c.in.get(i) != UPGRADED[i]) {
                    throw new IOException("not upgraded: " + new String(c.in.array(), 0, headEnd,
                            StandardCharsets.US_ASCII).lines().findFirst().orElse(""));
                }
            }
            // Nothing follows the head until our Close: keep what did, if anything, as the start of the reply
            c.in.flip().position(headEnd);
            c.in.compact();
            write(c, ByteBuffer.wrap(CLOSE_1000));
            c.step = Step.READING_CLOSE;
        }
        if (c.step == Step.READING_CLOSE && c.in.position() >= 2) {
            int b0 = c.in.get(0);
            int length = c.in.get(1) & 0x7F;
            if ((b0 & 0x0F) != 0x8) {
                throw new IOException("expected a Close, got opcode " + (b0 & 0x0F));
            }
            if (c.in.position() == 2 + length) {
                c.step = Step.AWAITING_EOF;
            } else if (c.in.position() > 2 + length) {
                throw new IOException("data after the Close");
            }
        }
    }

    private void sendRequest(Cycle c) throws IOException {
        c.step = Step.READING_HEAD;
        write(c, request.duplicate());
    }

    /** Small writes into an empty socket buffer: they go at once. */
    private static void write(Cycle c, ByteBuffer bytes) throws IOException {
        c.channel.write(bytes);
        if (bytes.hasRemaining()) {
            throw new IOException("socket buffer full on a handshake-sized write");
        }
    }

    /** Where the head read so far ends (after its blank line), or -1 if it has not ended yet. */
    private static int headEnd(ByteBuffer in) {
        for (int i = 3; i < in.position(); i++) {
            if (in.get(i) == '\n' && in.get(i - 1) == '\r' && in.get(i - 2) == '\n' && in.get(i - 3) == '\r') {
                return i + 1;
            }
        }
        return -1;
    }
}
