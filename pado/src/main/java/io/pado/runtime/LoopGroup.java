package io.pado.runtime;

import java.util.concurrent.atomic.AtomicInteger;

/** A fixed set of {@link EventLoop}s; new sockets go to them round-robin. Thread-safe. */
public final class LoopGroup {
    private final EventLoop[] loops;
    private final AtomicInteger next = new AtomicInteger();

    public LoopGroup(String namePrefix, int count, boolean daemon) {
        loops = new EventLoop[count];
        for (int i = 0; i < count; i++) {
            loops[i] = new EventLoop(namePrefix + i, daemon);
        }
    }

    public void start() {
        for (EventLoop loop : loops) {
            loop.start();
        }
    }

    public EventLoop first() {
        return loops[0];
    }

    public EventLoop next() {
        return loops[Math.floorMod(next.getAndIncrement(), loops.length)];
    }

    /** The connections all loops own now. Safe from any thread. */
    public int linkCount() {
        int n = 0;
        for (EventLoop loop : loops) {
            n += loop.linkCount();
        }
        return n;
    }

    /** Whether the calling thread is one of these loops. */
    public boolean inAnyLoop() {
        for (EventLoop loop : loops) {
            if (loop.inLoop()) {
                return true;
            }
        }
        return false;
    }

    EventLoop[] all() {
        return loops.clone();
    }

    /**
     * Sends 1001 to every connection, waits up to {@code millis} for the closing handshakes, then ends the loops,
     * dropping what is left.
     */
    public void stop(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        var drained = new java.util.concurrent.CountDownLatch(loops.length);
        for (EventLoop loop : loops) {
            loop.drain(drained);
        }
        drained.await(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        for (EventLoop loop : loops) {
            loop.shutdown();
        }
        for (EventLoop loop : loops) {
            loop.awaitTermination(Math.max(1000, (deadline - System.nanoTime()) / 1_000_000));
        }
    }
}
