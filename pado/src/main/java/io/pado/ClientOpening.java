package io.pado;

import io.pado.protocol.Event;
import io.pado.runtime.Counters;
import io.pado.runtime.Link;
import io.pado.runtime.LinkListener;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;

/**
 * The client's side of a connection until it is a WebSocket (RFC 6455 §4.1): the engine has queued the request; this
 * waits for the server's answer and then opens the WebSocket, or fails {@code result} with the reason. One per
 * connection attempt; its calls come from the link's loop.
 */
final class ClientOpening implements LinkListener {
    private static final System.Logger LOG = System.getLogger(ClientOpening.class.getName());

    private final Sessions sessions;
    /** The client's counters. */
    private final Counters counters;
    private final Handler handler;
    private final String path;
    private final CompletableFuture<WebSocket> result;
    /** The proxy's tunnel under the connection, or null. */
    private final ProxyTunnel tunnel;
    private Throwable failure;
    private boolean opened;

    ClientOpening(Sessions sessions, Counters counters, Handler handler, String path,
            CompletableFuture<WebSocket> result, ProxyTunnel tunnel) {
        this.sessions = sessions;
        this.counters = counters;
        this.handler = handler;
        this.path = path;
        this.result = result;
        this.tunnel = tunnel;
    }

    @Override
    public void onEvent(Link link, Event event) {
        switch (event) {
            case Event.Opened o -> open(link, o);
            case Event.Refused r -> {
                counters.refused(link.remoteAddress(), r.cause().status(), r.cause().getMessage());
                failure = refusal(r.cause());
            }
            case Event.Closed c -> { } // the end of a connection that never became a WebSocket
            case Event.Request r -> throw unexpected(r);
            case Event.Upgrade u -> throw unexpected(u);
            case Event.Text t -> throw unexpected(t);
            case Event.Binary b -> throw unexpected(b);
            case Event.TextPart t -> throw unexpected(t);
            case Event.BinaryPart b -> throw unexpected(b);
            case Event.Ping p -> throw unexpected(p);
            case Event.Pong p -> throw unexpected(p);
        }
    }

    private static IllegalStateException unexpected(Event event) {
        return new IllegalStateException("unexpected event before the WebSocket opened: " + event);
    }

    private void open(Link link, Event.Opened event) {
        opened = true;
        Session session = sessions.open(link, handler, sessions.options().slowConsumerPolicy(), path,
                event.response().headers(), event.subprotocol(), null, counters);
        result.complete(session);
    }

    /** The engine's refusal as the application sees it: the server's status and headers, or status 0. */
    private static HandshakeException refusal(io.pado.protocol.HandshakeException cause) {
        var failure = new HandshakeException(cause.status(), cause.getMessage(), Headers.wrap(cause.headers()));
        if (cause.getCause() != null) {
            failure.initCause(cause.getCause());
        }
        return failure;
    }

    @Override
    public void onFailure(Link link, Throwable cause) {
        if (tunnel != null && !tunnel.isOpen() && cause instanceof SocketTimeoutException) {
            failure = new SocketTimeoutException("proxy " + tunnel.proxy() + " did not answer CONNECT "
                    + tunnel.target() + " within the handshake timeout");
        } else if (tunnel != null && !tunnel.isOpen() && cause instanceof ConnectException) {
            failure = new ConnectException("cannot connect to proxy " + tunnel.proxy() + ": " + cause.getMessage());
        } else {
            failure = cause;
        }
    }

    @Override
    public void onClosed(Link link) {
        if (opened) {
            return;
        }
        Throwable why = failure != null ? failure
                : new IOException("connection closed during the opening handshake");
        LOG.log(System.Logger.Level.DEBUG, "handshake with {0} failed: {1}", link, why.toString());
        result.completeExceptionally(why);
    }
}
