package io.pado.jakarta;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The mutable defaults of a container ({@code setDefaultMaxSessionIdleTimeout} and the like), its session ids, and
 * the one timer thread that idle timeouts share. Thread-safe: the defaults are volatile, read by each new session.
 */
final class ContainerSettings {
    private final AtomicLong nextId = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    /** Written by the container's setters (any thread), read when sessions open. */
    private volatile long asyncSendTimeoutMillis;
    private volatile long maxSessionIdleTimeoutMillis;
    private volatile int maxBinaryMessageBufferSize;
    private volatile int maxTextMessageBufferSize;
    /** Made on first use, under {@link #lock}; a daemon thread that only times idle sessions. */
    private ScheduledExecutorService timer;

    /**
     * Defaults: no send timeout, no idle timeout, message buffers as large as pado's message limit (at most
     * {@code Integer.MAX_VALUE}, the largest a Jakarta buffer size can say).
     */
    ContainerSettings(long maxMessageBytes) {
        int bytes = (int) Math.min(maxMessageBytes, Integer.MAX_VALUE);
        maxBinaryMessageBufferSize = bytes;
        maxTextMessageBufferSize = bytes;
    }

    String nextSessionId() {
        return Long.toString(nextId.incrementAndGet(), 36);
    }

    long asyncSendTimeoutMillis() {
        return asyncSendTimeoutMillis;
    }

    void asyncSendTimeoutMillis(long millis) {
        asyncSendTimeoutMillis = millis;
    }

    long maxSessionIdleTimeoutMillis() {
        return maxSessionIdleTimeoutMillis;
    }

    void maxSessionIdleTimeoutMillis(long millis) {
        maxSessionIdleTimeoutMillis = millis;
    }

    int maxBinaryMessageBufferSize() {
        return maxBinaryMessageBufferSize;
    }

    void maxBinaryMessageBufferSize(int bytes) {
        maxBinaryMessageBufferSize = bytes;
    }

    int maxTextMessageBufferSize() {
        return maxTextMessageBufferSize;
    }

    void maxTextMessageBufferSize(int chars) {
        maxTextMessageBufferSize = chars;
    }

    /** The timer of idle timeouts: one daemon thread, {@code pado-jakarta-timer}, made when first asked for. */
    ScheduledExecutorService timer() {
        lock.lock();
        try {
            if (timer == null) {
                timer = Executors.newSingleThreadScheduledExecutor(task -> {
                    Thread t = new Thread(task, "pado-jakarta-timer");
                    t.setDaemon(true);
                    return t;
                });
            }
            return timer;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the timer thread, if there is one. */
    void close() {
        lock.lock();
        try {
            if (timer != null) {
                timer.shutdownNow();
                timer = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code task} on a new virtual thread: user callbacks never run on a pado event loop. */
    static void runOnVirtualThread(Runnable task) {
        Thread.ofVirtual().name("pado-jakarta-callback").start(task);
    }
}
