package io.pado;

import io.pado.runtime.Backlog;
import io.pado.runtime.Counters;
import io.pado.runtime.LinkOptions;
import io.pado.runtime.Link;
import java.util.Optional;

/**
 * What the WebSockets of one server or one client share: their {@link ConnectionOptions}, the event loops' view of
 * them ({@link LinkOptions}) and the virtual threads their handlers run on ({@link HandlerThreads}). {@link #open}
 * turns a link whose handshake succeeded into a WebSocket; the sessions it makes name this object as their owner, so
 * that a broadcast reaches only its own server's connections. Immutable and thread-safe.
 */
final class Sessions {
    private static final System.Logger LOG = System.getLogger(Sessions.class.getName());

    private final ConnectionOptions options;
    private final LinkOptions linkOptions;
    private final HandlerThreads handlerThreads;

    Sessions(ConnectionOptions options, LinkOptions linkOptions, String threadName) {
        this.options = options;
        this.linkOptions = linkOptions;
        this.handlerThreads = new HandlerThreads(threadName);
    }

    ConnectionOptions options() {
        return options;
    }

    LinkOptions linkOptions() {
        return linkOptions;
    }

    /**
     * Runs {@code call} on a virtual thread of {@link HandlerThreads}: for work that may block, such as the
     * application's code. {@code call} must not throw.
     */
    void runOnVirtualThread(Runnable call) {
        handlerThreads.run(call);
    }

    /** Ends the virtual threads that wait for work; after the loops stopped. */
    void close() {
        handlerThreads.close();
    }

    /**
     * Runs {@code call} where handlers run: at once on this thread (the loop) with {@link Dispatch#EVENT_LOOP},
     * otherwise on a new virtual thread.
     */
    void runAsHandler(Runnable call) {
        if (options.dispatch() == Dispatch.EVENT_LOOP) {
            call.run();
        } else {
            runOnVirtualThread(call);
        }
    }

    /**
     * Opens the WebSocket of a link whose engine is now OPEN: its send queue, its face and the delivery of its events
     * to {@code handler}, which gets {@link Handler#onOpen} first; it counts in {@code counters} (its endpoint's, or
     * the client's). On the link's loop.
     */
    Session open(Link link, Handler handler, SlowConsumerPolicy policy, String path,
            io.pado.protocol.Headers handshakeHeaders, Optional<String> subprotocol, Object attachment,
            Counters counters) {
        counters.opened(link.remoteAddress());
        var backlog = new Backlog(linkOptions, counters);
        var session = new Session(link, backlog, policy, this, path, handshakeHeaders, subprotocol, attachment);
        var delivery = new Delivery(session, handler, options.dispatch() == Dispatch.VIRTUAL_THREADS
                ? handlerThreads : null, options.lowWaterBytes(), options.highWaterBytes(), counters);
        LOG.log(System.Logger.Level.DEBUG, "WebSocket open: {0} {1}", link, path);
        link.open(delivery, backlog);
        delivery.opened();
        return session;
    }
}
