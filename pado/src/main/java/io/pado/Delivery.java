package io.pado;

import io.pado.protocol.Event;
import io.pado.runtime.Counters;
import io.pado.runtime.Link;
import io.pado.runtime.LinkListener;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands an open WebSocket's events to its {@link Handler}: one switch over the engine's events, each a call on the
 * event loop ({@link Dispatch#EVENT_LOOP}: the handler sees the loop's buffers, valid during the call) or on the
 * connection's virtual thread ({@link Dispatch#VIRTUAL_THREADS}: it gets copies). Either way the calls of one
 * connection run one at a time, in order. The Close that answers the peer's waits until the handlers have returned
 * from the calls before it, so that their answers go first.
 *
 * <p>With virtual threads, the events of one read are gathered and handed over at once, at the end of the read: one
 * hand-off to a virtual thread of {@link HandlerThreads} for many messages, and that thread takes whatever else arrived
 * before it moves on. When the handlers fall behind by more than the high-water mark of received bytes, the link stops
 * reading until they catch up.
 *
 * <p>Threads: {@link #onEvent}, {@link #onEventsEnd}, {@link #onFailure} and {@link #onClosed} on the loop; the
 * handler calls where the dispatch says.
 */
final class Delivery implements LinkListener {
    private static final System.Logger LOG = System.getLogger(Delivery.class.getName());
    private static final VarHandle INBOUND;
    private static final VarHandle PAUSED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            INBOUND = lookup.findVarHandle(Handoff.class, "inbound", long.class);
            PAUSED = lookup.findVarHandle(Handoff.class, "paused", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What the handler thread is asked to do besides delivering an event. */
    private enum Step { OPEN, ANSWER_CLOSE }

    private final Session session;
    private final Handler handler;
    /** The endpoint's (or the client's) counters: messages received, closes. */
    private final Counters counters;
    private final long openedAtNanos = System.nanoTime();
    /** Null: handlers run on the loop, and an idle connection holds none of the hand-off's state. */
    private final Handoff handoff;
    private boolean closeDelivered;
    /**
     * A callback threw: the connection is closing with 1011 and only onClose is called from now on (Handler's
     * contract), not the messages already read behind the one that failed. Where the handler runs: the loop, or the
     * handler threads one after another (the hand-off's lock orders them).
     */
    private boolean handlerFailed;
    /** Loop: messages and payload bytes received in this read, told to the counters once at its end. */
    private long readMessages;
    private long readBytes;

    /** The state of the hand-off to handler threads (Dispatch.VIRTUAL_THREADS only). */
    private static final class Handoff {
        final HandlerThreads threads;
        final long lowWaterBytes;
        final long highWaterBytes;
        final ReentrantLock lock = new ReentrantLock();
        // Loop thread only: what this read brought, not yet handed over.
        ArrayList<Object> gathered;
        long gatheredBytes;
        /** {@link #drain}, made once: a hand-off allocates nothing of its own. */
        final Runnable drainer;
        /** Received bytes handed to the handler thread and not yet handled: added by the loop, removed by handlers. */
        volatile long inbound;
        /** Whether reading is paused because handlers are behind. */
        volatile boolean paused;
        /** Handed over and not yet taken by the handler thread; null when nothing waits. */
        ArrayList<Object> handedOver; // guarded by lock
        /** Whether a handler thread runs (and will look at handedOver again before it ends). */
        boolean running; // guarded by lock

        Handoff(HandlerThreads threads, long lowWaterBytes, long highWaterBytes, Runnable drainer) {
            this.threads = threads;
            this.drainer = drainer;
            this.lowWaterBytes = lowWaterBytes;
            this.highWaterBytes = highWaterBytes;
        }
    }

    /** {@code virtualThreads} null: handlers run on the loop, and the water marks are not used. */
    Delivery(Session session, Handler handler, HandlerThreads virtualThreads, long lowWaterBytes,
            long highWaterBytes, Counters counters) {
        this.session = session;
        this.counters = counters;
        this.handler = handler;
        if (virtualThreads == null) {
            handoff = null;
        } else {
            handoff = new Handoff(virtualThreads, lowWaterBytes, highWaterBytes, this::drain);
        }
    }

    /** The WebSocket is open: the handler's first call. On the loop. */
    void opened() {
        if (handoff == null) {
            run(Step.OPEN);
        } else {
            gather(Step.OPEN, 0);
            handOver();
        }
    }

    @Override
    public void onEvent(Link link, Event event) {
        count(event);
        if (handoff == null) {
            onLoop(link, event);
            return;
        }
        // Event buffers die with the next read: the handler thread gets read-only copies
        switch (event) {
            case Event.Text t -> gather(t, t.text().length());
            case Event.Binary b -> {
                ByteBuffer data = copy(b.data());
                gather(data, data.remaining());
            }
            case Event.TextPart t -> gather(t, t.text().length());
            case Event.BinaryPart b -> {
                ByteBuffer data = copy(b.data());
                gather(new Event.BinaryPart(data, b.last()), data.remaining());
            }
            case Event.Ping p -> gather(new Event.Ping(copy(p.data())), p.data().remaining());
            case Event.Pong p -> gather(new Event.Pong(copy(p.data())), p.data().remaining());
            case Event.Closed c -> {
                if (!closeDelivered) {
                    closeDelivered = true;
                    countClose(c);
                    gather(c, 0);
                }
                // Our answering Close goes after whatever the handlers send for the messages before it
                gather(Step.ANSWER_CLOSE, 0);
            }
            case Event.Request r -> throw unexpected(r);
            case Event.Upgrade u -> throw unexpected(u);
            case Event.Opened o -> throw unexpected(o);
            case Event.Refused r -> throw unexpected(r);
        }
    }

    @Override
    public void onEventsEnd(Link link) {
        countRead();
        if (handoff != null && handoff.gathered != null) {
            handOver();
        }
    }

    /** Dispatch.EVENT_LOOP: calls the handler at once, with the loop's (read-only) buffers and no task object. */
    private void onLoop(Link link, Event event) {
        if (handlerFailed && !(event instanceof Event.Closed)) {
            return;
        }
        try {
            switch (event) {
                case Event.Text t -> handler.onText(session, t.text());
                case Event.Binary b -> handler.onBinary(session, link.loop().framePool().messageView(b.data()));
                case Event.TextPart t -> handler.onTextPart(session, t.text(), t.last());
                case Event.BinaryPart b -> handler.onBinaryPart(session, b.data(), b.last());
                case Event.Ping p -> handler.onPing(session, p.data());
                case Event.Pong p -> handler.onPong(session, p.data());
                case Event.Closed c -> {
                    session.closed(c.code());
                    if (!closeDelivered) {
                        closeDelivered = true;
                        countClose(c);
                        handler.onClose(session, c.code(), c.reason());
                    }
                    link.answerClose();
                }
                case Event.Request r -> throw unexpected(r);
                case Event.Upgrade u -> throw unexpected(u);
                case Event.Opened o -> throw unexpected(o);
                case Event.Refused r -> throw unexpected(r);
            }
        } catch (Throwable e) {
            handlerFailed(e);
        }
    }

    @Override
    public void onFailure(Link link, Throwable cause) {
        if (handoff == null) {
            run(cause);
        } else {
            gather(cause, 0);
            handOver();
        }
    }

    @Override
    public void onClosed(Link link) {
        // The engine reported the end (1006 when there was no Close) before this, so sends fail already
        if (session.isOpen()) {
            session.closed(1006);
        }
    }

    /** Counts a message received (a message in parts counts once, with its last part). */
    private void count(Event event) {
        switch (event) {
            case Event.Text t -> tally(1, t.utf8Bytes());
            case Event.Binary b -> tally(1, b.data().remaining());
            case Event.TextPart t -> tally(t.last() ? 1 : 0, t.utf8Bytes());
            case Event.BinaryPart b -> tally(b.last() ? 1 : 0, b.data().remaining());
            case Event.Ping p -> { }
            case Event.Pong p -> { }
            case Event.Closed c -> countRead(); // its handler sees the count up to date; the close: countClose
            case Event.Request r -> { }
            case Event.Upgrade u -> { }
            case Event.Opened o -> { }
            case Event.Refused r -> { }
        }
    }

    private void tally(int messages, long bytes) {
        readMessages += messages;
        readBytes += bytes;
    }

    /** The shared counters hear of a read's messages once, not once per message. */
    private void countRead() {
        if (readBytes > 0 || readMessages > 0) {
            counters.received(readMessages, readBytes);
            readMessages = 0;
            readBytes = 0;
        }
    }

    /** The WebSocket is closed as far as its handler is concerned: counted, and recorded with how long it was open. */
    private void countClose(Event.Closed c) {
        counters.closed(session.remoteAddress(), c.code(), c.reason(), System.nanoTime() - openedAtNanos);
    }

    private static IllegalStateException unexpected(Event event) {
        return new IllegalStateException("unexpected event on an open WebSocket: " + event);
    }

    private static ByteBuffer copy(ByteBuffer data) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data.duplicate()).flip();
        return copy.asReadOnlyBuffer();
    }

    // ------------------------------------------------------------------------ the hand-off to the handler thread

    /** Loop: keeps {@code item} for the hand-off at the end of this read. */
    private void gather(Object item, long bytes) {
        Handoff h = handoff;
        if (h.gathered == null) {
            h.gathered = new ArrayList<>(8); // a read of a busy connection brings several messages: no regrowing
        }
        h.gathered.add(item);
        h.gatheredBytes += bytes;
    }

    /** Loop: hands what this read gathered to the handler thread, starting one if none runs. */
    private void handOver() {
        Handoff h = handoff;
        ArrayList<Object> items = h.gathered;
        long bytes = h.gatheredBytes;
        h.gathered = null;
        h.gatheredBytes = 0;
        if (bytes > 0 && addInbound(bytes) > h.highWaterBytes && PAUSED.compareAndSet(h, false, true)) {
            // Handlers are behind: stop reading so that TCP pushes back on the peer instead of our heap growing.
            session.link().pause(Link.PAUSED_FOR_HANDLERS);
            if (h.inbound <= h.lowWaterBytes && PAUSED.compareAndSet(h, true, false)) {
                session.link().resume(Link.PAUSED_FOR_HANDLERS);
            }
        }
        boolean start;
        h.lock.lock();
        try {
            if (h.handedOver == null) {
                h.handedOver = items;
            } else {
                h.handedOver.addAll(items);
            }
            start = !h.running;
            h.running = true;
        } finally {
            h.lock.unlock();
        }
        if (start) {
            h.threads.run(h.drainer);
        }
    }

    /** The handler thread: runs what was handed over, in order, until nothing more waits. */
    private void drain() {
        Handoff h = handoff;
        while (true) {
            ArrayList<Object> items;
            h.lock.lock();
            try {
                items = h.handedOver;
                h.handedOver = null;
                if (items == null) {
                    h.running = false;
                    return;
                }
            } finally {
                h.lock.unlock();
            }
            long handled = 0;
            for (int i = 0; i < items.size(); i++) {
                Object item = items.get(i);
                handled += bytesOf(item);
                run(item);
            }
            if (handled > 0 && addInbound(-handled) <= h.lowWaterBytes && PAUSED.compareAndSet(h, true, false)) {
                Link link = session.link();
                link.loop().execute(() -> link.resume(Link.PAUSED_FOR_HANDLERS));
            }
        }
    }

    /** The bytes {@link #onEvent} counted for {@code item}. */
    private static long bytesOf(Object item) {
        return switch (item) {
            case Event.Text t -> t.text().length();
            case ByteBuffer b -> b.remaining();
            case Event.TextPart t -> t.text().length();
            case Event.BinaryPart b -> b.data().remaining();
            case Event.Ping p -> p.data().remaining();
            case Event.Pong p -> p.data().remaining();
            default -> 0;
        };
    }

    /** One handler call, or a step; a handler that throws closes the connection. */
    private void run(Object item) {
        if (handlerFailed && !(item instanceof Event.Closed || item instanceof Step)) {
            return;
        }
        try {
            switch (item) {
                case Event.Text t -> handler.onText(session, t.text());
                case ByteBuffer data -> handler.onBinary(session, data);
                case Event.TextPart t -> handler.onTextPart(session, t.text(), t.last());
                case Event.BinaryPart b -> handler.onBinaryPart(session, b.data(), b.last());
                case Event.Ping p -> handler.onPing(session, p.data());
                case Event.Pong p -> handler.onPong(session, p.data());
                case Event.Closed c -> {
                    // Sends fail from here on, not before: the handlers of the messages before it may still answer
                    session.closed(c.code());
                    handler.onClose(session, c.code(), c.reason());
                }
                case Throwable cause -> handler.onError(session, cause);
                case Step step -> {
                    switch (step) {
                        case OPEN -> handler.onOpen(session);
                        case ANSWER_CLOSE -> {
                            Link link = session.link();
                            link.loop().execute(link::answerClose);
                        }
                    }
                }
                default -> throw new IllegalStateException("not a delivery: " + item);
            }
        } catch (Throwable e) {
            handlerFailed(e);
        }
    }

    private long addInbound(long bytes) {
        return (long) INBOUND.getAndAdd(handoff, bytes) + bytes;
    }

    /** A handler threw: close with 1011 and no details (STYLE §7); the details go to the log. */
    private void handlerFailed(Throwable e) {
        handlerFailed = true;
        LOG.log(System.Logger.Level.ERROR, "handler failed on " + session + "; closing with 1011", e);
        Link link = session.link();
        link.loop().execute(() -> link.close(1011, "internal error"));
    }
}
