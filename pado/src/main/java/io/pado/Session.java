package io.pado;

import io.pado.protocol.Connection;
import io.pado.runtime.Backlog;
import io.pado.runtime.Link;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.ToIntBiFunction;

/**
 * The {@link WebSocket} that handlers and applications hold: it checks a send, counts it in the {@link Backlog} as
 * the slow-consumer policy allows, and turns it into a command for the {@link Link} on its event loop, or runs it
 * there at once when the caller is a handler on that loop. It never calls up: events reach the handler through
 * {@link Delivery}. Thread-safe.
 */
final class Session implements WebSocket {
    /** The largest frame header; added to each send's count so that empty messages count too. */
    private static final int HEADER_BYTES = 14;
    private static final VarHandle OUTPUT_CLOSED;
    // Pings and Pongs as send ops: control frames, not messages, for the counters
    private static final ToIntBiFunction<Connection, ByteBuffer> PING = (engine, data) -> {
        engine.sendPing(data);
        return Link.CONTROL_FRAME;
    };
    private static final ToIntBiFunction<Connection, ByteBuffer> PONG = (engine, data) -> {
        engine.sendPong(data);
        return Link.CONTROL_FRAME;
    };

    static {
        try {
            OUTPUT_CLOSED = MethodHandles.lookup().findVarHandle(Session.class, "outputClosed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Link link;
    private final Backlog backlog;
    private final SlowConsumerPolicy policy;
    /** The server or client this connection belongs to, for broadcasts. */
    private final Object owner;
    private final String path;
    private final io.pado.protocol.Headers handshakeHeaders;
    private final Optional<String> subprotocol;
    private final InetSocketAddress remoteAddress;
    private final Object attachment;
    /** Set once by close() (any thread) or by the loop when the connection closes: sends fail from then on. */
    private volatile boolean outputClosed;
    private volatile int closeCode = 1006;

    Session(Link link, Backlog backlog, SlowConsumerPolicy policy, Object owner, String path,
            io.pado.protocol.Headers handshakeHeaders, Optional<String> subprotocol, Object attachment) {
        this.link = link;
        this.backlog = backlog;
        this.policy = policy;
        this.owner = owner;
        this.path = path;
        this.handshakeHeaders = handshakeHeaders;
        this.subprotocol = subprotocol;
        this.remoteAddress = link.remoteAddress();
        this.attachment = attachment;
    }

    // ---------------------------------------------------------------------------------------------------- sends

    @Override
    public CompletableFuture<Void> sendText(CharSequence text) {
        CompletableFuture<Void> refused = admit(text.length() + HEADER_BYTES);
        if (refused != null) {
            return refused;
        }
        var future = new CompletableFuture<Void>();
        long counted = text.length() + HEADER_BYTES;
        if (link.loop().mayRunNow()) {
            // A handler on the loop answering: encoded into the frame now, with neither a snapshot nor a command
            link.send(Connection::sendText, text, future, null, counted);
        } else {
            String snapshot = text.toString(); // a StringBuilder may change after we return
            link.loop().execute(() -> link.send(Connection::sendText, snapshot, future, null, counted));
        }
        return future;
    }

    @Override
    public CompletableFuture<Void> sendBinary(ByteBuffer data) {
        CompletableFuture<Void> refused = admit(data.remaining() + HEADER_BYTES);
        if (refused != null) {
            return refused;
        }
        var future = new CompletableFuture<Void>();
        sendBinary(data, future, null);
        return future;
    }

    @Override
    public void sendBinary(ByteBuffer data, SendCallback done) {
        Objects.requireNonNull(done, "done");
        CompletableFuture<Void> refused = admit(data.remaining() + HEADER_BYTES);
        if (refused != null) {
            refused.whenComplete((written, failure) -> done.done(failure));
            return;
        }
        sendBinary(data, null, done);
    }

    private void sendBinary(ByteBuffer data, CompletableFuture<Void> future, SendCallback done) {
        long counted = data.remaining() + HEADER_BYTES;
        if (link.loop().mayRunNow()) {
            // A loop handler may send back the view of the read buffer it was given: the bytes go into the frame
            // now, before the next read reuses that buffer, with no command or duplicate in between.
            link.send(Connection::sendBinaryCopy, data, future, done, counted);
        } else {
            ByteBuffer d = stable(data);
            link.loop().execute(() -> link.send(Connection::sendBinary, d, future, done, counted));
        }
    }

    @Override
    public CompletableFuture<Void> sendPing(ByteBuffer data) {
        return control(PING, data);
    }

    @Override
    public CompletableFuture<Void> sendPong(ByteBuffer data) {
        return control(PONG, data);
    }

    private CompletableFuture<Void> control(ToIntBiFunction<Connection, ByteBuffer> op, ByteBuffer data) {
        if (data.remaining() > 125) {
            // RFC 6455 §5.5: control frames carry at most 125 bytes
            throw new IllegalArgumentException("control frame payload over 125 bytes: " + data.remaining());
        }
        CompletableFuture<Void> refused = admit(data.remaining() + HEADER_BYTES);
        if (refused != null) {
            return refused;
        }
        ByteBuffer d = stable(data);
        var future = new CompletableFuture<Void>();
        long counted = d.remaining() + HEADER_BYTES;
        link.loop().execute(() -> link.send(op, d, future, null, counted));
        return future;
    }

    /**
     * {@code data} as it must be queued: a send from the loop thread that cannot run at once would reach the engine
     * after later reads, which reuse the read buffer a loop handler's view points into, so its bytes are copied now.
     */
    private ByteBuffer stable(ByteBuffer data) {
        if (!link.loop().inLoop()) {
            return data.duplicate();
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        return copy.put(data.duplicate()).flip();
    }

    /**
     * Queues a frame encoded once for many connections (a broadcast) of a message of {@code messageBytes}; false if
     * closed, or if the slow-consumer policy says this connection misses it. A broadcast never waits for a slow
     * connection.
     */
    boolean sendEncoded(ByteBuffer frame, int messageBytes) {
        long counted = frame.remaining();
        if (outputClosed) {
            backlog.counters().sendFailed();
            return false;
        }
        long limit = policy == SlowConsumerPolicy.DROP ? backlog.highWaterBytes() : backlog.maxQueuedBytes();
        if (!backlog.reserve(counted, limit)) {
            if (policy == SlowConsumerPolicy.CLOSE_POLICY_VIOLATION
                    || policy == SlowConsumerPolicy.CLOSE_TRY_AGAIN_LATER) {
                closeSlowConsumer();
            }
            backlog.counters().sendDropped();
            return false;
        }
        link.loop().execute(new EncodedSend(link, frame.duplicate(), counted, messageBytes));
        return true;
    }

    /** A broadcast's command for one connection: its own view of the shared frame, and the message's size. */
    private record EncodedSend(Link link, ByteBuffer frame, long counted, int messageBytes) implements Runnable {
        private static final ToIntBiFunction<Connection, EncodedSend> SEND = (engine, send) -> {
            engine.sendEncoded(send.frame);
            return send.messageBytes;
        };

        @Override
        public void run() {
            link.send(SEND, this, null, null, counted);
        }
    }

    /** Whether a frame compressed once for many may go to this connection for a message of {@code bytes}. */
    boolean takesSharedCompressedFrames(long bytes) {
        return link.takesSharedCompressedFrames(bytes);
    }

    Object owner() {
        return owner;
    }

    // --------------------------------------------------------------------------------------- the slow consumer

    /**
     * Counts {@code bytes} as queued if the WebSocket is open and the slow-consumer policy allows; returns null when
     * counted, else the failed future the send returns.
     */
    private CompletableFuture<Void> admit(long bytes) {
        if (outputClosed) {
            return failed(closedException());
        }
        long max = backlog.maxQueuedBytes();
        long high = backlog.highWaterBytes();
        switch (policy) {
            case FAIL_SEND -> {
                return backlog.reserve(bytes, max) ? null : failed(queueFull(max));
            }
            case BLOCK -> {
                if (!link.loop().inLoop()) {
                    try {
                        awaitRoom(bytes);
                    } catch (ClosedException e) {
                        return failed(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return failed(e);
                    }
                }
                return backlog.reserve(bytes, max) ? null : failed(queueFull(max));
            }
            case DROP -> {
                // A message bigger than the high-water mark still goes when nothing else waits.
                if (backlog.reserve(bytes, backlog.queued() == 0 ? max : high)) {
                    return null;
                }
                backlog.counters().sendDropped();
                return CompletableFuture.failedFuture(new MessageDroppedException("message dropped: "
                        + backlog.queued() + " bytes queued, the high-water mark is " + high));
            }
            case CLOSE_POLICY_VIOLATION, CLOSE_TRY_AGAIN_LATER -> {
                if (backlog.reserve(bytes, max)) {
                    return null;
                }
                closeSlowConsumer();
                return failed(closedException());
            }
        }
        throw new AssertionError(policy);
    }

    /** A send that fails at once: counted as lost, whether or not anyone looks at its future. */
    private CompletableFuture<Void> failed(Exception failure) {
        backlog.counters().sendFailed();
        return CompletableFuture.failedFuture(failure);
    }

    /**
     * BLOCK: waits while a send of {@code bytes} would pass the high-water mark and the queue is above the low-water
     * mark. A message bigger than the high-water mark goes once the queue has drained to the low-water mark.
     */
    private void awaitRoom(long bytes) throws ClosedException, InterruptedException {
        long q;
        while ((q = backlog.queued()) > backlog.lowWaterBytes() && q + bytes > backlog.highWaterBytes()) {
            if (outputClosed) {
                throw new ClosedException(closeCode, "WebSocket is closed");
            }
            try {
                backlog.drained().get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof ClosedException c ? c
                        : new ClosedException(closeCode, "WebSocket is closed");
            }
        }
    }

    /** CLOSE_* policies: the peer fell too far behind; close it with the policy's code. */
    private void closeSlowConsumer() {
        if (OUTPUT_CLOSED.compareAndSet(this, false, true)) {
            int code = policy == SlowConsumerPolicy.CLOSE_TRY_AGAIN_LATER ? 1013 : 1008;
            closeCode = code;
            backlog.counters().slowConsumerClosed(remoteAddress, code, "queue full (" + policy + ")", backlog.queued());
            link.loop().execute(() -> link.fail(code, "slow consumer"));
        }
    }

    private IOException queueFull(long max) {
        return new IOException("send queue full: " + backlog.queued() + " bytes queued, at most " + max);
    }

    private ClosedException closedException() {
        return new ClosedException(closeCode, "WebSocket is closed");
    }

    // -------------------------------------------------------------------------------------------- the rest

    @Override
    public CompletableFuture<Void> close(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        if (!Connection.isSendableCloseCode(code)) {
            throw new IllegalArgumentException("close code may not be sent: " + code);
        }
        int bytes = reason.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > 123) {
            // RFC 6455 §5.5: code and reason fit in a 125-byte control frame
            throw new IllegalArgumentException("close reason over 123 bytes: " + bytes);
        }
        if (!OUTPUT_CLOSED.compareAndSet(this, false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        long counted = HEADER_BYTES + 2L + bytes;
        backlog.add(counted);
        var future = new CompletableFuture<Void>();
        link.loop().execute(() -> link.sendClose(code, reason, future, counted));
        return future;
    }

    @Override
    public void abort() {
        outputClosed = true;
        link.loop().execute(() -> link.abort(null));
    }

    /** Loop thread: the connection is closing or closed with {@code code}; sends fail from now on. */
    void closed(int code) {
        closeCode = code;
        outputClosed = true;
    }

    /** The link under this WebSocket, for the delivery of its events. */
    Link link() {
        return link;
    }

    @Override
    public boolean isOpen() {
        return !outputClosed;
    }

    @Override
    public long queuedBytes() {
        return backlog.queued();
    }

    @Override
    public boolean isWritable() {
        return backlog.queued() <= backlog.highWaterBytes();
    }

    @Override
    public CompletableFuture<Void> whenWritable() {
        return isWritable() && !backlog.isEnded() ? CompletableFuture.completedFuture(null) : backlog.drained();
    }

    @Override
    public void awaitWritable() throws ClosedException, InterruptedException {
        try {
            whenWritable().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ClosedException c) {
                throw c;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public Optional<String> subprotocol() {
        return subprotocol;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Headers handshakeHeaders() {
        return Headers.wrap(handshakeHeaders);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public String toString() {
        return "WebSocket[" + remoteAddress + path + "]";
    }
}
