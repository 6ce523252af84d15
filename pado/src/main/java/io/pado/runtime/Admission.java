package io.pado.runtime;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Who may connect and upgrade: a count of open sockets per remote address, and one token bucket for WebSocket
 * handshakes across the server. Thread-safe: every event loop calls it; it never blocks.
 */
public final class Admission {
    private final int maxPerAddress;
    /** Sockets per address; an address leaves the map when its last socket closes, so the map cannot grow. */
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    /** 0 when handshakes are not limited. */
    private final long intervalNanos;
    private final long periodNanos;
    private final LongSupplier nanoClock;
    /**
     * The generic cell rate algorithm's "theoretical arrival time": the bucket is full at or before it, and a
     * handshake may pass while it lies at most one period ahead of now. One CAS per handshake, no lock.
     */
    private final AtomicLong fullAt;

    /**
     * @param maxPerAddress 0 for no limit
     * @param permits       handshakes per {@code periodNanos}, in bursts of up to that many; 0 for no limit
     * @param nanoClock     monotonic nanoseconds; tests pass a fake clock
     */
    public Admission(int maxPerAddress, int permits, long periodNanos, LongSupplier nanoClock) {
        this.maxPerAddress = maxPerAddress;
        this.nanoClock = nanoClock;
        this.periodNanos = permits == 0 ? 0 : periodNanos;
        this.intervalNanos = permits == 0 ? 0 : Math.max(1, periodNanos / permits);
        this.fullAt = new AtomicLong(nanoClock.getAsLong());
    }

    /** Counts a new socket from {@code address}; false, counting nothing, if that address has its maximum. */
    boolean admitConnection(InetAddress address) {
        if (maxPerAddress == 0) {
            return true;
        }
        boolean[] admitted = {false};
        perAddress.compute(address, (a, count) -> {
            int n = count == null ? 0 : count;
            if (n >= maxPerAddress) {
                return count;
            }
            admitted[0] = true;
            return n + 1;
        });
        return admitted[0];
    }

    /** A socket counted by {@link #admitConnection} has closed. */
    void releaseConnection(InetAddress address) {
        if (maxPerAddress != 0) {
            perAddress.computeIfPresent(address, (a, count) -> count == 1 ? null : count - 1);
        }
    }

    /** How many addresses have open sockets counted now (tests: it returns to 0 when all are closed). */
    int trackedAddresses() {
        return perAddress.size();
    }

    /**
     * Takes a token for one handshake: 0 if there was one, else how many nanoseconds until there will be (and
     * nothing is taken).
     */
    public long takeHandshake() {
        if (intervalNanos == 0) {
            return 0;
        }
        long now = nanoClock.getAsLong();
        while (true) {
            long full = fullAt.get();
            long next = Math.max(full, now) + intervalNanos;
            long ahead = next - now;
            if (ahead > periodNanos) {
                return ahead - periodNanos;
            }
            if (fullAt.compareAndSet(full, next)) {
                return 0;
            }
        }
    }
}
