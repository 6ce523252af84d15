package io.pado;

import java.util.concurrent.CompletableFuture;

/**
 * A client WebSocket that opens a new connection when the current one ends, following a {@link Reconnect} policy;
 * made by {@link Client#connect(java.net.URI, Handler, Reconnect)}. It is a stable handle: the same object for
 * every connection, and the one the {@link Handler} receives.
 *
 * <p><b>Model.</b> Each connection is reported as usual, {@link Handler#onOpen} to {@link Handler#onClose}; after
 * {@code onClose}, unless reconnecting stops, {@link Handler#onReconnecting} announces each attempt with its delay
 * and cause, and the next {@code onOpen} says the handle is connected again: subscribe there, so that every
 * connection gets its subscriptions. {@link #whenClosed()} completes when reconnecting has stopped for good.
 *
 * <p><b>Sends while disconnected</b> fail at once with a {@link ClosedException} (code 1006, "not connected"):
 * nothing is queued for a later connection, so nothing is lost silently, and nothing is sent twice. Messages still
 * queued when a connection ends fail the same way. {@link #isOpen()} says whether a send can go out now.
 *
 * <p><b>Closing.</b> {@link #close(int, String)} closes the current connection, if any, and stops reconnecting;
 * so does {@link #abort()}, and so does cancelling the future {@code connect} returned before the first open.
 * Methods that describe the connection ({@link #subprotocol()}, {@link #handshakeHeaders()},
 * {@link #remoteAddress()}...) describe the current one, or the last one while disconnected.
 *
 * <p>Thread-safe, like every {@link WebSocket}.
 */
public interface ReconnectingWebSocket extends WebSocket {

    /**
     * Completes when reconnecting has stopped: normally after {@link #close}, {@link #abort()} or
     * {@link Client#close()}; with a {@link ClosedException} holding the code when the server closed with a final
     * code; with the last attempt's exception (a {@link HandshakeException}, say) when it cannot
     * succeed by waiting; with an {@link java.io.IOException} "gave up" whose cause is the last failure after
     * {@code maxAttempts} failed attempts.
     */
    CompletableFuture<Void> whenClosed();
}
