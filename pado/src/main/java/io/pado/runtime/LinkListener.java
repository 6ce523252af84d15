package io.pado.runtime;

import io.pado.protocol.Event;

/**
 * What a {@link Link} tells the layer above it: the engine's events, a failure of the socket, and the end. The
 * opening (server or client) listens until the WebSocket is open, then the delivery to the handler does
 * ({@link Link#open}). Called on the link's loop thread only, one call at a time; an implementation may call the
 * link back, which acts at once (sends, answers) or after the call (a close).
 */
public interface LinkListener {

    /** An event the engine reported; buffers in it are valid until this returns. */
    void onEvent(Link link, Event event);

    /**
     * The events of one read (or of a failure, or of the end) have all been reported: a listener that gathers events
     * to hand them to another thread hands them over now, once for many.
     */
    default void onEventsEnd(Link link) {
    }

    /** The socket failed below the protocol (a reset, a TLS or proxy failure); {@link #onClosed} follows. */
    default void onFailure(Link link, Throwable cause) {
    }

    /** The socket is closed, after the engine's last events were reported. The last call. */
    void onClosed(Link link);
}
