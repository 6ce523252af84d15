package io.pado;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Receives what happens on one or many WebSockets. Every method has a default that does nothing, so a handler
 * implements only what it needs.
 *
 * <p><b>Order and threads.</b> The callbacks of one connection are never called concurrently: the next one starts
 * only after the previous one has returned, in the order the events happened, from {@link #onOpen} to
 * {@link #onClose}. With {@link Dispatch#VIRTUAL_THREADS} (the default) they run on virtual threads and may block;
 * with {@link Dispatch#EVENT_LOOP} they run on the event loop and must not block. Callbacks of different
 * connections run concurrently, so a handler shared by many connections must be thread-safe.
 *
 * <p><b>Errors.</b> If a callback throws, the exception is logged (ERROR), the connection is closed with 1011
 * (internal error, no details sent to the peer) and {@link #onClose} follows; no other callback comes before it, not
 * even for messages that had arrived already.
 *
 * <p><b>Buffers.</b> The buffers passed to {@link #onBinary}, {@link #onBinaryPart}, {@link #onPing} and
 * {@link #onPong} are read-only.
 * With {@link Dispatch#VIRTUAL_THREADS} each is a private copy that the handler may keep or send back as it is;
 * with {@link Dispatch#EVENT_LOOP} it is valid only until the callback returns (a view of the loop's read buffer,
 * or, for a binary message of up to 4 KiB, the same buffer object the loop hands every such message): copy it to
 * keep it. Sending it back as it is from the callback is fine: a send on the loop copies the bytes into the frame at
 * once.
 *
 * {@snippet :
 * Handler echo = new Handler() {
 *     @Override
 *     public void onText(WebSocket ws, String text) {
 *         ws.sendText(text);
 *     }
 * };
 * }
 */
public interface Handler {

    /** The opening handshake succeeded; the WebSocket is open and may send. */
    default void onOpen(WebSocket ws) {
    }

    /** A whole text message arrived (valid UTF-8, at most the configured maximum message size). */
    default void onText(WebSocket ws, String text) {
    }

    /** A whole binary message arrived; {@code data} is read-only (see "Buffers" above for how long it lives). */
    default void onBinary(WebSocket ws, ByteBuffer data) {
    }

    /**
     * The next part of a text message, with {@link ConnectionOptions#partialMessages()}: each part as it arrives (one
     * per received frame or less), ending on a code point boundary, {@code last} on the final one (which may be
     * empty). The parts of one message come in order, never mixed with another message's. UTF-8 is checked as the
     * parts arrive: invalid text fails the connection with 1007 and {@link #onClose} follows without a last part.
     *
     * <p>Called only when partial messages are on, and then instead of {@link #onText}. The default throws, which
     * closes the connection with 1011: a handler that turns partial messages on must implement this.
     */
    default void onTextPart(WebSocket ws, String part, boolean last) {
        throw new UnsupportedOperationException("partialMessages is on but the handler has no onTextPart");
    }

    /**
     * The next part of a binary message, with {@link ConnectionOptions#partialMessages()}, {@code last} on the final
     * one (which may be empty); {@code part} is read-only and lives as the buffers of {@link #onBinary} do (see
     * "Buffers" above).
     *
     * <p>Called only when partial messages are on, and then instead of {@link #onBinary}. The default throws, which
     * closes the connection with 1011.
     */
    default void onBinaryPart(WebSocket ws, ByteBuffer part, boolean last) {
        throw new UnsupportedOperationException("partialMessages is on but the handler has no onBinaryPart");
    }

    /**
     * A Ping arrived. The Pong answer has already been queued by pado (RFC 6455 §5.5.2); {@code data} is read-only.
     */
    default void onPing(WebSocket ws, ByteBuffer data) {
    }

    /** A Pong arrived, solicited or not; {@code data} is read-only. */
    default void onPong(WebSocket ws, ByteBuffer data) {
    }

    /**
     * The connection ended; the last callback for {@code ws} (for a {@link ReconnectingWebSocket}, the last of this
     * connection: {@link #onReconnecting} and a new {@link #onOpen} may follow). {@code code} is the peer's close code
     * when the closing handshake happened (or when we started it, the code we sent and the peer echoed), the code of
     * the failure when pado failed the connection (1002, 1007, 1009, ...), 1005 when the
     * Close had no code, and 1006 when the TCP connection ended without a Close.
     */
    default void onClose(WebSocket ws, int code, String reason) {
    }

    /**
     * A {@link ReconnectingWebSocket} will try to connect again after {@code delay}: called after {@link #onClose}
     * (or after a failed attempt) and before the attempt, one call per attempt. {@link #onOpen} follows when an
     * attempt succeeds; nothing more when reconnecting stops (see {@link ReconnectingWebSocket#whenClosed()}).
     * Never called for other WebSockets.
     *
     * @param ws      the reconnecting handle
     * @param attempt 1 for the first attempt after the connection ended, counting up until one succeeds
     * @param delay   how long until the attempt, jitter included
     * @param cause   why: a {@link ClosedException} with the close code when the connection ended, or the exception
     *                of the attempt that failed
     */
    default void onReconnecting(WebSocket ws, int attempt, Duration delay, Throwable cause) {
    }

    /**
     * The connection failed below the WebSocket protocol: a socket error such as a reset. {@link #onClose} with 1006
     * follows.
     */
    default void onError(WebSocket ws, Throwable error) {
    }
}
