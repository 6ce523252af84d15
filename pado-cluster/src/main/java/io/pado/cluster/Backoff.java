package io.pado.cluster;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Waits between retries: 50 ms doubling to 1 s, with jitter so that nodes do not retry in step. Not thread-safe:
 * one per retrying loop.
 */
final class Backoff {
    static final long FIRST_MILLIS = 50;
    static final long MAX_MILLIS = 1000;
    private long nextMillis = FIRST_MILLIS;

    void reset() {
        nextMillis = FIRST_MILLIS;
    }

    /** How long to wait now; the next wait doubles. */
    long nextMillis() {
        long wait = nextMillis / 2 + ThreadLocalRandom.current().nextLong(nextMillis / 2 + 1);
        nextMillis = Math.min(nextMillis * 2, MAX_MILLIS);
        return wait;
    }

    /** Waits the next delay on {@code wake} (which {@code lock} guards), or less if it is signalled. */
    void await(ReentrantLock lock, Condition wake) throws InterruptedException {
        lock.lock();
        try {
            wake.await(nextMillis(), TimeUnit.MILLISECONDS);
        } finally {
            lock.unlock();
        }
    }
}
