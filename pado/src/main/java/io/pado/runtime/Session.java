package io.pado.runtime;

import io.pado.ClosedException;
import io.pado.Dispatch;
import io.pado.Handler;
import io.pado.Headers;
import io.pado.MessageDroppedException;
import io.pado.SendCallback;
import io.pado.SlowConsumerPolicy;
import io.pado.WebSocket;
import io.pado.protocol.CloseCode;
import io.pado.protocol.Extension;
import io.pado.protocol.PerMessageDeflate;
import io.pado.protocol.Event;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * The {@link WebSocket} that handlers and applications hold: sends from any thread go to the owning loop as
 * commands; events from the loop go to the {@link Handler}, through a {@link Dispatcher} or inline.
 *
 * <p>Threads: the public methods run on any thread; {@link #opened()}, {@link #event(Event)}, {@link #error},
 * {@link #ended()} and {@link #release(long)} on the loop thread.
 */
public final class Session implements WebSocket {
    private static final System.Logger LOG = System.getLogger(Session.class.getName());
    /** The largest frame header; added to each send's count so that empty messages count too. */
    private static final int HEADER_BYTES = 14;
    private static final VarHandle QUEUED;
    private static final VarHandle INBOUND;
    private static final VarHandle READ_PAUSED;
    private static final VarHandle OUTPUT_CLOSED;
    private static final VarHandle WAITERS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            QUEUED = lookup.findVarHandle(Session.class, "queued", long.class);
            INBOUND = lookup.findVarHandle(Session.class, "inbound", long.class);
            READ_PAUSED = lookup.findVarHandle(Session.class, "readPaused", boolean.class);
            OUTPUT_CLOSED = lookup.findVarHandle(Session.class, "outputClosed", boolean.class);
            WAITERS = lookup.findVarHandle(Session.class, "writableWaiters", ConcurrentLinkedQueue.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Link link;
    private final Handler handler;
    private final Dispatcher dispatcher; // null: handlers run on the loop
    private final Object owner; // the server or client this connection belongs to
    private final String path;
    private final io.pado.protocol.Headers handshakeHeaders;
    private final Optional<String> subprotocol;
    private final InetSocketAddress remoteAddress;
    private final SlowConsumerPolicy slowConsumerPolicy;

    // Plain volatile fields with VarHandles rather than Atomic* objects: an idle connection holds fewer objects.
    /** Bytes counted by sends (any thread) and released when written or dropped (loop). */
    private volatile long queued;
    /** whenWritable futures, created on first use: added by any thread, completed by the loop or the adding thread. */
    private volatile ConcurrentLinkedQueue<CompletableFuture<Void>> writableWaiters;
    /** Received bytes handed to the dispatcher and not yet handled: added by the loop, removed by handlers. */
    private volatile long inbound;
    /** Whether the loop stopped reading because handlers are behind. */
    private volatile boolean readPaused;
    /** Set once by close() (any thread) or by the loop when the connection closes: sends fail from then on. */
    private volatile boolean outputClosed;
    /** The negotiated extensions; immutable. */
    private final List<Extension> extensions;
    private volatile int closeCode = CloseCode.ABNORMAL_CLOSURE;
    private volatile boolean ended;
    // Loop thread only.
    private boolean closeDelivered;

    Session(Link link, Handler handler, ThreadFactory virtualThreads, Object owner, String path,
            io.pado.protocol.Headers handshakeHeaders, Optional<String> subprotocol, List<Extension> extensions,
            SlowConsumerPolicy slowConsumerPolicy) {
        this.link = link;
        this.slowConsumerPolicy = slowConsumerPolicy;
        this.extensions = extensions;
        this.owner = owner;
        this.handler = handler;
        this.dispatcher = link.config.dispatch() == Dispatch.VIRTUAL_THREADS ? new Dispatcher(virtualThreads) : null;
        this.path = path;
        this.handshakeHeaders = handshakeHeaders;
        this.subprotocol = subprotocol;
        InetSocketAddress remote;
        try {
            remote = (InetSocketAddress) link.channel.getRemoteAddress();
        } catch (IOException e) {
            remote = null;
        }
        this.remoteAddress = remote;
    }

    // ---- WebSocket

    @Override
    public CompletableFuture<Void> sendText(CharSequence text) {
        if (link.loop.mayRunNow()) {
            // A loop handler answering: encoded into the frame now, so neither a snapshot nor a command is needed
            CompletableFuture<Void> refused = admitSend(text.length());
            if (refused != null) {
                return refused;
            }
            var future = new CompletableFuture<Void>();
            link.sendTextNow(text, future, text.length() + HEADER_BYTES);
            return future;
        }
        String s = text.toString(); // a snapshot: a StringBuilder may change after we return
        return enqueue(engine -> engine.sendText(s), s.length());
    }

    @Override
    public CompletableFuture<Void> sendBinary(ByteBuffer data) {
        if (link.loop.mayRunNow()) {
            // A loop handler may send back the view of the read buffer it was given: the bytes are copied into the
            // frame now, before the next read reuses that buffer, with no command or duplicate in between.
            CompletableFuture<Void> refused = admitSend(data.remaining());
            if (refused != null) {
                return refused;
            }
            var future = new CompletableFuture<Void>();
            link.sendBinaryNow(data, future, null, data.remaining() + HEADER_BYTES);
            return future;
        }
        ByteBuffer d = stable(data);
        return enqueue(engine -> engine.sendBinary(d), d.remaining());
    }

    @Override
    public void sendBinary(ByteBuffer data, SendCallback done) {
        Objects.requireNonNull(done, "done");
        if (link.loop.mayRunNow()) {
            // As sendBinary(data) from a loop handler, with neither a future nor a task: nothing allocated
            CompletableFuture<Void> refused = admitSend(data.remaining());
            if (refused != null) {
                refused.whenComplete((written, failure) -> done.done(failure));
                return;
            }
            link.sendBinaryNow(data, null, done, data.remaining() + HEADER_BYTES);
            return;
        }
        sendBinary(data).whenComplete((written, failure) -> done.done(failure));
    }

    @Override
    public CompletableFuture<Void> sendPing(ByteBuffer data) {
        ByteBuffer d = control(data);
        return enqueue(engine -> engine.sendPing(d), d.remaining());
    }

    @Override
    public CompletableFuture<Void> sendPong(ByteBuffer data) {
        ByteBuffer d = control(data);
        return enqueue(engine -> engine.sendPong(d), d.remaining());
    }

    private ByteBuffer control(ByteBuffer data) {
        if (data.remaining() > 125) {
            // RFC 6455 §5.5: control frames carry at most 125 bytes
            throw new IllegalArgumentException("control frame payload over 125 bytes: " + data.remaining());
        }
        return stable(data);
    }

    /**
     * {@code data} as it must be queued: a send from the loop thread that cannot run at once would reach the engine
     * after later reads, which reuse the read buffer a loop handler's view points into, so its bytes are copied now.
     */
    private ByteBuffer stable(ByteBuffer data) {
        if (!link.loop.inLoop() || link.loop.mayRunNow()) {
            return data.duplicate();
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        return copy.put(data.duplicate()).flip();
    }

    @Override
    public CompletableFuture<Void> close(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        if (!CloseCode.isValidOnWire(code)) {
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
        addQueued(counted);
        var future = new CompletableFuture<Void>();
        link.loop.execute(() -> link.sendClose(code, reason, future, counted));
        return future;
    }

    @Override
    public void abort() {
        outputClosed = true;
        link.loop.execute(() -> link.abort(null));
    }

    @Override
    public boolean isOpen() {
        return !outputClosed;
    }

    @Override
    public long queuedBytes() {
        return queued;
    }

    @Override
    public boolean isWritable() {
        return queued <= link.config.highWaterBytes();
    }

    @Override
    public CompletableFuture<Void> whenWritable() {
        if (ended) {
            return CompletableFuture.failedFuture(new ClosedException(closeCode, "WebSocket is closed"));
        }
        if (isWritable()) {
            return CompletableFuture.completedFuture(null);
        }
        var future = new CompletableFuture<Void>();
        waiters().add(future);
        // Re-check after adding: the loop may have drained the queue or closed before it could see this waiter.
        if (queued <= link.config.lowWaterBytes()) {
            future.complete(null);
        } else if (ended) {
            future.completeExceptionally(new ClosedException(closeCode, "WebSocket is closed"));
        }
        return future;
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
        return Headers.of(handshakeHeaders.fields());
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String toString() {
        return "WebSocket[" + remoteAddress + path + "]";
    }

    // ---- sends

    private CompletableFuture<Void> enqueue(Command command, long payloadBytes) {
        CompletableFuture<Void> refused = admitSend(payloadBytes);
        if (refused != null) {
            return refused;
        }
        long counted = payloadBytes + HEADER_BYTES;
        var future = new CompletableFuture<Void>();
        if (link.loop.mayRunNow()) {
            link.send(command, future, counted); // a handler on the loop answering: no queue, no wake-up
        } else {
            link.loop.execute(() -> link.send(command, future, counted));
        }
        return future;
    }

    /**
     * Counts a send of {@code payloadBytes} (and its frame header) as queued if the WebSocket is open and the
     * slow-consumer policy allows; returns null when counted, else the failed future the send returns.
     */
    private CompletableFuture<Void> admitSend(long payloadBytes) {
        return outputClosed ? closedFuture() : admit(payloadBytes + HEADER_BYTES);
    }

    /**
     * Counts {@code bytes} as queued as the slow-consumer policy allows; returns null when they were counted, else the
     * failed future the send returns.
     */
    private CompletableFuture<Void> admit(long bytes) {
        long max = link.config.maxQueuedBytes();
        long high = link.config.highWaterBytes();
        switch (slowConsumerPolicy) {
            case FAIL_SEND -> {
                return reserve(bytes, max) ? null : CompletableFuture.failedFuture(queueFull(max));
            }
            case BLOCK -> {
                if (link.loop.inLoop()) {
                    return reserve(bytes, max) ? null : CompletableFuture.failedFuture(queueFull(max));
                }
                try {
                    awaitRoom(bytes);
                } catch (ClosedException e) {
                    return CompletableFuture.failedFuture(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return CompletableFuture.failedFuture(e);
                }
                return reserve(bytes, max) ? null : CompletableFuture.failedFuture(queueFull(max));
            }
            case DROP -> {
                // A message bigger than the high-water mark still goes when nothing else waits.
                if (reserve(bytes, queued == 0 ? max : high)) {
                    return null;
                }
                return CompletableFuture.failedFuture(new MessageDroppedException(
                        "message dropped: " + queued + " bytes queued, the high-water mark is " + high));
            }
            case CLOSE_POLICY_VIOLATION, CLOSE_TRY_AGAIN_LATER -> {
                if (reserve(bytes, max)) {
                    return null;
                }
                closeSlowConsumer();
                return closedFuture();
            }
        }
        throw new AssertionError(slowConsumerPolicy);
    }

    /**
     * BLOCK: waits while a send of {@code bytes} would pass the high-water mark and the queue is above the low-water
     * mark. A message bigger than the high-water mark goes once the queue has drained to the low-water mark.
     */
    private void awaitRoom(long bytes) throws ClosedException, InterruptedException {
        long low = link.config.lowWaterBytes();
        long high = link.config.highWaterBytes();
        long q;
        while ((q = queued) > low && q + bytes > high) {
            var drained = new CompletableFuture<Void>();
            waiters().add(drained);
            // Re-check after adding: the loop may have drained the queue or closed before it could see this waiter.
            if (queued <= low) {
                drained.complete(null);
            } else if (ended || outputClosed) {
                drained.completeExceptionally(new ClosedException(closeCode, "WebSocket is closed"));
            }
            try {
                drained.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof ClosedException c ? c
                        : new ClosedException(closeCode, "WebSocket is closed");
            }
        }
    }

    /** CLOSE_* policies: the peer fell too far behind; close it with the policy's code. */
    private void closeSlowConsumer() {
        if (OUTPUT_CLOSED.compareAndSet(this, false, true)) {
            CloseCode code = slowConsumerPolicy == SlowConsumerPolicy.CLOSE_TRY_AGAIN_LATER
                    ? CloseCode.TRY_AGAIN_LATER : CloseCode.POLICY_VIOLATION;
            closeCode = code.code();
            link.loop.execute(() -> link.closeSlowConsumer(code));
        }
    }

    private IOException queueFull(long max) {
        return new IOException("send queue full: " + queued + " bytes queued, at most " + max);
    }

    private CompletableFuture<Void> closedFuture() {
        return CompletableFuture.failedFuture(new ClosedException(closeCode, "WebSocket is closed"));
    }

    /** Counts {@code bytes} as queued unless that passes {@code limit}. */
    private boolean reserve(long bytes, long limit) {
        long q = addQueued(bytes);
        if (q > limit) {
            addQueued(-bytes);
            return false;
        }
        return true;
    }

    /**
     * Queues a frame encoded once for many connections (broadcast); false if closed, or if the slow-consumer policy
     * says this connection misses it. A broadcast never waits for a slow connection.
     */
    boolean sendEncoded(ByteBuffer frame) {
        long counted = frame.remaining();
        if (outputClosed) {
            return false;
        }
        boolean latestWins = slowConsumerPolicy == SlowConsumerPolicy.DROP;
        if (!reserve(counted, latestWins ? link.config.highWaterBytes() : link.config.maxQueuedBytes())) {
            if (slowConsumerPolicy == SlowConsumerPolicy.CLOSE_POLICY_VIOLATION
                    || slowConsumerPolicy == SlowConsumerPolicy.CLOSE_TRY_AGAIN_LATER) {
                closeSlowConsumer();
            }
            return false;
        }
        ByteBuffer f = frame.duplicate();
        link.loop.execute(() -> link.send(engine -> engine.sendEncoded(f), null, counted));
        return true;
    }

    /** Whether a frame compressed once for many (permessage-deflate) may go to this connection. */
    boolean takesSharedCompressedFrames(long messageBytes) {
        return PerMessageDeflate.takesSharedFrames(extensions, messageBytes);
    }

    Object owner() {
        return owner;
    }

    int closeCode() {
        return closeCode;
    }

    /** Loop thread: bytes counted by a send were written or dropped. */
    void release(long bytes) {
        long low = link.config.lowWaterBytes();
        var waiters = writableWaiters;
        if (addQueued(-bytes) <= low && waiters != null && !waiters.isEmpty()) {
            CompletableFuture<Void> f;
            // Re-check before each: a sender may refill the queue and wait again while we release.
            while (queued <= low && (f = waiters.poll()) != null) {
                f.complete(null);
            }
        }
    }

    private long addQueued(long bytes) {
        return (long) QUEUED.getAndAdd(this, bytes) + bytes;
    }

    private long addInbound(long bytes) {
        return (long) INBOUND.getAndAdd(this, bytes) + bytes;
    }

    private ConcurrentLinkedQueue<CompletableFuture<Void>> waiters() {
        var waiters = writableWaiters;
        if (waiters == null) {
            WAITERS.compareAndSet(this, null, new ConcurrentLinkedQueue<CompletableFuture<Void>>());
            waiters = writableWaiters;
        }
        return waiters;
    }

    // ---- events, on the loop thread

    void opened() {
        deliver(() -> handler.onOpen(this), 0);
    }

    void event(Event event) {
        if (dispatcher == null) {
            eventOnLoop(event);
            return;
        }
        switch (event) {
            case Event.Text t -> deliver(() -> handler.onText(this, t.text()), t.text().length());
            case Event.Binary b -> {
                ByteBuffer data = handOff(b.data());
                deliver(() -> handler.onBinary(this, data), data.remaining());
            }
            case Event.Ping p -> {
                ByteBuffer data = handOff(p.data());
                deliver(() -> handler.onPing(this, data), data.remaining());
            }
            case Event.Pong p -> {
                ByteBuffer data = handOff(p.data());
                deliver(() -> handler.onPong(this, data), data.remaining());
            }
            case Event.Closed c -> {
                outputClosed = true;
                closeCode = c.code();
                if (!closeDelivered) {
                    closeDelivered = true;
                    deliver(() -> handler.onClose(this, c.code(), c.reason()), 0);
                }
            }
            // Parts are only reported with Delivery.PARTS, which the runtime does not use.
            case Event.TextPart t -> throw new IllegalStateException("unexpected text part");
            case Event.BinaryPart b -> throw new IllegalStateException("unexpected binary part");
        }
    }

    /**
     * Dispatch.EVENT_LOOP: a whole binary message the engine hands over while it parses (bytes {@code from} to
     * {@code from + length} of {@code input}); the handler gets the loop's reused view, or a slice of a big one.
     */
    void binaryOnLoop(ByteBuffer input, int from, int length) {
        ByteBuffer data = link.loop.framePool().messageView(input, from, length);
        try {
            handler.onBinary(this, data);
        } catch (Throwable e) {
            handlerFailed(e);
        }
    }

    /** Dispatch.EVENT_LOOP: calls the handler at once, with the engine's (read-only) buffers and no task object. */
    private void eventOnLoop(Event event) {
        if (event instanceof Event.TextPart || event instanceof Event.BinaryPart) {
            // Parts are only reported with Delivery.PARTS, which the runtime does not use.
            throw new IllegalStateException("unexpected message part");
        }
        if (event instanceof Event.Closed c) {
            outputClosed = true;
            closeCode = c.code();
            if (closeDelivered) {
                return;
            }
            closeDelivered = true;
        }
        try {
            switch (event) {
                case Event.Text t -> handler.onText(this, t.text());
                case Event.Binary b -> handler.onBinary(this, b.data());
                case Event.Ping p -> handler.onPing(this, p.data());
                case Event.Pong p -> handler.onPong(this, p.data());
                case Event.Closed c -> handler.onClose(this, c.code(), c.reason());
                case Event.TextPart t -> { } // refused above
                case Event.BinaryPart b -> { }
            }
        } catch (Throwable e) {
            handlerFailed(e);
        }
    }

    /** Whether handler calls for this connection run on other threads than the loop. */
    boolean dispatchesToThreads() {
        return dispatcher != null;
    }

    /**
     * Runs {@code action} (on the handler thread) once every handler call submitted so far has returned; the sends
     * those calls made are then already queued on the loop, ahead of anything {@code action} queues.
     */
    void afterHandlers(Runnable action) {
        dispatcher.submit(action);
    }

    void error(Throwable cause) {
        deliver(() -> handler.onError(this, cause), 0);
    }

    /** The socket is closed: report 1006 if no Close was seen, fail whoever waits. */
    void ended() {
        outputClosed = true;
        if (!closeDelivered) {
            closeDelivered = true;
            int code = closeCode;
            deliver(() -> handler.onClose(this, code, ""), 0);
        }
        ended = true;
        var waiters = writableWaiters;
        CompletableFuture<Void> f;
        while (waiters != null && (f = waiters.poll()) != null) {
            f.completeExceptionally(new ClosedException(closeCode, "WebSocket is closed"));
        }
    }

    /** Event buffers die with the next read: a handler on another thread gets a read-only copy. */
    private ByteBuffer handOff(ByteBuffer data) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data.duplicate()).flip();
        return copy.asReadOnlyBuffer();
    }

    private void deliver(Runnable call, long bytes) {
        if (dispatcher == null) {
            run(call);
            return;
        }
        if (bytes > 0 && addInbound(bytes) > link.config.highWaterBytes()
                && READ_PAUSED.compareAndSet(this, false, true)) {
            // Handlers are behind: stop reading so that TCP pushes back on the peer instead of our heap growing.
            link.pauseReading();
            if (inbound <= link.config.lowWaterBytes() && READ_PAUSED.compareAndSet(this, true, false)) {
                link.resumeReading();
            }
        }
        dispatcher.submit(() -> {
            run(call);
            if (bytes > 0 && addInbound(-bytes) <= link.config.lowWaterBytes()
                    && READ_PAUSED.compareAndSet(this, true, false)) {
                link.loop.execute(link::resumeReading);
            }
        });
    }

    private void run(Runnable call) {
        try {
            call.run();
        } catch (Throwable e) {
            handlerFailed(e);
        }
    }

    private void handlerFailed(Throwable e) {
        LOG.log(System.Logger.Level.ERROR, "handler failed on " + this + "; closing with 1011", e);
        link.loop.execute(link::failInternal);
    }
}
