package io.pado.runtime;

import io.pado.ClosedException;
import io.pado.SendCallback;
import io.pado.protocol.BinaryReceiver;
import io.pado.protocol.CloseCode;
import io.pado.protocol.Connection;
import io.pado.protocol.Event;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * One TCP connection owned by an {@link EventLoop}: its socket, its output queue, its timers, and, once the
 * WebSocket is open, its protocol engine ({@link Connection}) and its {@link Session}. Before that, an
 * {@link Opening} handles the bytes. Not thread-safe: every method runs on the loop thread; other threads go through
 * {@link EventLoop#execute(Runnable)}.
 */
final class Link implements BinaryReceiver {
    private static final System.Logger LOG = System.getLogger(Link.class.getName());
    /** Reads of already-buffered TLS input per readiness, before other links get a turn. */
    private static final int MAX_READ_ROUNDS = 4;

    private enum Phase { OPENING, OPEN, CLOSED }

    final EventLoop loop;
    final SocketChannel channel;
    final Config config;
    /** Socket bytes go through it: the socket itself, or TLS; replaced once when a proxy's tunnel stands. */
    private Transport transport;
    private SelectionKey key;
    private Phase phase = Phase.OPENING;
    /** Where a Closed event stands in its wait for the handlers (loop thread only). */
    private CloseWait closeWait = CloseWait.NONE;

    private enum CloseWait { NONE, WAITING, DONE }
    private Opening opening;
    private Connection engine;
    private Session session;

    // Small at first: an idle connection holds these, a busy one grows them once.
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(3);
    /** Sends whose bytes are not all written yet, oldest first: nodes from the loop's free list. */
    private PendingSend pendingHead;
    private PendingSend pendingTail;
    private long enqueuedTotal;
    private long writtenTotal;
    private boolean dirty;
    private boolean closeAfterFlush;
    private boolean inputEnded;
    /** Whether pump() is on the stack: a handler run inline by it may send, and must not pump again. */
    private boolean pumping;

    private long openingDeadline;
    private long lingerDeadline = Long.MAX_VALUE;
    private long lastReadNanos;
    /** When our keep-alive Ping went out, if it is still unanswered (nothing read since). */
    private long pingSentNanos;
    private boolean pingOutstanding;
    /** Since when queued output has waited without the socket taking any of it (meaningful while out is not empty). */
    private long writeWaitNanos;
    /** Runs once the socket is closed: the acceptor's per-address count. */
    private Runnable onClosed;

    Link(EventLoop loop, SocketChannel channel, Transport transport, Config config, Opening opening) {
        this.loop = loop;
        this.channel = channel;
        this.transport = transport;
        this.config = config;
        this.opening = opening;
    }

    /** Registers with the loop's selector and arms the handshake timeout. */
    void register(int ops) throws IOException {
        key = loop.register(channel, ops, this);
        loop.add(this);
        openingDeadline = System.nanoTime() + config.handshakeTimeoutNanos();
        loop.deadline(openingDeadline);
    }

    /** Sets what to run once the socket is closed; call before {@link #register}. */
    void onClosed(Runnable action) {
        this.onClosed = action;
    }

    /** The head has been read: the handshake timeout no longer applies. */
    void handshakeDone() {
        openingDeadline = Long.MAX_VALUE;
    }

    boolean isClosed() {
        return phase == Phase.CLOSED;
    }

    Session session() {
        return session;
    }

    /** The selector says the socket is ready. */
    void ready(SelectionKey k) {
        try {
            if (k.isConnectable()) {
                channel.finishConnect();
                k.interestOps(SelectionKey.OP_READ);
                opening.connected(this);
                return;
            }
            if (k.isReadable()) {
                read();
            }
            if (phase != Phase.CLOSED && k.isValid() && k.isWritable()) {
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
            if (phase == Phase.CLOSED || inputEnded || !reading() || !transport.hasBufferedInput()) {
                break;
            }
            if (round == MAX_READ_ROUNDS - 1) {
                loop.execute(this::readBuffered); // let other links have their turn first
            }
        }
        if (phase != Phase.CLOSED && transport.flushAfterRead(!out.isEmpty())) {
            markDirty();
        }
        // Answers to this input go out now rather than after every other ready link's: their pooled frames come
        // back before the next link takes some, so a burst over many links needs few buffers.
        flushIfDirty();
    }

    private void readBuffered() {
        if (phase != Phase.CLOSED && reading() && transport.hasBufferedInput()) {
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
        if (n == 0) {
            return;
        }
        buf.flip();
        lastReadNanos = System.nanoTime();
        if (phase == Phase.OPENING) {
            opening.received(this, buf);
        } else if (phase == Phase.OPEN) {
            receive(buf);
            pump();
        }
    }

    /**
     * Feeds input to the engine. A loop handler may run inside (a binary message handed over without an event) and
     * send: its pump then only moves output, and the pump after this takes the events, in order.
     */
    private void receive(ByteBuffer input) {
        boolean wasPumping = pumping;
        pumping = true;
        try {
            engine.receive(input);
        } finally {
            pumping = wasPumping;
        }
    }

    /** The engine hands over a whole binary message while it parses (loop handlers only): straight to the handler. */
    @Override
    public void onBinary(ByteBuffer input, int from, int length) {
        session.binaryOnLoop(input, from, length);
    }

    private boolean reading() {
        return key != null && key.isValid() && (key.interestOps() & SelectionKey.OP_READ) != 0;
    }

    private void endOfInput() {
        inputEnded = true;
        setInterest(SelectionKey.OP_READ, false);
        if (phase == Phase.OPENING) {
            Opening o = opening;
            close();
            o.ended(this, null);
        } else if (phase == Phase.OPEN) {
            engine.receiveEof();
            pump();
            // The peer will send nothing more: once our output (a Close reply, perhaps) is out, we are done.
            closeAfterFlush();
        }
    }

    // ---- the opening handshake

    /** Writes bytes that belong to no send (a handshake response or request). */
    void write(ByteBuffer bytes) {
        if (out.isEmpty()) {
            writeWaitNanos = System.nanoTime();
        }
        out.add(bytes);
        enqueuedTotal += bytes.remaining();
        markDirty();
    }

    /**
     * The handshake succeeded: from now on input goes to {@code engine}, events to {@code session}. {@code rest} holds
     * the bytes received after the handshake (the peer's first frames), if any.
     */
    void open(Connection engine, Session session, ByteBuffer rest) {
        this.engine = engine;
        this.session = session;
        this.opening = null;
        engine.useFrameBuffers(loop.framePool());
        if (!session.dispatchesToThreads()) {
            engine.deliverBinaryTo(this); // no event object per binary message
        }
        this.phase = Phase.OPEN;
        this.lastReadNanos = System.nanoTime();
        session.opened();
        if (rest != null && rest.hasRemaining()) {
            receive(rest);
        }
        pump();
        if (config.idleTimeoutNanos() > 0) {
            loop.deadline(lastReadNanos + config.idleTimeoutNanos());
        }
        if (config.pingIntervalNanos() > 0) {
            loop.deadline(lastReadNanos + config.pingIntervalNanos());
        }
    }

    /**
     * A proxy's tunnel stands: from now on bytes go through {@code inTunnel} (TLS with the server, or the socket as
     * before) and {@code next} runs the opening handshake with the server.
     */
    void tunnel(Transport inTunnel, Opening next) {
        this.transport = inTunnel;
        this.opening = next;
        next.connected(this);
    }

    // ---- the open WebSocket

    /** Moves the engine's events to the session and its output to the socket queue; closes TCP when it says so. */
    void pump() {
        if (pumping) {
            drainEngine(); // the outer pump takes the remaining events, in order, without growing the stack
            return;
        }
        pumping = true;
        try {
            pumpEvents();
        } finally {
            pumping = false;
        }
    }

    private void pumpEvents() {
        Event event;
        while ((event = engine.peekEvent()) != null) {
            if (event instanceof Event.Closed && closeWait != CloseWait.DONE && session.dispatchesToThreads()) {
                // Taking Closed closes the output: first let the handlers answer the messages that came before it,
                // and let their sends reach the loop. Later reads must not take it meanwhile.
                if (closeWait == CloseWait.NONE) {
                    closeWait = CloseWait.WAITING;
                    session.afterHandlers(() -> loop.execute(this::closeWaitOver));
                }
                break;
            }
            engine.pollEvent();
            session.event(event);
        }
        drainEngine();
        if (engine.tcpCloseDue()) {
            closeAfterFlush();
        }
        long deadline = engine.nextDeadlineNanos();
        if (deadline != Long.MAX_VALUE) {
            loop.deadline(deadline);
        }
    }

    private void closeWaitOver() {
        closeWait = CloseWait.DONE;
        if (phase == Phase.OPEN) {
            pump();
        }
    }

    private void drainEngine() {
        ByteBuffer b;
        if (out.isEmpty() && engine.hasOutput()) {
            writeWaitNanos = System.nanoTime();
        }
        while ((b = engine.pollOutput()) != null) {
            out.add(b);
            enqueuedTotal += b.remaining();
        }
        if (!out.isEmpty()) {
            markDirty();
        }
    }

    /**
     * Runs a send on the loop: it goes to the engine, and {@code future} (null for a broadcast) completes once its
     * bytes are written.
     */
    void send(Command command, CompletableFuture<Void> future, long countedBytes) {
        send(Link::apply, command, future, null, countedBytes);
    }

    /**
     * {@link #send} of a binary message from a loop handler: the bytes go into the frame now. Either {@code future}
     * or {@code callback} is told the outcome.
     */
    void sendBinaryNow(ByteBuffer data, CompletableFuture<Void> future, SendCallback callback, long countedBytes) {
        send(Connection::sendBinaryCopy, data, future, callback, countedBytes);
    }

    /** {@link #send} of a text message from a loop handler: encoded into the frame now. */
    void sendTextNow(CharSequence text, CompletableFuture<Void> future, long countedBytes) {
        send(Connection::sendText, text, future, null, countedBytes);
    }

    private static void apply(Connection engine, Command command) {
        command.apply(engine);
    }

    /**
     * Hands {@code message} to the engine with {@code op} and queues the send until its bytes are written. {@code op}
     * is a method reference that captures nothing, so a send from a loop handler allocates no task for it.
     */
    private <T> void send(BiConsumer<Connection, T> op, T message, CompletableFuture<Void> future,
            SendCallback callback, long countedBytes) {
        if (!acceptsSend(future, callback, countedBytes)) {
            return;
        }
        try {
            op.accept(engine, message);
        } catch (RuntimeException e) {
            sendFailed(e, future, callback, countedBytes);
            return;
        }
        sent(future, callback, countedBytes);
    }

    /** Whether the engine still takes sends; if not, the send's count is released and it fails. */
    private boolean acceptsSend(CompletableFuture<Void> future, SendCallback callback, long countedBytes) {
        if (phase == Phase.OPEN && engine.isOutputOpen()) {
            return true;
        }
        sendFailed(new ClosedException(session.closeCode(), "WebSocket is closed"), future, callback, countedBytes);
        return false;
    }

    private void sendFailed(Exception e, CompletableFuture<Void> future, SendCallback callback, long countedBytes) {
        session.release(countedBytes);
        settle(future, callback, e);
    }

    /** Tells a send's future or callback how it ended ({@code failure} null: written). */
    private void settle(CompletableFuture<Void> future, SendCallback callback, Throwable failure) {
        if (future != null) {
            if (failure == null) {
                future.complete(null);
            } else {
                future.completeExceptionally(failure);
            }
        }
        if (callback != null) {
            try {
                callback.done(failure);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "a send callback on " + this + " failed", e);
            }
        }
    }

    /** The engine took the send: queue its frames, and its future or callback until they are written. */
    private void sent(CompletableFuture<Void> future, SendCallback callback, long countedBytes) {
        drainEngine();
        PendingSend p = loop.takePendingSend();
        p.mark = enqueuedTotal;
        p.countedBytes = countedBytes;
        p.future = future;
        p.callback = callback;
        if (pendingTail == null) {
            pendingHead = p;
        } else {
            pendingTail.next = p;
        }
        pendingTail = p;
        pump();
    }

    /** Starts the closing handshake; if our Close was already sent (the peer closed first), that is success. */
    void sendClose(int code, String reason, CompletableFuture<Void> future, long countedBytes) {
        if (phase != Phase.OPEN || !engine.isOutputOpen()) {
            session.release(countedBytes);
            future.complete(null);
            return;
        }
        send(engine -> engine.close(code, reason), future, countedBytes);
    }

    /** A handler threw: close with 1011 and no details (STYLE §7). */
    void failInternal() {
        if (phase == Phase.OPEN && engine.isOutputOpen()) {
            engine.close(CloseCode.INTERNAL_ERROR.code(), "internal error");
            pump();
        }
    }

    /**
     * The slow-consumer policy closes this connection: the Close goes after what is already queued, and the socket
     * closes when that is written or, at the latest, after the close timeout.
     */
    void closeSlowConsumer(CloseCode code) {
        if (phase == Phase.OPEN && engine.state() != Connection.State.CLOSED) {
            LOG.log(System.Logger.Level.DEBUG, "slow consumer {0}: {1} bytes waiting, closing with {2}", this,
                    enqueuedTotal - writtenTotal, code.code());
            engine.fail(code, "slow consumer");
            pump(); // the engine asks for TCP to close once the Close is out: pump passes that on
        }
    }

    /** Start the closing handshake with 1001 (server stop, idle). */
    void goAway(String reason) {
        if (phase == Phase.OPEN) {
            if (engine.isOutputOpen()) {
                engine.close(CloseCode.GOING_AWAY.code(), reason);
                pump();
            }
        } else if (phase == Phase.OPENING) {
            abort(null);
        }
    }

    void pauseReading() {
        setInterest(SelectionKey.OP_READ, false);
    }

    void resumeReading() {
        if (!inputEnded) {
            setInterest(SelectionKey.OP_READ, true);
            if (transport.hasBufferedInput()) {
                loop.execute(this::readBuffered);
            }
        }
    }

    // ---- output

    private void markDirty() {
        if (!dirty && phase != Phase.CLOSED) {
            dirty = true;
            loop.markDirty(this);
        }
    }

    /** Close the socket once everything queued is written, or when the linger time is over. */
    void closeAfterFlush() {
        if (!closeAfterFlush) {
            closeAfterFlush = true;
            lingerDeadline = System.nanoTime() + config.closeTimeoutNanos();
            loop.deadline(lingerDeadline);
        }
        markDirty();
    }

    /** Flushes if output is waiting for this iteration's flush (the loop calls it for each link it marked). */
    void flushIfDirty() {
        if (dirty) {
            flush();
        }
    }

    /** Writes what is queued with gathering writes until done or the socket is full. */
    void flush() {
        dirty = false;
        if (phase == Phase.CLOSED) {
            return;
        }
        ByteBuffer[] gather = loop.gather();
        boolean finished = false;
        try {
            // Once even with nothing queued: a TLS transport may have handshake records of its own to write.
            do {
                int n = 0;
                for (ByteBuffer b : out) {
                    gather[n++] = b;
                    if (n == gather.length) {
                        break;
                    }
                }
                long written = transport.write(gather, 0, n);
                java.util.Arrays.fill(gather, 0, n, null);
                writtenTotal += written;
                if (written > 0) {
                    writeWaitNanos = System.nanoTime();
                }
                while (!out.isEmpty() && !out.peekFirst().hasRemaining()) {
                    loop.framePool().giveBack(out.pollFirst());
                }
                if (written == 0 || (!out.isEmpty() && n < gather.length)) {
                    break; // the socket is full
                }
            } while (!out.isEmpty());
            finished = out.isEmpty() && closeAfterFlush && transport.finishOutput();
        } catch (IOException e) {
            abort(e);
            return;
        }
        completeWritten();
        if (finished) {
            close();
            return;
        }
        setInterest(SelectionKey.OP_WRITE, transport.wantsWritable(!out.isEmpty()));
        if (!out.isEmpty() && config.writeTimeoutNanos() > 0) {
            loop.deadline(writeWaitNanos + config.writeTimeoutNanos());
        }
    }

    private void completeWritten() {
        settlePending(writtenTotal, null);
    }

    /** Settles, in order, the waiting sends whose bytes end at or before {@code upTo}; {@code failure} null: success. */
    private void settlePending(long upTo, Throwable failure) {
        PendingSend p;
        while ((p = pendingHead) != null && p.mark <= upTo) {
            pendingHead = p.next;
            if (pendingHead == null) {
                pendingTail = null;
            }
            CompletableFuture<Void> future = p.future;
            SendCallback callback = p.callback;
            long counted = p.countedBytes;
            loop.givePendingSend(p);
            session.release(counted);
            settle(future, callback, failure);
        }
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

    // ---- timers

    /** Applies whatever timeout is due at {@code now}; returns the next deadline, or Long.MAX_VALUE. */
    long checkTimeouts(long now) {
        if (phase == Phase.CLOSED) {
            return Long.MAX_VALUE;
        }
        if (now >= lingerDeadline) {
            LOG.log(System.Logger.Level.DEBUG, "closing {0}: output not drained in time", this);
            abort(null);
            return Long.MAX_VALUE;
        }
        long next = lingerDeadline;
        if (phase == Phase.OPENING) {
            if (now >= openingDeadline) {
                LOG.log(System.Logger.Level.DEBUG, "handshake timeout on {0}", this);
                opening.timedOut(this);
                return phase == Phase.CLOSED ? Long.MAX_VALUE : Math.min(next, lingerDeadline);
            }
            return Math.min(next, openingDeadline);
        }
        if (engine.nextDeadlineNanos() <= now) {
            engine.tick(now);
            pump();
        }
        next = Math.min(next, engine.nextDeadlineNanos());
        if (config.writeTimeoutNanos() > 0 && !out.isEmpty()) {
            long giveUp = writeWaitNanos + config.writeTimeoutNanos();
            if (now - giveUp >= 0) {
                slowConsumer();
                return Long.MAX_VALUE;
            }
            next = Math.min(next, giveUp);
        }
        if (config.pingIntervalNanos() > 0 && engine.state() == Connection.State.OPEN) {
            next = Math.min(next, keepAlive(now));
        }
        long idle = config.idleTimeoutNanos();
        if (idle > 0 && engine.state() == Connection.State.OPEN) {
            long idleDeadline = lastReadNanos + idle;
            if (now >= idleDeadline) {
                LOG.log(System.Logger.Level.DEBUG, "idle timeout on {0}", this);
                goAway("idle timeout");
                next = Math.min(next, engine.nextDeadlineNanos());
            } else {
                next = Math.min(next, idleDeadline);
            }
        }
        return Math.min(next, lingerDeadline);
    }

    /**
     * Pings a connection that has been silent for the ping interval; gives up on one that stays silent for the pong
     * timeout after the Ping. Any input counts as an answer: it proves the peer is there. Returns the next deadline.
     */
    private long keepAlive(long now) {
        if (pingOutstanding && lastReadNanos - pingSentNanos >= 0) {
            pingOutstanding = false; // answered
        }
        if (pingOutstanding) {
            long giveUp = pingSentNanos + config.pongTimeoutNanos();
            if (now - giveUp < 0) {
                return giveUp;
            }
            LOG.log(System.Logger.Level.DEBUG, "no answer to a ping on {0}: closing", this);
            pingOutstanding = false;
            // The peer is taken for dead: say why (1001), but wait for neither its Close nor the close timeout.
            engine.fail(CloseCode.GOING_AWAY, "ping timeout");
            pump();
            closeAfterFlush();
            return Long.MAX_VALUE;
        }
        long due = lastReadNanos + config.pingIntervalNanos();
        if (now - due < 0) {
            return due;
        }
        // RFC 6455 §5.5.2: a Ping "may serve either as a keepalive or as a means to verify that the remote endpoint
        // is still responsive". The payload is ours to choose: the send time, for anyone tracing pongs.
        engine.sendPing(ByteBuffer.allocate(Long.BYTES).putLong(0, now));
        pingSentNanos = now;
        pingOutstanding = true;
        pump();
        return now + config.pongTimeoutNanos();
    }

    /**
     * The peer has taken none of our output for the write timeout: it is not reading. A Close could not get through
     * the full queue, so report 1008 and drop the connection; the queue's memory goes with it.
     */
    private void slowConsumer() {
        LOG.log(System.Logger.Level.DEBUG, "slow consumer {0}: {1} bytes waiting, closing", this, enqueuedTotal
                - writtenTotal);
        if (engine.state() != Connection.State.CLOSED) {
            engine.fail(CloseCode.POLICY_VIOLATION, "slow consumer");
        }
        abort(null);
    }

    // ---- the end

    /** Drops the connection now; {@code cause} (null if none) goes to the handler's onError. */
    void abort(Throwable cause) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (cause != null) {
            LOG.log(System.Logger.Level.DEBUG, "connection {0} failed: {1}", this, cause.toString());
        }
        if (phase == Phase.OPENING) {
            Opening o = opening;
            close();
            o.ended(this, cause);
            return;
        }
        if (cause != null) {
            session.error(cause);
        }
        close();
    }

    /** Closes the socket and settles everything that waited on it. */
    private void close() {
        if (phase == Phase.CLOSED) {
            return;
        }
        Phase was = phase;
        phase = Phase.CLOSED;
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
        for (ByteBuffer b : out) {
            loop.framePool().giveBack(b);
        }
        out.clear();
        if (was == Phase.OPEN) {
            // No Closed event yet means the connection ended without a closing handshake.
            try {
                engine.receiveEof();
                Event event;
                while ((event = engine.pollEvent()) != null) {
                    session.event(event);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "engine failed at end of input", e);
            }
            ByteBuffer unsent;
            while ((unsent = engine.pollOutput()) != null) {
                loop.framePool().giveBack(unsent);
            }
            session.ended();
            // Only when a send waits, as few do at close: filling in an exception's stack trace is not cheap
            if (pendingHead != null) {
                settlePending(Long.MAX_VALUE,
                        new ClosedException(session.closeCode(), "WebSocket closed before the send"));
            }
        }
    }

    @Override
    public String toString() {
        try {
            return String.valueOf(channel.getRemoteAddress());
        } catch (IOException | RuntimeException e) {
            return "closed socket";
        }
    }
}
