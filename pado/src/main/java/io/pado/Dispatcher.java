package io.pado;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one connection's handler calls one at a time, in submission order, on virtual threads: a virtual thread is
 * started when work arrives and none is running, and it drains the queue. Thread-safe: submit from the loop, run on
 * the virtual thread; no lock is held while user code runs.
 */
final class Dispatcher {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Tasks submitted and not yet finished; the thread that moves it from 0 starts the drain. */
    private final AtomicInteger count = new AtomicInteger();
    private final ThreadFactory threads;

    Dispatcher(ThreadFactory threads) {
        this.threads = threads;
    }

    void submit(Runnable task) {
        tasks.add(task);
        if (count.getAndIncrement() == 0) {
            threads.newThread(this::drain).start();
        }
    }

    private void drain() {
        do {
            // Never null: count > 0 means a task was added before the count was raised.
            tasks.poll().run();
        } while (count.decrementAndGet() != 0);
    }
}
