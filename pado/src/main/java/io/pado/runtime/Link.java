package io.pado.runtime;

import io.pado.protocol.Connection;
import io.pado.protocol.Event;
import io.pado.protocol.HandshakeException;
import io.pado.protocol.Headers;
import io.pado.protocol.PerMessageDeflate;
import io.pado.protocol.Persistence;
import io.pado.protocol.Role;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.ToIntBiFunction;

/**
 * One TCP connection owned by an {@link EventLoop}: its {@link Wire}, its protocol engine, its {@link Outbox} and its
 * {@link Deadlines}. It feeds what it reads to the engine and hands each event up to its {@link LinkListener}; it
 * writes what the engine and the sends queued, once per loop iteration. Events go up only from reads, timeouts and
 * the end, never from a call the listener made. Loop thread only; others use {@link EventLoop#execute(Runnable)}.
 */
public final class Link extends LoopMember {
    private static final System.Logger LOG = System.getLogger(Link.class.getName());
    private static final int MAX_READ_ROUNDS = 4; // reads of buffered TLS input per readiness, before others' turn
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    // Why reading is paused: a request waits for its answer, the output or the handlers are behind
    public static final int PAUSED_FOR_ANSWER = Wire.PAUSED_FOR_ANSWER;
    public static final int PAUSED_FOR_OUTPUT = Wire.PAUSED_FOR_OUTPUT;
    public static final int PAUSED_FOR_HANDLERS = Wire.PAUSED_FOR_HANDLERS;
    public static final int CONTROL_FRAME = PendingSend.CONTROL_FRAME; // what a send's op returns for a Ping or Pong

    private final EventLoop loop;
    private final Wire wire;
    private final Connection engine;
    private final LinkOptions options;
    private final Outbox outbox;
    private final Deadlines deadlines;
    private LinkListener listener;
    private int closeCode = 1006;
    private boolean closed;
    private boolean closeAfterFlush;
    private boolean dirty;

    public Link(EventLoop loop, SocketChannel channel, Transport transport, Connection engine, LinkOptions options,
            LinkListener listener) {
        this.loop = loop;
        this.wire = new Wire(channel, transport);
        this.engine = engine;
        this.options = options;
        this.listener = listener;
        this.outbox = new Outbox(loop, engine);
        this.deadlines = new Deadlines(options, System.nanoTime());
        engine.useFrameBuffers(loop.framePool());
    }

    /** What to run once the socket is closed (the acceptor's count per address); set before registering. */
    void onClosed(Runnable action) {
        wire.onClosed(action);
    }

    void register(int ops) throws IOException {
        wire.register(loop, ops, this);
        loop.add(this);
        loop.deadline(this, nextDeadline());
    }

    /** Client: starts connecting to {@code address} (the server or a proxy); the engine's request goes out then. */
    public void connect(InetSocketAddress address) throws IOException {
        boolean connected = wire.connect(address, loop, this);
        loop.add(this);
        if (connected) {
            drainOutput();
        }
        loop.deadline(this, nextDeadline());
    }

    public EventLoop loop() {
        return loop;
    }

    /** The other end's address, or null once the socket is closed. Safe from any thread. */
    public InetSocketAddress remoteAddress() {
        return wire.remoteAddress();
    }

    /** Whether a frame compressed once for many may go here; from any thread once the WebSocket is open. */
    public boolean takesSharedCompressedFrames(long messageBytes) {
        return engine.takesSharedCompressedFrames(messageBytes);
    }

    @Override
    public void ready(SelectionKey k) {
        try {
            if (k.isConnectable()) {
                wire.finishConnect();
                drainOutput(); // the request, or TLS's hello, goes out now
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
        for (int round = 0; !closed && wire.reading(); round++) {
            readOnce();
            if (!wire.transport().hasBufferedInput()) {
                break;
            }
            if (round == MAX_READ_ROUNDS - 1) {
                loop.execute(this::readBuffered); // let other links have their turn first
                break;
            }
        }
        if (!closed && wire.transport().flushAfterRead(!outbox.isEmpty())) {
            markDirty();
        }
        // Now, not after every other ready link: pooled frames come back before the next link takes some
        flushIfDirty();
    }

    /** Reads what the selector cannot see: the engine's kept input, TLS records already read. */
    private void readBuffered() {
        try {
            if (!closed && engine.hasWaitingInput()) {
                feed(EMPTY);
            }
            read();
        } catch (IOException e) {
            abort(e);
        }
    }

    private void readOnce() throws IOException {
        ByteBuffer buf = loop.readBuffer().clear();
        int n = wire.read(buf);
        if (n < 0) {
            wire.inputEnded();
            end("");
            closeAfterFlush(); // once our output (a Close reply, perhaps) is out, we are done
        } else if (n > 0) {
            deadlines.read(System.nanoTime());
            feed(buf.flip());
        }
    }

    /** Feeds {@code input} to the engine until it is read, handing each event up as it comes. */
    private void feed(ByteBuffer input) {
        do {
            engine.receive(input);
            pump();
        } while (!closed && (input.hasRemaining() || engine.hasWaitingInput()));
        listener.onEventsEnd(this);
    }

    /** Hands the engine's events to the listener, then queues its output. */
    private void pump() {
        for (Event e; (e = engine.pollEvent()) != null; ) {
            if (e instanceof Event.Request || e instanceof Event.Upgrade) {
                pause(PAUSED_FOR_ANSWER);
                deadlines.awaitingAnswer();
            } else if (e instanceof Event.Closed c) {
                closeCode = c.code();
            }
            listener.onEvent(this, e);
        }
        if (!closed) {
            drainOutput();
        }
    }

    /** Stops reading for {@code reason}, a {@code PAUSED_} bit, until {@link #resume} with it. */
    public void pause(int reason) {
        wire.pause(reason);
    }

    /** Reading may go on as far as {@code reason} is concerned. */
    public void resume(int reason) {
        if (wire.resume(reason) && !closed && (wire.transport().hasBufferedInput() || engine.hasWaitingInput())) {
            loop.execute(this::readBuffered); // not from here: the caller may be inside one of our events
        }
    }

    /** Answers the plain HTTP request the listener was given; the connection stays for the next one, or closes. */
    public void respond(int status, Headers headers, byte[] body, Persistence persistence) {
        if (!closed) {
            engine.respond(status, headers, body, persistence);
            deadlines.answered(System.nanoTime());
            answered();
        }
    }

    /**
     * Accepts the upgrade request the listener was given; true if the WebSocket is open ({@link #open} follows),
     * false if the engine refused after all (a 500). IllegalArgumentException for a subprotocol not offered.
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

    /** The WebSocket is open: from now on {@code delivery} gets the events, and sends count in {@code sends}. */
    public void open(LinkListener delivery, Backlog sends) {
        this.listener = delivery;
        outbox.countIn(sends);
        deadlines.opened(System.nanoTime());
        answered();
    }

    private void answered() {
        drainOutput();
        resume(PAUSED_FOR_ANSWER); // input that came with the request is read next
    }

    /** Runs a send on the engine (see {@link Outbox#send}), or fails it if the engine takes no more sends. */
    public <T> void send(ToIntBiFunction<Connection, T> op, T message, CompletableFuture<Void> future,
            Consumer<Throwable> callback, long countedBytes) {
        if (closed || !engine.isOutputOpen()) {
            outbox.refuse(future, callback, countedBytes, options.closedFailure().apply(closeCode));
            pauseForOutput(); // what it had counted is no longer queued
            return;
        }
        outbox.send(op, message, future, callback, countedBytes);
        afterOutput();
    }

    /** The application's close: {@code future} completes once our Close is written, or at once if one went. */
    public void sendClose(int code, String reason, CompletableFuture<Void> future, long countedBytes) {
        if (closed || !engine.isOutputOpen()) {
            outbox.refuse(future, null, countedBytes, null);
            pauseForOutput();
        } else {
            send((e, r) -> { e.close(code, r); return PendingSend.CLOSE_FRAME; }, reason, future, null, countedBytes);
        }
    }

    /** Starts the closing handshake (or answers the peer's Close); nothing if a Close was sent. */
    public void close(int code, String reason) {
        if (!closed) {
            engine.close(code, reason);
            drainOutput();
        }
    }

    /** Sends our Close answering the peer's Close or violation, now that the handlers have seen it. */
    public void answerClose() {
        if (!closed) {
            engine.answerClose();
            drainOutput();
        }
    }

    /** Fails the connection (a policy, a slow consumer): a Close if one can still go, and TCP closed after it. */
    public void fail(int code, String reason) {
        if (!closed) {
            engine.fail(code, reason);
            pump();
            listener.onEventsEnd(this);
        }
    }

    private void drainOutput() {
        outbox.takeOutput();
        afterOutput();
    }

    /** After the engine did something: write what it queued, and arm what its state asks for. */
    private void afterOutput() {
        pauseForOutput();
        if (engine.tcpCloseDue()) {
            closeAfterFlush();
        } else if (engine.state() == Connection.State.LOCAL_CLOSING || engine.state() == Connection.State.CLOSED) {
            deadlines.closing(System.nanoTime());
        }
        if (outbox.isEmpty()) {
            loop.deadline(this, nextDeadline());
        } else {
            markDirty(); // the flush in this turn of the loop arms the deadlines, not each message here
        }
    }

    private void markDirty() {
        if (!dirty && !closed) {
            dirty = true;
            loop.markDirty(this);
        }
    }

    /** Closes the socket once all is written, or at the close timeout. */
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
            dirty = false;
            flush();
        }
    }

    private void flush() {
        if (closed) {
            return;
        }
        boolean finished;
        try {
            Transport transport = wire.transport();
            finished = outbox.flush(transport, System.nanoTime()) && closeAfterFlush && transport.finishOutput();
        } catch (IOException e) {
            abort(e);
            return;
        }
        if (finished) {
            close((Throwable) null);
            return;
        }
        wire.writing(!outbox.isEmpty());
        pauseForOutput();
        loop.deadline(this, nextDeadline());
    }

    /** A server stops reading a peer that does not read; a client reads on, as its peer may wait for that. */
    private void pauseForOutput() {
        if (engine.role() == Role.SERVER && outbox.filledAboveHighWater(options)) {
            pause(PAUSED_FOR_OUTPUT);
        } else if (outbox.drainedBelowLowWater(options)) {
            resume(PAUSED_FOR_OUTPUT);
        }
    }

    private long nextDeadline() {
        return deadlines.next(engine.state(), engine.tcpCloseDue(), outbox.waitingSince());
    }

    @Override
    public long checkTimeouts(long now) {
        if (!wire.reading()) {
            deadlines.notReading(now);
        }
        for (int steps = 0; steps < 4 && !closed; steps++) {
            Deadlines.Due due = deadlines.due(now, engine.state(), engine.tcpCloseDue(), outbox.waitingSince());
            if (due != Deadlines.Due.NOTHING) {
                LOG.log(System.Logger.Level.DEBUG, "{0} on {1}", due, this);
            }
            switch (due) {
                case NOTHING -> {
                    return nextDeadline();
                }
                case LINGER_OVER -> abort(null); // the output was not written in time
                case HANDSHAKE_OVER -> abort(new SocketTimeoutException("opening handshake timed out"));
                case CLOSE_OVER -> {
                    end("close timeout");
                    close((Throwable) null);
                }
                case WRITE_OVER -> { // the peer reads nothing: no Close could get through the full queue either
                    outbox.slowConsumerClosed(remoteAddress());
                    fail(1008, "slow consumer");
                    abort(null);
                }
                case PONG_OVER -> fail(1001, "ping timeout"); // taken for dead: no wait for its Close
                case SEND_PING -> {
                    // RFC 6455 §5.5.2: a keepalive, and a check that the peer answers; its payload is the send time
                    engine.sendPing(ByteBuffer.allocate(Long.BYTES).putLong(0, now));
                    deadlines.pingSent(now);
                    drainOutput();
                }
                case IDLE_OVER -> close(1001, "idle timeout");
            }
        }
        return closed ? Deadlines.NEVER : nextDeadline();
    }

    @Override // the loop drains
    public void goAway() {
        if (engine.state() == Connection.State.CONNECTING) {
            abort(null);
        } else {
            close(1001, "going away");
        }
    }

    @Override
    public void abort(Throwable cause) {
        if (!closed && cause != null) {
            LOG.log(System.Logger.Level.DEBUG, "connection {0} failed: {1}", this, cause.toString());
            listener.onFailure(this, cause);
        }
        close(cause);
    }

    /** The input is over ({@code reason}: why, if we gave up): 1006 to the listener if no Close came. */
    private void end(String reason) {
        engine.receiveEof(reason);
        pump();
        listener.onEventsEnd(this);
    }

    /** Closes the socket; reports the end to the engine and the listener, and fails whatever waited on it. */
    private void close(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        dirty = false;
        loop.remove(this);
        wire.close();
        end(""); // no Closed event yet means the connection ended without a closing handshake
        int code = closeCode;
        outbox.discard(() -> options.closedFailure().apply(code)); // made only if someone waits: see Backlog.end
        listener.onClosed(this);
    }

    @Override
    public String toString() {
        return String.valueOf(remoteAddress());
    }
}
