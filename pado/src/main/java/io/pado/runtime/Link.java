package io.pado.runtime;

import io.pado.protocol.Connection;
import io.pado.protocol.Event;
import io.pado.protocol.HandshakeException;
import io.pado.protocol.Headers;
import io.pado.protocol.PerMessageDeflate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One TCP connection owned by an {@link EventLoop}: its socket and {@link Transport}, its protocol engine, its
 * {@link Outbox} and its {@link Deadlines}. It reads into the loop's buffer, feeds the engine until the input is
 * read, and hands each event to its {@link LinkListener}; it writes what the engine and the sends queued, in one
 * gathering write per loop iteration. The engine never calls out, and nothing here calls the listener back from a
 * call the listener made: events go up only from {@link #read()}, timeouts and the end.
 *
 * <p>Not thread-safe: every method runs on the loop thread. Other threads reach a link through
 * {@link EventLoop#execute(Runnable)}.
 */
public final class Link implements LoopMember {
    private static final System.Logger LOG = System.getLogger(Link.class.getName());
    /** Reads of already-buffered TLS input per readiness, before other links get a turn. */
    private static final int MAX_READ_ROUNDS = 4;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** Reading is paused while a request waits for the application's answer. */
    public static final int PAUSED_FOR_ANSWER = 1;
    /** Reading is paused while the output queued is over the high-water mark. */
    public static final int PAUSED_FOR_OUTPUT = 2;
    /** Reading is paused while handlers on other threads are behind. */
    public static final int PAUSED_FOR_HANDLERS = 4;

    private final EventLoop loop;
    private final SocketChannel channel;
    private final Transport transport;
    private final Connection engine;
    private final Config config;
    private final Outbox outbox;
    private final Deadlines deadlines;
    private LinkListener listener;
    /** Where sends are counted, from the moment the WebSocket opens. */
    private Backlog backlog;
    private SelectionKey key;
    /** Why reading is paused, as bits; reading resumes when none is left. */
    private int pausedBy;
    private int closeCode = 1006;
    private boolean closed;
    private boolean closeAfterFlush;
    private boolean inputEnded;
    private boolean dirty;
    /** Runs once the socket is closed: the acceptor's per-address count. */
    private Runnable onClosed;

    public Link(EventLoop loop, SocketChannel channel, Transport transport, Connection engine, Config config,
            LinkListener listener) {
        this.loop = loop;
        this.channel = channel;
        this.transport = transport;
        this.engine = engine;
        this.config = config;
        this.listener = listener;
        this.outbox = new Outbox(loop);
        this.deadlines = new Deadlines(config, System.nanoTime());
        engine.useFrameBuffers(loop.framePool());
    }

    /** Sets what to run once the socket is closed; call before {@link #register}. */
    void onClosed(Runnable action) {
        this.onClosed = action;
    }

    /** Registers with the loop's selector for {@code ops} and arms the handshake timeout. */
    void register(int ops) throws IOException {
        key = loop.register(channel, ops, this);
        loop.add(this);
        loop.deadline(nextDeadline());
    }

    /** Client: starts connecting to {@code address} (the server or a proxy); the engine's request goes out then. */
    public void connect(InetSocketAddress address) throws IOException {
        boolean connected = channel.connect(address);
        register(connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
        if (connected) {
            drainOutput();
        }
    }

    public EventLoop loop() {
        return loop;
    }

    /** The other end's address, or null once the socket is closed. Safe from any thread. */
    public InetSocketAddress remoteAddress() {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Whether a frame compressed once for many may go to this connection for a message of {@code messageBytes}.
     * Safe from any thread once the WebSocket is open: what it reads is settled by then.
     */
    public boolean takesSharedCompressedFrames(long messageBytes) {
        return engine.takesSharedCompressedFrames(messageBytes);
    }

    // ------------------------------------------------------------------------------------------------ reading

    @Override
    public void ready(SelectionKey k) {
        try {
            if (k.isConnectable()) {
                channel.finishConnect();
                k.interestOps(SelectionKey.OP_READ);
                drainOutput(); // the request, or a TLS hello, waits
                markDirty();
                return;
            }
            if (k.isReadable()) {
                read();
            }
            if (!closed && k.isValid() && k.isWritable()) {
                flush();
            }
        } catch (CancelledKeyException e) {
            // closed meanwhile by this loop: nothing left to do
        } catch (IOException e) {
            abort(e);
        }
    }

    private void read() throws IOException {
        // TLS may leave whole records unwrapped when the read buffer fills; the selector will not report them again.
        for (int round = 0; round < MAX_READ_ROUNDS; round++) {
            readOnce();
            if (closed || inputEnded || pausedBy != 0 || !transport.hasBufferedInput()) {
                break;
            }
            if (round == MAX_READ_ROUNDS - 1) {
                loop.execute(this::readBuffered); // let other links have their turn first
            }
        }
        if (!closed && transport.flushAfterRead(!outbox.isEmpty())) {
            markDirty();
        }
        // Answers to this input go out now rather than after every other ready link's: their pooled frames come
        // back before the next link takes some, so a burst over many links needs few buffers.
        flushIfDirty();
    }

    private void readBuffered() {
        if (!closed && pausedBy == 0 && transport.hasBufferedInput()) {
            try {
                read();
            } catch (IOException e) {
                abort(e);
            }
        }
    }

    private void readOnce() throws IOException {
        ByteBuffer buf = loop.readBuffer();
        buf.clear();
        int n = transport.read(buf);
        if (n < 0) {
            endOfInput();
            return;
        }
        if (n > 0) {
            buf.flip();
            deadlines.read(System.nanoTime());
            feed(buf);
        }
    }

    /** Feeds {@code input} to the engine until it is read, handing each event up as it comes. */
    private void feed(ByteBuffer input) {
        do {
            engine.receive(input);
            pump();
        } while (!closed && (input.hasRemaining() || engine.hasWaitingInput()));
    }

    /** Feeds what the engine kept from earlier input, once an answer lets it go on. */
    private void readWaiting() {
        if (!closed && engine.hasWaitingInput()) {
            feed(EMPTY);
            flushIfDirty();
        }
    }

    /** Hands the engine's events to the listener, then queues its output. */
    private void pump() {
        for (Event e; !closed && (e = engine.pollEvent()) != null; ) {
            if (e instanceof Event.Request || e instanceof Event.Upgrade) {
                awaitAnswer();
            } else if (e instanceof Event.Closed c) {
                closeCode = c.code();
            }
            listener.onEvent(this, e);
        }
        drainOutput();
    }

    private void awaitAnswer() {
        pause(PAUSED_FOR_ANSWER);
        deadlines.awaitingAnswer();
    }

    private void endOfInput() {
        inputEnded = true;
        setInterest(SelectionKey.OP_READ, false);
        engine.receiveEof("");
        pump();
        // The peer will send nothing more: once our output (a Close reply, perhaps) is out, we are done.
        closeAfterFlush();
    }

    /** Stops reading for {@code reason} (one of the {@code PAUSED_} bits) until {@link #resume} with it. */
    public void pause(int reason) {
        pausedBy |= reason;
        setInterest(SelectionKey.OP_READ, false);
    }

    /** Reading may go on as far as {@code reason} is concerned. */
    public void resume(int reason) {
        pausedBy &= ~reason;
        if (pausedBy == 0 && !inputEnded && !closed) {
            setInterest(SelectionKey.OP_READ, true);
            if (transport.hasBufferedInput()) {
                loop.execute(this::readBuffered);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ opening

    /** Answers the plain HTTP request the listener was given; the connection stays for the next one, or closes. */
    public void respond(int status, Headers headers, byte[] body, Connection.Persistence persistence) {
        if (closed) {
            return;
        }
        engine.respond(status, headers, body, persistence);
        deadlines.answered(System.nanoTime());
        answered();
    }

    /**
     * Accepts the upgrade request the listener was given and returns whether the WebSocket is open; {@link #open}
     * follows then. If not, the engine refused (an extension that failed: 500) and the connection ends; the listener
     * hears of it with the link's last events.
     *
     * @throws IllegalArgumentException if the subprotocol was not offered or a header cannot be sent
     */
    public boolean accept(Optional<String> subprotocol, Optional<PerMessageDeflate> compression,
            Headers extraHeaders) {
        if (closed) {
            return false;
        }
        engine.accept(subprotocol, compression, extraHeaders);
        drainOutput();
        return engine.state() == Connection.State.OPEN;
    }

    /** Refuses the upgrade request the listener was given with {@code refusal}'s status; the connection ends. */
    public void reject(HandshakeException refusal) {
        if (!closed) {
            engine.reject(refusal);
            answered();
        }
    }

    /**
     * The WebSocket is open: from now on {@code delivery} gets the events, and sends are counted in {@code sends}.
     * Input that came with the handshake is read next.
     */
    public void open(LinkListener delivery, Backlog sends) {
        this.listener = delivery;
        this.backlog = sends;
        outbox.countIn(sends);
        deadlines.opened(System.nanoTime());
        answered();
    }

    private void answered() {
        drainOutput();
        resume(PAUSED_FOR_ANSWER);
        // Not from here: the listener may be inside one of this link's events. The loop runs it next.
        if (engine.hasWaitingInput()) {
            loop.execute(this::readWaiting);
        }
    }

    // -------------------------------------------------------------------------------------------------- sending

    /**
     * Hands {@code message} to the engine with {@code op}; {@code future} or {@code callback} (either may be null) is
     * told once its bytes are written, and {@code countedBytes} released from the backlog then. {@code op} is a
     * method reference that captures nothing, so a send from a loop handler allocates no task for it.
     */
    public <T> void send(BiConsumer<Connection, T> op, T message, CompletableFuture<Void> future,
            Consumer<Throwable> callback, long countedBytes) {
        if (closed || !engine.isOutputOpen()) {
            refuse(future, callback, countedBytes, config.closedFailure().apply(closeCode));
            return;
        }
        try {
            op.accept(engine, message);
        } catch (RuntimeException e) {
            refuse(future, callback, countedBytes, e);
            return;
        }
        drainOutput();
        outbox.await(future, callback, countedBytes);
    }

    private void refuse(CompletableFuture<Void> future, Consumer<Throwable> callback, long countedBytes,
            Throwable failure) {
        if (backlog != null) {
            backlog.release(countedBytes);
        }
        Outbox.tell(future, callback, failure);
    }

    /**
     * The application's close: starts the closing handshake, or answers the peer's Close; {@code future} completes once
     * our Close is written, or at once if a Close already went (that is success too).
     */
    public void sendClose(int code, String reason, CompletableFuture<Void> future, long countedBytes) {
        if (closed || !engine.isOutputOpen()) {
            refuse(future, null, countedBytes, null);
            return;
        }
        send((engine, r) -> engine.close(code, r), reason, future, null, countedBytes);
    }

    /** Starts the closing handshake (or answers the peer's Close); nothing if a Close was sent. */
    public void close(int code, String reason) {
        if (!closed) {
            engine.close(code, reason);
            drainOutput();
        }
    }

    /** Sends our Close in answer to the peer's Close or violation, now that the handlers have seen it. */
    public void answerClose() {
        if (!closed) {
            engine.answerClose();
            drainOutput();
        }
    }

    /**
     * Fails the connection for the runtime's reasons (a policy, a slow consumer): a Close with {@code code} if one
     * can still go, {@link Event.Closed} to the listener, and TCP closed once the Close is written.
     */
    public void fail(int code, String reason) {
        if (!closed) {
            engine.fail(code, reason);
            pump();
        }
    }

    // -------------------------------------------------------------------------------------------------- writing

    private void drainOutput() {
        if (engine.hasOutput()) {
            long now = System.nanoTime();
            for (ByteBuffer b; (b = engine.pollOutput()) != null; ) {
                outbox.add(b, now);
            }
            markDirty();
        }
        Connection.State state = engine.state();
        if (engine.tcpCloseDue()) {
            closeAfterFlush();
        } else if (state == Connection.State.LOCAL_CLOSING || state == Connection.State.CLOSED) {
            deadlines.closing(System.nanoTime());
        }
        loop.deadline(nextDeadline());
    }

    private void markDirty() {
        if (!dirty && !closed) {
            dirty = true;
            loop.markDirty(this);
        }
    }

    /** Closes the socket once everything queued is written, or when the close timeout is over. */
    private void closeAfterFlush() {
        if (!closeAfterFlush) {
            closeAfterFlush = true;
            deadlines.linger(System.nanoTime());
        }
        markDirty();
    }

    @Override
    public void flushIfDirty() {
        if (dirty) {
            flush();
        }
    }

    private void flush() {
        dirty = false;
        if (closed) {
            return;
        }
        boolean finished;
        try {
            finished = outbox.flush(transport, System.nanoTime()) && closeAfterFlush && transport.finishOutput();
        } catch (IOException e) {
            abort(e);
            return;
        }
        if (finished) {
            close((Throwable) null);
            return;
        }
        setInterest(SelectionKey.OP_WRITE, transport.wantsWritable(!outbox.isEmpty()));
        loop.deadline(nextDeadline());
    }

    private void setInterest(int op, boolean on) {
        if (key == null || !key.isValid()) {
            return;
        }
        int ops = key.interestOps();
        int next = on ? ops | op : ops & ~op;
        if (next != ops) {
            key.interestOps(next);
        }
    }

    // ---------------------------------------------------------------------------------------------------- timers

    private long nextDeadline() {
        return deadlines.next(engine.state(), engine.tcpCloseDue(), outbox.waitingSince());
    }

    @Override
    public long checkTimeouts(long now) {
        for (int steps = 0; steps < 4 && !closed; steps++) {
            switch (deadlines.due(now, engine.state(), engine.tcpCloseDue(), outbox.waitingSince())) {
                case NOTHING -> {
                    return nextDeadline();
                }
                case LINGER_OVER -> {
                    LOG.log(System.Logger.Level.DEBUG, "closing {0}: output not written in time", this);
                    abort(null);
                }
                case HANDSHAKE_OVER -> abort(new SocketTimeoutException("opening handshake timed out"));
                case CLOSE_OVER -> {
                    engine.receiveEof("close timeout");
                    pump();
                    close((Throwable) null);
                }
                case WRITE_OVER -> {
                    // The peer takes none of our output: a Close could not get through the full queue either
                    LOG.log(System.Logger.Level.DEBUG, "slow consumer {0}: {1} bytes waiting, closing", this,
                            outbox.waitingBytes());
                    engine.fail(1008, "slow consumer");
                    pump();
                    abort(null);
                }
                case PONG_OVER -> {
                    LOG.log(System.Logger.Level.DEBUG, "no answer to a ping on {0}: closing", this);
                    // Taken for dead: say why (1001), but wait for neither its Close nor the close timeout
                    fail(1001, "ping timeout");
                }
                case SEND_PING -> {
                    // RFC 6455 §5.5.2: a Ping "may serve either as a keepalive or as a means to verify that the
                    // remote endpoint is still responsive"; its payload is the send time, for anyone tracing pongs
                    engine.sendPing(ByteBuffer.allocate(Long.BYTES).putLong(0, now));
                    deadlines.pingSent(now);
                    drainOutput();
                }
                case IDLE_OVER -> {
                    LOG.log(System.Logger.Level.DEBUG, "idle timeout on {0}", this);
                    close(1001, "idle timeout");
                }
            }
        }
        return closed ? Deadlines.NEVER : nextDeadline();
    }

    // ------------------------------------------------------------------------------------------------- the end

    @Override
    public void goAway() {
        if (engine.state() == Connection.State.CONNECTING) {
            abort(null);
        } else {
            close(1001, "going away");
        }
    }

    @Override
    public void abort(Throwable cause) {
        if (closed) {
            return;
        }
        if (cause != null) {
            LOG.log(System.Logger.Level.DEBUG, "connection {0} failed: {1}", this, cause.toString());
            listener.onFailure(this, cause);
        }
        close(cause);
    }

    public boolean isClosed() {
        return closed;
    }

    /** Closes the socket; reports the end to the engine and the listener, and fails whatever waited on it. */
    private void close(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        dirty = false;
        loop.remove(this);
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing socket", e);
        }
        if (onClosed != null) {
            onClosed.run();
        }
        // No Closed event yet means the connection ended without a closing handshake: the engine reports 1006
        engine.receiveEof("");
        for (Event e; (e = engine.pollEvent()) != null; ) {
            if (e instanceof Event.Closed c) {
                closeCode = c.code();
            }
            listener.onEvent(this, e);
        }
        engine.discardOutput();
        // Only when someone waits, as few do at the end: filling in an exception's stack trace is not cheap
        if (outbox.hasWaitingSends() || backlog != null) {
            Exception failure = config.closedFailure().apply(closeCode);
            outbox.discard(failure);
            if (backlog != null) {
                backlog.end(failure);
            }
        } else {
            outbox.discard(null);
        }
        listener.onClosed(this);
    }

    @Override
    public String toString() {
        InetSocketAddress remote = remoteAddress();
        return remote == null ? "closed socket" : remote.toString();
    }
}
