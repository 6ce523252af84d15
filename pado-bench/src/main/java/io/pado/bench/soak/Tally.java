package io.pado.bench.soak;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What the client saw, summed over rounds; the first few failures are kept verbatim. Client thread only. */
final class Tally {
    private static final int MAX_KEPT = 30;
    /** Kept failures that start alike (first 24 characters) at most. */
    private static final int MAX_KEPT_ALIKE = 3;

    long wellBehavedOpened;
    long wellBehavedClosedCleanly;
    long deflateConnections;
    long messagesSent;
    long messagesEchoed;
    long bytesSent;
    long pingsSent;
    long pongsReceived;
    long skippedBusy;
    long lost;
    long duplicated;
    long reordered;
    long corrupted;
    long badPongs;
    long unexpectedCloses;
    long connectionFailures;
    long hostileSkipped;
    /** How long each well-behaved connection took from connect() to the 101 (TCP, TLS, HTTP), in nanoseconds. */
    private long[] openingNanos = new long[1024];
    private int openings;
    /** Hostile connections started, and those that got what was expected, by kind. */
    final Map<Hostile.Kind, long[]> hostile = new EnumMap<>(Hostile.Kind.class);
    long failures;
    final List<String> kept = new ArrayList<>();

    Tally() {
        for (Hostile.Kind kind : Hostile.Kind.values()) {
            hostile.put(kind, new long[2]);
        }
    }

    void fail(String what) {
        failures++;
        String start = what.substring(0, Math.min(24, what.length()));
        if (kept.size() < MAX_KEPT && kept.stream().filter(k -> k.startsWith(start)).count() < MAX_KEPT_ALIKE) {
            kept.add(what);
        }
    }

    /** Adds another thread's hostile counts and failures to these; after that thread has ended. */
    void add(Tally other) {
        hostileSkipped += other.hostileSkipped;
        other.hostile.forEach((kind, n) -> {
            hostile.get(kind)[0] += n[0];
            hostile.get(kind)[1] += n[1];
        });
        failures += other.failures;
        for (String k : other.kept) {
            if (kept.size() < MAX_KEPT) {
                kept.add(k);
            }
        }
    }

    /** A well-behaved connection is open, {@code nanos} after its connect() began. */
    void opened(long nanos) {
        if (openings == openingNanos.length) {
            openingNanos = java.util.Arrays.copyOf(openingNanos, 2 * openings);
        }
        openingNanos[openings++] = nanos;
    }

    /** The opening time at {@code quantile} (0.5: median, 1: the longest), in milliseconds; 0 if none. */
    double openingMillis(double quantile) {
        if (openings == 0) {
            return 0;
        }
        long[] sorted = java.util.Arrays.copyOf(openingNanos, openings);
        java.util.Arrays.sort(sorted);
        return sorted[(int) Math.min(openings - 1, Math.floor(quantile * openings))] / 1e6;
    }

    long hostileStarted(Hostile.Kind kind) {
        return hostile.get(kind)[0];
    }

    long hostilePassed(Hostile.Kind kind) {
        return hostile.get(kind)[1];
    }
}
