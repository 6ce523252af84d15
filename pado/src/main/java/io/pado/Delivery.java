package io.pado;

import io.pado.protocol.Event;
import io.pado.runtime.EventLoop;
import io.pado.runtime.Link;
import io.pado.runtime.LinkListener;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * Hands an open WebSocket's events to its {@link Handler}: one switch over the engine's events, each a call on the
 * event loop ({@link Dispatch#EVENT_LOOP}: the handler sees the loop's buffers, valid during the call) or on the
 * connection's virtual thread ({@link Dispatch#VIRTUAL_THREADS}: it gets copies). Either way the calls of one
 * connection run one at a time, in order. When handlers on other threads fall behind by more than the high-water
 * mark, the link stops reading until they catch up. The Close that answers the peer's waits until the handlers have
 * returned from the calls before it, so that their answers go first.
 *
 * <p>Threads: {@link #onEvent}, {@link #onFailure} and {@link #onClosed} on the loop; the handler calls where the
 * dispatch says.
 */
final class Delivery implements LinkListener {
    private static final System.Logger LOG = System.getLogger(Delivery.class.getName());
    private static final VarHandle INBOUND;
    private static final VarHandle PAUSED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            INBOUND = lookup.findVarHandle(Delivery.class, "inbound", long.class);
            PAUSED = lookup.findVarHandle(Delivery.class, "paused", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Session session;
    private final Handler handler;
    /** Null: handlers run on the loop. */
    private final Dispatcher dispatcher;
    private final long lowWaterBytes;
    private final long highWaterBytes;
    /** Received bytes handed to the dispatcher and not yet handled: added by the loop, removed by handlers. */
    private volatile long inbound;
    /** Whether reading is paused because handlers are behind. */
    private volatile boolean paused;
    // Loop thread only.
    private boolean closeDelivered;

    Delivery(Session session, Handler handler, Dispatcher dispatcher, long lowWaterBytes, long highWaterBytes) {
        this.session = session;
        this.handler = handler;
        this.dispatcher = dispatcher;
        this.lowWaterBytes = lowWaterBytes;
        this.highWaterBytes = highWaterBytes;
    }

    /** The WebSocket is open: the handler's first call. */
    void opened() {
        deliver(() -> handler.onOpen(session), 0);
    }

    @Override
    public void onEvent(Link link, Event event) {
        if (dispatcher == null) {
            onLoop(link, event);
            return;
        }
        switch (event) {
            case Event.Text t -> deliver(() -> handler.onText(session, t.text()), t.text().length());
            case Event.Binary b -> {
                ByteBuffer data = copy(b.data());
                deliver(() -> handler.onBinary(session, data), data.remaining());
            }
            case Event.Ping p -> {
                ByteBuffer data = copy(p.data());
                deliver(() -> handler.onPing(session, data), data.remaining());
            }
            case Event.Pong p -> {
                ByteBuffer data = copy(p.data());
                deliver(() -> handler.onPong(session, data), data.remaining());
            }
            case Event.Closed c -> {
                if (!closeDelivered) {
                    closeDelivered = true;
                    // Sends fail from here on, not before: the handlers of the messages before it may still answer
                    deliver(() -> {
                        session.closed(c.code());
                        handler.onClose(session, c.code(), c.reason());
                    }, 0);
                }
                // Our answering Close goes after whatever the handlers send for the messages before it
                EventLoop loop = link.loop();
                dispatcher.submit(() -> loop.execute(link::answerClose));
            }
            case Event.TextPart t -> deliver(() -> handler.onTextPart(session, t.text(), t.last()), t.text().length());
            case Event.BinaryPart b -> {
                ByteBuffer data = copy(b.data());
                deliver(() -> handler.onBinaryPart(session, data, b.last()), data.remaining());
            }
            case Event.Request r -> throw unexpected(r);
            case Event.Upgrade u -> throw unexpected(u);
            case Event.Opened o -> throw unexpected(o);
            case Event.Refused r -> throw unexpected(r);
        }
    }

    /** Dispatch.EVENT_LOOP: calls the handler at once, with the loop's (read-only) buffers and no task object. */
    private void onLoop(Link link, Event event) {
        try {
            switch (event) {
                case Event.Text t -> handler.onText(session, t.text());
                case Event.Binary b -> handler.onBinary(session, link.loop().framePool().messageView(b.data()));
                case Event.Ping p -> handler.onPing(session, p.data());
                case Event.Pong p -> handler.onPong(session, p.data());
                case Event.Closed c -> {
                    session.closed(c.code());
                    if (!closeDelivered) {
                        closeDelivered = true;
                        handler.onClose(session, c.code(), c.reason());
                    }
                    link.answerClose();
                }
                case Event.TextPart t -> handler.onTextPart(session, t.text(), t.last());
                case Event.BinaryPart b -> handler.onBinaryPart(session, b.data(), b.last());
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
        deliver(() -> handler.onError(session, cause), 0);
    }

    @Override
    public void onClosed(Link link) {
        // The engine reported the end (1006 when there was no Close) before this, so sends fail already
        if (session.isOpen()) {
            session.closed(1006);
        }
    }

    private static IllegalStateException unexpected(Event event) {
        return new IllegalStateException("unexpected event on an open WebSocket: " + event);
    }

    /** Event buffers die with the next read: a handler on another thread gets a read-only copy. */
    private static ByteBuffer copy(ByteBuffer data) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data.duplicate()).flip();
        return copy.asReadOnlyBuffer();
    }

    private void deliver(Runnable call, long bytes) {
        if (dispatcher == null) {
            run(call);
            return;
        }
        if (bytes > 0 && addInbound(bytes) > highWaterBytes && PAUSED.compareAndSet(this, false, true)) {
            // Handlers are behind: stop reading so that TCP pushes back on the peer instead of our heap growing.
            session.link().pause(Link.PAUSED_FOR_HANDLERS);
            if (inbound <= lowWaterBytes && PAUSED.compareAndSet(this, true, false)) {
                session.link().resume(Link.PAUSED_FOR_HANDLERS);
            }
        }
        dispatcher.submit(() -> {
            run(call);
            if (bytes > 0 && addInbound(-bytes) <= lowWaterBytes && PAUSED.compareAndSet(this, true, false)) {
                Link link = session.link();
                link.loop().execute(() -> link.resume(Link.PAUSED_FOR_HANDLERS));
            }
        });
    }

    private long addInbound(long bytes) {
        return (long) INBOUND.getAndAdd(this, bytes) + bytes;
    }

    private void run(Runnable call) {
        try {
            call.run();
        } catch (Throwable e) {
            handlerFailed(e);
        }
    }

    /** A handler threw: close with 1011 and no details (STYLE §7); the details go to the log. */
    private void handlerFailed(Throwable e) {
        LOG.log(System.Logger.Level.ERROR, "handler failed on " + session + "; closing with 1011", e);
        Link link = session.link();
        link.loop().execute(() -> link.close(1011, "internal error"));
    }
}
