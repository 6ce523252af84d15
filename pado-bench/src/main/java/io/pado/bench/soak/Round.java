package io.pado.bench.soak;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * One round of the soak on one thread and one selector: open {@code connections} well-behaved WebSockets (at most
 * {@code maxConnecting} handshakes at once), send {@code rate} messages per second in all round-robin over them for
 * {@code seconds} while hostile clients ({@link HostileSide}, on their own thread) come and go, then let every
 * well-behaved connection collect its echoes and close, and every hostile one reach its outcome. Bounded: each phase
 * has a deadline.
 */
final class Round {
    private static final long RAMP_DEADLINE_NANOS = 180_000_000_000L;
    /**
     * Over TLS the ramp is bound by the key exchanges' CPU: about 45 s per 1,000 connections at a load of 11 on the
     * 2-core test machine, so 10,000 need more than the plain ramp's deadline.
     */
    private static final long TLS_RAMP_DEADLINE_NANOS = 600_000_000_000L;
    private static final long END_DEADLINE_NANOS = 60_000_000_000L;
    private static final int MAX_SENDS_PER_ITERATION = 2000;

    final int port;
    /** wss:// mode: the test certificate and client engines; null for ws://. */
    final SoakTls tls;
    /** Well-behaved handshakes in flight at most; see {@link Soak} for why wss:// opens fewer at once. */
    private final int maxConnecting;
    final Tally tally;
    final Messages messages;
    private final long seed;
    private final ByteBuffer scratch = ByteBuffer.allocate(256 << 10);
    private final List<WellBehaved> wellBehaved = new ArrayList<>();
    private Selector selector;
    /** Well-behaved connections still in their opening handshake. */
    private int handshaking;
    /** Seconds the ramp to all connections took. */
    double rampSeconds;

    Round(int port, SoakTls tls, int maxConnecting, Tally tally, Messages messages, long seed) {
        this.port = port;
        this.tls = tls;
        this.maxConnecting = maxConnecting;
        this.tally = tally;
        this.messages = messages;
        this.seed = seed;
    }

    void run(int connections, double seconds, double rate, double hostileRate) throws IOException {
        try (Selector s = Selector.open()) {
            selector = s;
            long t0 = System.nanoTime();
            ramp(connections, t0);
            rampSeconds = (System.nanoTime() - t0) / 1e9;
            long start = System.nanoTime();
            var hostile = new HostileSide(this, seed, start, start + (long) (seconds * 1e9), hostileRate);
            Thread hostileThread = Thread.ofPlatform().name("soak-hostile").start(hostile);
            try {
                traffic(seconds, rate);
                finish();
            } finally {
                try {
                    hostileThread.join(); // bounded: each hostile client ends within its lifetime
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                tally.add(hostile.tally);
            }
        } finally {
            for (WellBehaved w : wellBehaved) {
                w.closeChannel();
            }
        }
    }

    private void ramp(int connections, long t0) throws IOException {
        int next = 0;
        while (true) {
            long now = System.nanoTime();
            long deadline = tls == null ? RAMP_DEADLINE_NANOS : TLS_RAMP_DEADLINE_NANOS;
            if (now - t0 > deadline) {
                tally.fail("ramp: only " + tally.wellBehavedOpened + " connections open after "
                        + deadline / 1_000_000_000 + " s");
                return;
            }
            for (; next < connections && handshaking < maxConnecting; next++) {
                handshaking++;
                // Every fifth connection negotiates permessage-deflate.
                var w = new WellBehaved(this, SocketChannel.open(), next, next % 5 == 0, now);
                wellBehaved.add(w);
                Peer.connect(selector, port, w, 0);
            }
            if (next == connections && handshaking == 0) {
                return;
            }
            select(10);
        }
    }

    private void traffic(double seconds, double rate) throws IOException {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long scheduled = 0;
        int turn = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                return;
            }
            long due = (long) ((now - start) * rate / 1e9);
            for (int n = 0; scheduled < due && n < MAX_SENDS_PER_ITERATION; scheduled++, n++) {
                wellBehaved.get(turn).sendNext(scratch);
                turn = (turn + 1) % wellBehaved.size();
            }
            scheduled = Math.max(scheduled, due - MAX_SENDS_PER_ITERATION); // behind: drop turns, never burst
            select(1);
        }
    }

    private void finish() throws IOException {
        for (WellBehaved w : wellBehaved) {
            w.drain();
        }
        long deadline = System.nanoTime() + END_DEADLINE_NANOS;
        while (true) {
            long now = System.nanoTime();
            boolean allDone = true;
            for (int i = 0; allDone && i < wellBehaved.size(); i++) {
                allDone = wellBehaved.get(i).isDone();
            }
            if (allDone) {
                return;
            }
            if (now > deadline) {
                for (WellBehaved w : wellBehaved) {
                    w.abandon("not closed " + END_DEADLINE_NANOS / 1_000_000_000 + " s after the end");
                }
                return;
            }
            select(10);
        }
    }

    private void select(long millis) throws IOException {
        selector.select(k -> ((Peer) k.attachment()).ready(k), millis);
    }

    /** The server's handshake timeout in this round's mode. */
    long handshakeTimeoutNanos() {
        return SoakServer.handshakeTimeout(tls != null).toNanos();
    }

    /** A new connection's TLS (client role, handshake begun), or null in ws:// mode. Any thread. */
    SoakTls.Pipe newPipe() throws java.io.IOException {
        return tls == null ? null : tls.newPipe(port);
    }

    /** A well-behaved connection is open, or failed before it was. */
    void handshakeOver() {
        handshaking--;
    }

    /** Well-behaved connections of this round; for reports. */
    int wellBehavedCount() {
        return wellBehaved.size();
    }
}
