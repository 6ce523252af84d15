package io.pado.cluster;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * This node's view of its broker, shared by the topics, their followers and their publish queues: whether it
 * answers, and the listener that hears of it. Any thread that sees the broker fail says so ({@link #failed}); the
 * beat thread pings it until it answers again ({@link #pingIfDown}); publishes wait for that ({@link #awaitUp}).
 * Events reach the listener one at a time, in order, on {@code pado-cluster-events}. Thread-safe.
 */
final class BrokerWatch {
    private static final System.Logger LOG = System.getLogger(BrokerWatch.class.getName());

    final Broker broker;
    private final Consumer<ClusterEvent> listener;
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform()
            .name("pado-cluster-events").daemon().unstarted(r));
    /** Set by any thread that saw the broker fail; cleared by the beat thread once a ping answers. */
    private final AtomicBoolean down = new AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the broker comes back, when the topics close, and when the beat thread has work. */
    private final Condition changed = lock.newCondition();
    private volatile boolean closed;

    BrokerWatch(Broker broker, Consumer<ClusterEvent> listener) {
        this.broker = broker;
        this.listener = listener;
    }

    /** Whether the broker answered the last time this node asked. */
    boolean isUp() {
        return !down.get();
    }

    boolean isClosed() {
        return closed;
    }

    /** Hands {@code event} to the listener on the events thread; nothing once closed. */
    void event(ClusterEvent event) {
        if (closed) {
            return;
        }
        try {
            events.execute(() -> {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "cluster: the event listener threw", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // closed meanwhile: nobody listens any more
        }
    }

    /** Called by any thread that saw the broker fail; the beat thread pings it until it answers. */
    void failed(Throwable cause) {
        if (!closed && down.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "cluster: {0} failed ({1}): publishes wait until it is back",
                    broker.describe(), String.valueOf(cause.getMessage()));
            event(new ClusterEvent.BrokerDown(cause));
            signal();
        }
    }

    /** Waits until the broker is up again or the topics close, at most {@code millis}. */
    void awaitUp(long millis) throws InterruptedException {
        lock.lock();
        try {
            if (down.get() && !closed) {
                changed.await(millis, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** For the beat thread: pings a broker that is down; true if it answered, so that it is up again now. */
    boolean pingIfDown() {
        if (!down.get()) {
            return false;
        }
        try {
            broker.ping();
        } catch (IOException | RuntimeException e) {
            return false; // still down
        }
        if (!down.compareAndSet(true, false)) {
            return false;
        }
        LOG.log(System.Logger.Level.WARNING, "cluster: {0} is back", broker.describe());
        event(new ClusterEvent.BrokerUp());
        signal();
        return true;
    }

    /** Wakes whoever waits in {@link #awaitUp} or {@link #await}. */
    void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * For the beat thread: waits up to {@code nanos} for a {@link #signal}, unless the topics are closed or
     * {@code workWaiting} says there is work already (checked under the lock that signals take, so none is missed).
     */
    void await(long nanos, BooleanSupplier workWaiting) throws InterruptedException {
        lock.lock();
        try {
            if (!closed && !workWaiting.getAsBoolean()) {
                changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The topics close: nothing waits any more, and failures are no longer reported. */
    void close() {
        closed = true;
        signal();
    }

    /** After {@link #close}: the events thread ends once it has handed over what it had. */
    void endEvents() {
        events.shutdown();
    }
}
