package io.pado.runtime;

import io.pado.protocol.Connection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToIntBiFunction;

/**
 * What one link has to write: the engine's output, in order, and the sends that wait for their bytes to be written.
 * A send runs on the engine here, its frames are queued, and it completes once the written total passes its last
 * byte, its count then released from the {@link Backlog}. Bytes go out in gathering writes of up to
 * {@link EventLoop#MAX_GATHER} buffers; pooled buffers go back to the loop's pool once written. Not thread-safe: the
 * loop thread only.
 */
final class Outbox {
    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

    private final EventLoop loop;
    private final Connection engine;
    /**
     * The bytes to write, oldest first: {@code first}, then {@code more}, a queue made the first time two buffers wait
     * at once and kept (a busy connection makes it once; an idle one that only ever waited for one holds none).
     */
    private ByteBuffer first;
    private ArrayDeque<ByteBuffer> more;
    /** Sends whose bytes are not all written yet, oldest first: nodes from the loop's free list. */
    private PendingSend head;
    private PendingSend tail;
    private long enqueued;
    private long written;
    /** Since when queued output has waited with none of it taken; {@link Deadlines#NEVER} when nothing waits. */
    private long waitingSince = Deadlines.NEVER;
    /** Where sends were counted; null until the WebSocket is open. */
    private Backlog backlog;
    /** Whether the bytes waiting passed the high-water mark and have not drained to the low-water mark since. */
    private boolean full;
    /**
     * How the counted bytes held here changed since the scope's queued-bytes gauge was last told: told once per flush,
     * so that an echo, counted in and written out in one turn of the loop, costs the shared gauge nothing.
     */
    private long untoldQueued;

    Outbox(EventLoop loop, Connection engine) {
        this.loop = loop;
        this.engine = engine;
    }

    void countIn(Backlog backlog) {
        this.backlog = backlog;
    }

    /** Queues what the engine has to write; true if there was anything. */
    boolean takeOutput() {
        if (!engine.hasOutput()) {
            return false;
        }
        if (first == null) {
            waitingSince = System.nanoTime();
        }
        for (ByteBuffer b; (b = engine.pollOutput()) != null; ) {
            if (first == null) {
                first = b;
            } else {
                if (more == null) {
                    more = new ArrayDeque<>(3);
                }
                more.add(b);
            }
            enqueued += b.remaining();
        }
        return true;
    }

    /** The first buffer is written: the next takes its place. */
    private ByteBuffer next() {
        ByteBuffer b = first;
        first = more == null ? null : more.poll();
        return b;
    }

    /**
     * Runs a send on the engine with {@code op} and queues its frames; {@code future} or {@code callback} (either may
     * be null) is told once they are written, and {@code countedBytes} released from the backlog then. The engine
     * must take sends. {@code op} is a method reference that captures nothing, so a send from a loop handler
     * allocates no task for it; it returns the message's payload bytes, counted once written, or one of
     * {@link PendingSend}'s values for a control frame.
     */
    <T> void send(ToIntBiFunction<Connection, T> op, T message, CompletableFuture<Void> future,
            Consumer<Throwable> callback, long countedBytes) {
        int messageBytes;
        try {
            messageBytes = op.applyAsInt(engine, message);
        } catch (RuntimeException e) {
            refuse(future, callback, countedBytes, e);
            return;
        }
        takeOutput();
        await(future, callback, countedBytes, messageBytes);
    }

    /**
     * A send that did not reach the engine: its count is released and it is told {@code failure} (null: success, for
     * a Close that need not go); a failure is a lost send.
     */
    void refuse(CompletableFuture<Void> future, Consumer<Throwable> callback, long countedBytes, Throwable failure) {
        if (backlog != null) {
            backlog.release(countedBytes);
            if (failure != null) {
                backlog.counters().sendFailed();
            }
        }
        tell(future, callback, failure);
    }

    /** The write timeout closes the connection: its peer took none of its output for too long. */
    void slowConsumerClosed(InetSocketAddress remote) {
        if (backlog != null) {
            backlog.counters().slowConsumerClosed(remote, 1008, "write timeout", waitingBytes());
        }
    }

    private void await(CompletableFuture<Void> future, Consumer<Throwable> callback, long countedBytes,
            int messageBytes) {
        PendingSend p = loop.takePendingSend();
        p.mark = enqueued;
        p.countedBytes = countedBytes;
        p.messageBytes = messageBytes;
        p.future = future;
        p.callback = callback;
        if (backlog != null) {
            untoldQueued += countedBytes;
        }
        if (tail == null) {
            head = p;
        } else {
            tail.next = p;
        }
        tail = p;
    }

    boolean isEmpty() {
        return first == null;
    }

    long waitingSince() {
        return first == null ? Deadlines.NEVER : waitingSince;
    }

    /** Bytes queued and not yet written. */
    long waitingBytes() {
        return enqueued - written;
    }

    /** True once when the bytes waiting for the peer pass the high-water mark; then not until they drained. */
    boolean filledAboveHighWater(LinkOptions options) {
        if (!full && queuedBytes() > options.highWaterBytes()) {
            full = true;
            return true;
        }
        return false;
    }

    /** True once when the bytes waiting drained to the low-water mark after {@link #filledAboveHighWater}. */
    boolean drainedBelowLowWater(LinkOptions options) {
        if (full && queuedBytes() <= options.lowWaterBytes()) {
            full = false;
            return true;
        }
        return false;
    }

    /** The bytes waiting for the peer: the larger of those queued here and those the sends counted. */
    private long queuedBytes() {
        long waiting = enqueued - written;
        return backlog == null ? waiting : Math.max(waiting, backlog.queued());
    }

    /**
     * Writes what is queued with gathering writes until all is written or the transport takes no more, then tells
     * the sends whose bytes are out. Returns whether everything was written.
     */
    boolean flush(Transport transport, long nowNanos) throws IOException {
        ByteBuffer[] gather = loop.gather();
        // Once even with nothing queued: a TLS transport may have handshake records of its own to write.
        do {
            int n = 0;
            if (first != null) {
                gather[n++] = first;
                // Taken out and put back, not iterated: an iterator would be an object per flush
                while (n < gather.length && more != null && !more.isEmpty()) {
                    gather[n++] = more.pollFirst();
                }
            }
            long w;
            try {
                w = transport.write(gather, 0, n);
            } finally {
                for (int i = n - 1; i >= 1; i--) {
                    more.addFirst(gather[i]); // in order again, for the loop below to give back those written
                }
                Arrays.fill(gather, 0, n, null);
            }
            written += w;
            if (w > 0) {
                waitingSince = nowNanos;
            }
            while (first != null && !first.hasRemaining()) {
                loop.framePool().giveBack(next());
            }
            if (w == 0 || (first != null && n < gather.length)) {
                break; // the socket is full
            }
        } while (first != null);
        settle(written, null);
        tellQueued();
        return first == null;
    }

    /**
     * The socket is gone: buffers go back to the pool, every waiting send fails with what {@code failure} makes (made
     * only if one waits), and so does whoever waits for the backlog to drain, from now on.
     */
    void discard(Supplier<? extends Throwable> failure) {
        engine.discardOutput();
        for (ByteBuffer b; (b = next()) != null; ) {
            loop.framePool().giveBack(b);
        }
        if (head != null) {
            settle(Long.MAX_VALUE, failure.get());
        }
        tellQueued();
        if (backlog != null) {
            backlog.end(failure);
        }
    }

    /** Brings the scope's queued-bytes gauge up to date with what this outbox holds. */
    private void tellQueued() {
        if (untoldQueued != 0 && backlog != null) {
            backlog.counters().queued(untoldQueued);
            untoldQueued = 0;
        }
    }

    /**
     * Tells, in order, the sends whose bytes end at or before {@code upTo}; {@code failure} null for success. Their
     * counts are released from the backlog, and the messages written counted, once for all of them, before any is
     * told: a flush settles several sends for the price of one update of the shared counts.
     */
    private void settle(long upTo, Throwable failure) {
        if (head == null || head.mark > upTo) {
            return;
        }
        if (backlog != null) {
            long released = 0;
            long messages = 0;
            long messageBytes = 0;
            for (PendingSend p = head; p != null && p.mark <= upTo; p = p.next) {
                released += p.countedBytes;
                if (failure == null && p.messageBytes >= 0) {
                    messages++;
                    messageBytes += p.messageBytes;
                } else if (failure != null && p.messageBytes != PendingSend.CLOSE_FRAME) {
                    backlog.counters().sendFailed();
                }
            }
            backlog.release(released);
            untoldQueued -= released;
            if (messages > 0) {
                backlog.counters().sent(messages, messageBytes);
            }
        }
        PendingSend p;
        while ((p = head) != null && p.mark <= upTo) {
            head = p.next;
            if (head == null) {
                tail = null;
            }
            CompletableFuture<Void> future = p.future;
            Consumer<Throwable> callback = p.callback;
            loop.givePendingSend(p);
            tell(future, callback, failure);
        }
    }

    /** Tells a send's future or callback how it ended ({@code failure} null: written). */
    static void tell(CompletableFuture<Void> future, Consumer<Throwable> callback, Throwable failure) {
        if (future != null) {
            if (failure == null) {
                future.complete(null);
            } else {
                future.completeExceptionally(failure);
            }
        }
        if (callback != null) {
            try {
                callback.accept(failure);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "a send callback failed", e);
            }
        }
    }
}
