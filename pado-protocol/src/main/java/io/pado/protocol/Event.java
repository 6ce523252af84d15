package io.pado.protocol;

import java.nio.ByteBuffer;

/**
 * What the engine reports after it has been fed bytes: a message, a control frame or the end of the connection.
 *
 * <p>Buffers inside events are read-only views. They may point into the buffer passed to
 * {@link Connection#receive(ByteBuffer)} or into the engine's own reassembly buffer, so they stay valid only
 * until the next call to {@code receive}; copy them to keep them longer.
 */
public sealed interface Event {

    /** A whole text message (already validated as UTF-8). */
    record Text(String text) implements Event {
    }

    /** A whole binary message. */
    record Binary(ByteBuffer data) implements Event {
    }

    /**
     * Part of a text message, delivered when the engine runs with {@link Delivery#PARTS}. Parts end on a code
     * point boundary; {@code last} marks the end of the message.
     */
    record TextPart(String text, boolean last) implements Event {
    }

    /** Part of a binary message, delivered when the engine runs with {@link Delivery#PARTS}. */
    record BinaryPart(ByteBuffer data, boolean last) implements Event {
    }

    /** A Ping. With {@link Settings#autoPong()} on, the engine has already queued the Pong. */
    record Ping(ByteBuffer data) implements Event {
    }

    /** A Pong, solicited or not. */
    record Pong(ByteBuffer data) implements Event {
    }

    /**
     * The connection is closing or closed; the last event the engine reports. {@code code} is the peer's code
     * when it sent a Close, the code of the failure when the engine failed the connection, {@value
     * CloseCode#NO_STATUS_RECEIVED} for a Close without code, and {@value CloseCode#ABNORMAL_CLOSURE} when the
     * connection ended without one.
     */
    record Closed(int code, String reason) implements Event {
    }
}
