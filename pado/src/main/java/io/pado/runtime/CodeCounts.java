package io.pado.runtime;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many times each code (an HTTP status, a close code) came up. Codes are few and come up once per connection at
 * most, never per message: a map of adders is enough. Thread-safe.
 */
final class CodeCounts {
    private final ConcurrentHashMap<Integer, LongAdder> counts = new ConcurrentHashMap<>();

    void increment(int code) {
        counts.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    long get(int code) {
        LongAdder a = counts.get(code);
        return a == null ? 0 : a.sum();
    }

    long total() {
        long sum = 0;
        for (LongAdder a : counts.values()) {
            sum += a.sum();
        }
        return sum;
    }

    /** The counts by code, in code order: a copy. */
    Map<Integer, Long> snapshot() {
        var copy = new TreeMap<Integer, Long>();
        counts.forEach((code, a) -> copy.put(code, a.sum()));
        return copy;
    }
}
