package io.pado.bench.soak;

import java.io.IOException;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The hostile clients of a round, on their own thread and selector: the well-behaved side keeps its thread busy, and
 * a hostile client that sends its request seconds late would be dropped by the handshake timeout for the wrong
 * reason. Starts {@code rate} per second, round-robin over the kinds with a free slot, for the traffic phase; then
 * waits (bounded by {@link Hostile#MAX_LIFETIME_NANOS}) until each has its outcome.
 */
final class HostileSide implements Runnable {
    private final Round round;
    private final long seed;
    private final long startNanos;
    private final long endNanos;
    private final double rate;
    /** This thread's counts; merged into the round's after {@link Thread#join()}. */
    final Tally tally = new Tally();
    private final List<Hostile> live = new ArrayList<>();
    private final Map<Hostile.Kind, Integer> running = new EnumMap<>(Hostile.Kind.class);
    private int started;

    HostileSide(Round round, long seed, long startNanos, long endNanos, double rate) {
        this.round = round;
        this.seed = seed;
        this.startNanos = startNanos;
        this.endNanos = endNanos;
        this.rate = rate;
    }

    @Override
    public void run() {
        try (Selector selector = Selector.open()) {
            Hostile.Kind[] kinds = Hostile.Kind.values();
            long scheduled = 0;
            while (true) {
                long now = System.nanoTime();
                if (now < endNanos) {
                    long due = (long) ((now - startNanos) * rate / 1e9);
                    for (; scheduled < due; scheduled++) {
                        start(selector, kinds, (int) scheduled, now);
                    }
                } else if (live.isEmpty()) {
                    return;
                }
                selector.select(k -> ((Peer) k.attachment()).ready(k), 5);
                tick(System.nanoTime());
            }
        } catch (IOException e) {
            tally.fail("hostile side: " + e);
        } finally {
            for (Hostile h : live) {
                h.closeChannel();
            }
        }
    }

    /** Starts the next kind (round-robin) that has a free slot; counts a skip if none has. */
    private void start(Selector selector, Hostile.Kind[] kinds, int turn, long now) throws IOException {
        for (int i = 0; i < kinds.length; i++) {
            Hostile.Kind kind = kinds[(turn + i) % kinds.length];
            if (running.getOrDefault(kind, 0) < kind.concurrency) {
                running.merge(kind, 1, Integer::sum);
                tally.hostile.get(kind)[0]++;
                var h = new Hostile(round, tally, SocketChannel.open(), kind, Messages.mix(seed ^ started++), now);
                live.add(h);
                Peer.connect(selector, round.port, h, Hostile.receiveBufferBytes(kind));
                return;
            }
        }
        tally.hostileSkipped++;
    }

    private void tick(long now) {
        for (int i = live.size() - 1; i >= 0; i--) {
            Hostile h = live.get(i);
            h.tick(now);
            if (h.isDone()) {
                running.merge(h.kind, -1, Integer::sum);
                live.set(i, live.get(live.size() - 1));
                live.remove(live.size() - 1);
            }
        }
    }
}
