package io.pado;

import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The virtual threads that run handlers ({@link Dispatch#VIRTUAL_THREADS}) and other application code, kept between
 * tasks: a task goes to a thread that waits for work when there is one, else to a new virtual thread, so a task that
 * blocks never holds up another. Starting a virtual thread for every hand-off costs more than the hand-off itself (a
 * thread object, its name, its entry in the JDK's thread registry); a waiting thread only needs to be unparked. At
 * most {@link #MAX_WAITING} threads wait for work; the others end, so idle connections cost no thread.
 *
 * <p>Tasks of one connection must not run at the same time: {@link Delivery} hands a connection over only when no
 * thread runs it. Thread-locals set by one task may be seen by a later task on the same thread, as in any pool.
 * Thread-safe.
 */
final class HandlerThreads {
    /** Enough to keep up with two loops' hand-offs, few enough that waiting threads cost nothing worth counting. */
    static final int MAX_WAITING = 64;
    private static final Runnable STOP = () -> { };

    private final ThreadFactory threads;
    private final LinkedTransferQueue<Runnable> tasks = new LinkedTransferQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile boolean closed;

    /** Threads named {@code name} (one name for all: numbering each costs more than it tells). */
    HandlerThreads(String name) {
        this.threads = Thread.ofVirtual().name(name).factory();
    }

    /** Runs {@code task} on a waiting thread, or on a new one. {@code task} must not throw. */
    void run(Runnable task) {
        if (!tasks.tryTransfer(task)) {
            threads.newThread(() -> serve(task)).start();
        }
    }

    /** Ends the waiting threads; threads that run a task end after it. */
    void close() {
        closed = true;
        // One STOP for every thread counted as waiting: it may not be inside take() yet, so queue rather than hand
        // over. A thread that starts to wait after this sees closed and ends.
        for (int i = waiting.get(); i > 0; i--) {
            tasks.offer(STOP);
        }
    }

    /** Number of threads waiting for a task; for tests. */
    int waiting() {
        return waiting.get();
    }

    private void serve(Runnable first) {
        Runnable task = first;
        while (task != STOP) {
            task.run();
            if (waiting.incrementAndGet() > MAX_WAITING || closed) {
                waiting.decrementAndGet();
                return;
            }
            try {
                task = tasks.take();
            } catch (InterruptedException e) {
                return; // a task left its thread interrupted: the thread ends rather than carry that on
            } finally {
                waiting.decrementAndGet();
            }
        }
    }
}
