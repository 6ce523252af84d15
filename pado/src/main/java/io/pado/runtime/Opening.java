package io.pado.runtime;

import java.nio.ByteBuffer;

/**
 * The part of a {@link Link}'s life before the WebSocket is open: the client's or the server's side of the opening
 * handshake, or a plain HTTP exchange. Called on the loop thread only.
 */
interface Opening {

    /** The client's non-blocking connect has finished. */
    default void connected(Link link) {
    }

    /** Bytes arrived; consume what belongs to the handshake and leave the rest in {@code data}. */
    void received(Link link, ByteBuffer data);

    /** The handshake timeout has passed. */
    void timedOut(Link link);

    /** The socket closed or failed before the WebSocket opened; {@code cause} is null for an orderly end. */
    void ended(Link link, Throwable cause);
}
