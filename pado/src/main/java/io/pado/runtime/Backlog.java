package io.pado.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * The bytes a WebSocket has queued for sending and not yet written: counted by senders on any thread, released by
 * the loop as the socket takes them; the high- and low-water marks on that count, and who waits for it to drain.
 * Thread-safe, without locks.
 */
public final class Backlog {
    private static final VarHandle QUEUED;
    private static final VarHandle WAITERS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            QUEUED = lookup.findVarHandle(Backlog.class, "queued", long.class);
            WAITERS = lookup.findVarHandle(Backlog.class, "waiters", ConcurrentLinkedQueue.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LinkOptions options;
    /** Where the connection's scope counts its sends and the bytes they queue. */
    private final Counters counters;
    // Plain volatile fields with VarHandles rather than Atomic* objects: an idle connection holds fewer objects.
    /** Counted by senders (any thread), released by the loop. */
    private volatile long queued;
    /** Futures waiting for the low-water mark, made at the first wait: added by any thread, completed by the loop. */
    private volatile ConcurrentLinkedQueue<CompletableFuture<Void>> waiters;
    /**
     * Set once by the loop when the connection is over: makes what the waiters fail with, only when one waits (an
     * exception's stack trace is not cheap, and most connections end with no one waiting).
     */
    private volatile Supplier<? extends Throwable> ended;

    public Backlog(LinkOptions options, Counters counters) {
        this.options = options;
        this.counters = counters;
    }

    /** The counters of the connection's scope. */
    public Counters counters() {
        return counters;
    }

    /** The bytes queued now. */
    public long queued() {
        return queued;
    }

    public long lowWaterBytes() {
        return options.lowWaterBytes();
    }

    public long highWaterBytes() {
        return options.highWaterBytes();
    }

    public long maxQueuedBytes() {
        return options.maxQueuedBytes();
    }

    /** Counts {@code bytes} as queued unless that passes {@code limit}; whether they were counted. */
    public boolean reserve(long bytes, long limit) {
        long q = (long) QUEUED.getAndAdd(this, bytes) + bytes;
        if (q > limit) {
            QUEUED.getAndAdd(this, -bytes);
            return false;
        }
        return true;
    }

    /** Counts {@code bytes} as queued, whatever the total. */
    public void add(long bytes) {
        QUEUED.getAndAdd(this, bytes);
    }

    /**
     * A future that completes once at most the low-water mark is queued: at once if so, or when the loop releases
     * enough. It fails with what the end brought if the connection is over first.
     */
    public CompletableFuture<Void> drained() {
        Supplier<? extends Throwable> end = ended;
        if (end != null) {
            return CompletableFuture.failedFuture(end.get());
        }
        var future = new CompletableFuture<Void>();
        var w = waiters;
        if (w == null) {
            WAITERS.compareAndSet(this, null, new ConcurrentLinkedQueue<CompletableFuture<Void>>());
            w = waiters;
        }
        w.add(future);
        // Again after adding: the loop may have released or ended before it could see this future
        if (queued <= options.lowWaterBytes()) {
            future.complete(null);
        } else if ((end = ended) != null) {
            future.completeExceptionally(end.get());
        }
        return future;
    }

    /** Loop thread: {@code bytes} counted by sends were written or dropped. */
    void release(long bytes) {
        long low = options.lowWaterBytes();
        long q = (long) QUEUED.getAndAdd(this, -bytes) - bytes;
        var w = waiters;
        if (q <= low && w != null && !w.isEmpty()) {
            CompletableFuture<Void> f;
            // Again before each: a sender may fill the queue and wait again meanwhile
            while (queued <= low && (f = w.poll()) != null) {
                f.complete(null);
            }
        }
    }

    /**
     * Loop thread: the connection is over; whoever waits, and waits from now on, fails with what {@code failure}
     * makes.
     */
    void end(Supplier<? extends Throwable> failure) {
        ended = failure;
        var w = waiters;
        if (w == null || w.isEmpty()) {
            return;
        }
        Throwable made = failure.get();
        CompletableFuture<Void> f;
        while ((f = w.poll()) != null) {
            f.completeExceptionally(made);
        }
    }

    /** Whether the connection is over. */
    public boolean isEnded() {
        return ended != null;
    }
}
