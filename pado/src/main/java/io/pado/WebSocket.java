package io.pado;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One open WebSocket connection (RFC 6455), on the server or the client side.
 *
 * <p><b>Model.</b> A WebSocket is handed to the {@link Handler} when the opening handshake has succeeded. Input is
 * pushed to the handler; output is sent with the {@code send…} methods. {@link #close(int, String)} starts the
 * closing handshake: nothing can be sent after it, messages keep arriving until the peer's Close, and then
 * {@link Handler#onClose} is called. {@link #abort()} drops the TCP connection at once.
 *
 * <p><b>Threads.</b> Every method is safe to call from any thread. Sends are queued in call order and written by
 * the event loop that owns the socket; each returns a future that completes when its bytes have been written to the
 * socket, or fails with {@link ClosedException} if the WebSocket closed first, or with an {@link java.io.IOException}
 * if the send queue is full. {@link #sendBinary(ByteBuffer, SendCallback)} tells a callback instead, so that a busy
 * handler on the event loop allocates nothing per message.
 *
 * <p><b>Back-pressure.</b> Queued bytes are counted ({@link #queuedBytes()}). Above the high-water mark
 * {@link #isWritable()} is false; {@link #whenWritable()} and {@link #awaitWritable()} wait until the queue has
 * drained to the low-water mark. A send that would take the queue beyond the maximum
 * ({@link ConnectionOptions#maxQueuedBytes()}) fails at once and queues nothing, so a slow reader can never make
 * memory grow without bound.
 *
 * <p><b>Buffers.</b> A {@link ByteBuffer} passed to a send is read from its position to its limit; its position
 * does not move. It must not be modified until the returned future completes.
 *
 * <p><b>Futures</b> complete on the event loop that owns the socket: attach blocking work with the {@code …Async}
 * methods, or wait with {@code join()} on your own thread. {@link #queuedBytes()} counts a text message as one
 * byte per {@code char}, plus 14 bytes of frame header per message.
 *
 * {@snippet :
 * ws.sendText("hello").join();          // wait until written
 * while (producing) {
 *     ws.awaitWritable();               // blocking style, on a virtual thread
 *     ws.sendBinary(nextChunk());
 * }
 * ws.close(1000, "done");
 * }
 */
public interface WebSocket {

    /** Sends a text message. Completes when written; see the class doc for failures. */
    CompletableFuture<Void> sendText(CharSequence text);

    /** Sends a binary message made of {@code data}'s remaining bytes. Completes when written. */
    CompletableFuture<Void> sendBinary(ByteBuffer data);

    /**
     * Sends a binary message like {@link #sendBinary(ByteBuffer)}, but tells {@code done} how it ended instead of
     * returning a future. Sent by a handler on the event loop ({@link Dispatch#EVENT_LOOP}) with a callback it
     * reuses, a message allocates nothing.
     */
    default void sendBinary(ByteBuffer data, SendCallback done) {
        java.util.Objects.requireNonNull(done, "done");
        sendBinary(data).whenComplete((written, failure) -> done.done(failure));
    }

    /**
     * Sends a Ping (RFC 6455 §5.5.2); the peer answers with a Pong that reaches {@link Handler#onPong}.
     *
     * @throws IllegalArgumentException if {@code data} has more than 125 bytes remaining
     */
    CompletableFuture<Void> sendPing(ByteBuffer data);

    /**
     * Sends an unsolicited Pong (RFC 6455 §5.5.3), e.g. as a heartbeat. Pings are answered automatically.
     *
     * @throws IllegalArgumentException if {@code data} has more than 125 bytes remaining
     */
    CompletableFuture<Void> sendPong(ByteBuffer data);

    /**
     * Starts the closing handshake (RFC 6455 §7.1.2): sends a Close with {@code code} and {@code reason}. The
     * future completes when the Close has been written; {@link Handler#onClose} follows when the peer has answered
     * or the close timeout has passed. Closing twice is harmless: the second call completes at once.
     *
     * @param code   1000, 1001, 1003, 1007–1014 or 3000–4999 (RFC 6455 §7.4)
     * @param reason at most 123 bytes of UTF-8
     * @throws IllegalArgumentException if {@code code} may not be sent or {@code reason} is too long
     */
    CompletableFuture<Void> close(int code, String reason);

    /** Closes the TCP connection at once, without a closing handshake; {@link Handler#onClose} gets 1006. */
    void abort();

    /** Whether the WebSocket can still send: open and not yet closing. */
    boolean isOpen();

    /** The bytes queued for sending and not yet written to the socket. */
    long queuedBytes();

    /** Whether {@link #queuedBytes()} is at or below the high-water mark. */
    boolean isWritable();

    /**
     * A future that completes when the WebSocket is writable again: at once if it is, otherwise when the queue has
     * drained to the low-water mark. It fails with {@link ClosedException} if the connection closes first.
     */
    CompletableFuture<Void> whenWritable();

    /**
     * Blocks until the WebSocket is writable again ({@link #whenWritable()}); meant for virtual threads.
     *
     * @throws ClosedException      if the connection closed first
     * @throws InterruptedException if the thread was interrupted while waiting
     */
    void awaitWritable() throws ClosedException, InterruptedException;

    /** The subprotocol agreed in the opening handshake (RFC 6455 §1.9), if any. */
    Optional<String> subprotocol();

    /** The path of the opening handshake's request target, e.g. {@code /chat}. */
    String path();

    /**
     * The headers of the opening handshake as the other end sent them: on a server, the client's request headers
     * (cookies, {@code User-Agent}...); on a client, the server's response headers.
     */
    Headers handshakeHeaders();

    /** The address of the other end of the TCP connection. */
    InetSocketAddress remoteAddress();

    /**
     * What the endpoint's upgrade check attached to this connection ({@link Upgrade#attach}): the user it
     * authenticated, say; null if nothing was attached (and on a client).
     */
    default Object attachment() {
        return null;
    }
}
