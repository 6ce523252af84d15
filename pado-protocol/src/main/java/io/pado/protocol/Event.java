package io.pado.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What the engine reports after it has been fed bytes: a step of the opening handshake, a message, a control frame,
 * or the end of the connection. {@link Connection#receive} stops after each event, so the caller takes it before
 * the next one exists.
 *
 * <p>Buffers inside events are read-only views. They may point into the buffer passed to
 * {@link Connection#receive(ByteBuffer)}, into the engine's own buffers, or into a buffer from its
 * {@link FrameBuffers}, so they stay valid only until the next call to {@code receive}; copy them to keep them
 * longer. The engine may hand out the same {@link Binary} object, over the same buffer, for many messages.
 */
public sealed interface Event {

    /**
     * Server, opening: a plain HTTP request (not a WebSocket upgrade) with its body, read whole. Answer it with
     * {@link Connection#respond}; the next request is read after that.
     */
    record Request(RequestHead head, ByteBuffer body) implements Event {
    }

    /**
     * Server, opening: a valid WebSocket upgrade request (RFC 6455 §4.2.1). Answer it with
     * {@link Connection#accept} or {@link Connection#reject}.
     */
    record Upgrade(UpgradeRequest request) implements Event {
    }

    /**
     * Client, opening: the server accepted (RFC 6455 §4.1); the WebSocket is open.
     *
     * @param subprotocol the subprotocol the server chose, if any
     * @param response    the server's response head, for cookies and other headers
     */
    record Opened(Optional<String> subprotocol, ResponseHead response) implements Event {
    }

    /**
     * The opening handshake failed. Server: the request was malformed or not a valid upgrade, and the engine has
     * queued the error response (its status is {@code cause.status()}) and asks for TCP to be closed after it.
     * Client: the server refused (its status), or its response broke RFC 6455 §4.1 (status 0).
     */
    record Refused(HandshakeException cause) implements Event {
    }

    /**
     * A whole text message (already validated as UTF-8).
     *
     * @param utf8Bytes the message's length in UTF-8 as received (after inflating, if it was compressed)
     */
    record Text(String text, int utf8Bytes) implements Event {
        /** A text message whose UTF-8 length is counted here (for tests and tools). */
        public Text(String text) {
            this(text, text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    /** A whole binary message; see the class comment for how long {@code data} is valid. */
    record Binary(ByteBuffer data) implements Event {
    }

    /**
     * Part of a text message, with {@link EngineOptions.Delivery#PARTS}. Parts end on a code point boundary;
     * {@code last} marks the end of the message; {@code utf8Bytes} is the part's length in UTF-8.
     */
    record TextPart(String text, boolean last, int utf8Bytes) implements Event {
        /** A part whose UTF-8 length is counted here (for tests and tools). */
        public TextPart(String text, boolean last) {
            this(text, last, text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    /** Part of a binary message, with {@link EngineOptions.Delivery#PARTS}. */
    record BinaryPart(ByteBuffer data, boolean last) implements Event {
    }

    /** A Ping; the engine has already queued the Pong (RFC 6455 §5.5.2). */
    record Ping(ByteBuffer data) implements Event {
    }

    /** A Pong, solicited or not. */
    record Pong(ByteBuffer data) implements Event {
    }

    /**
     * The connection is closing or closed; the last event the engine reports. {@code code} is the peer's code when
     * it sent a Close, the code of the failure when the engine failed the connection, 1005 for a Close without code,
     * and 1006 when the connection ended without one. When the peer closed or broke the protocol, the engine's Close
     * in answer waits for {@link Connection#answerClose()}.
     */
    record Closed(int code, String reason) implements Event {
    }
}
