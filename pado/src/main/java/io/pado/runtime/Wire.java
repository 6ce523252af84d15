package io.pado.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The socket under a {@link Link} and the {@link Transport} that carries bytes over it: registration with the loop's
 * selector, what the selector should watch for, reads, the orderly end of output, and closing. It knows nothing of
 * WebSockets. Not thread-safe: the loop thread only, but {@link #remoteAddress()}.
 */
final class Wire {
    private static final System.Logger LOG = System.getLogger(Wire.class.getName());
    // Why reading is paused: a request waits for its answer; back-pressure: the output or the handlers are behind
    static final int PAUSED_FOR_ANSWER = 1;
    static final int PAUSED_FOR_OUTPUT = 2;
    static final int PAUSED_FOR_HANDLERS = 4;

    private final SocketChannel channel;
    private final Transport transport;
    private SelectionKey key;
    /** Why reading is paused, as bits; reading resumes when none is left. */
    private int pausedBy;
    private boolean inputEnded;
    private Runnable onClosed;
    /** The back-pressure episodes under way, while a Flight Recorder recording wants them; else null. */
    private FlightEvents.ReadPaused pausedForOutput;
    private FlightEvents.ReadPaused pausedForHandlers;

    Wire(SocketChannel channel, Transport transport) {
        this.channel = channel;
        this.transport = transport;
    }

    Transport transport() {
        return transport;
    }

    /** Registers with {@code loop}'s selector for {@code ops}, with {@code member} told when it is ready. */
    void register(EventLoop loop, int ops, LoopMember member) throws IOException {
        key = loop.register(channel, ops, member);
    }

    /** Starts connecting; true if connected at once (then it is registered for reads, else for the connect). */
    boolean connect(InetSocketAddress address, EventLoop loop, LoopMember member) throws IOException {
        boolean connected = channel.connect(address);
        register(loop, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, member);
        return connected;
    }

    /** The connect has finished: from now on the selector watches for reads. */
    void finishConnect() throws IOException {
        channel.finishConnect();
        key.interestOps(SelectionKey.OP_READ);
    }

    /** Reads application bytes into {@code dst}: how many, or -1 at the end. */
    int read(ByteBuffer dst) throws IOException {
        return transport.read(dst);
    }

    /** Stops reading for {@code reason} until {@link #resume} with it. */
    void pause(int reason) {
        if ((pausedBy & reason) == 0) {
            if (reason == PAUSED_FOR_OUTPUT) {
                pausedForOutput = FlightEvents.readPaused(remoteAddress(), "output");
            } else if (reason == PAUSED_FOR_HANDLERS) {
                pausedForHandlers = FlightEvents.readPaused(remoteAddress(), "handlers");
            }
        }
        pausedBy |= reason;
        interest(SelectionKey.OP_READ, false);
    }

    /** Reading may go on as far as {@code reason} is concerned; true if it does now. */
    boolean resume(int reason) {
        if ((pausedBy & reason & PAUSED_FOR_OUTPUT) != 0) {
            FlightEvents.readResumed(pausedForOutput);
            pausedForOutput = null;
        }
        if ((pausedBy & reason & PAUSED_FOR_HANDLERS) != 0) {
            FlightEvents.readResumed(pausedForHandlers);
            pausedForHandlers = null;
        }
        pausedBy &= ~reason;
        boolean reading = pausedBy == 0 && !inputEnded;
        interest(SelectionKey.OP_READ, reading);
        return reading;
    }

    /** Whether reads go on: not paused, and the input has not ended. */
    boolean reading() {
        return pausedBy == 0 && !inputEnded;
    }

    /** The peer sends nothing more: reads stop for good. */
    void inputEnded() {
        inputEnded = true;
        interest(SelectionKey.OP_READ, false);
    }

    /** Whether the selector should report that the socket can take bytes: only while some wait for it. */
    void writing(boolean appQueued) {
        interest(SelectionKey.OP_WRITE, transport.wantsWritable(appQueued));
    }

    private void interest(int op, boolean on) {
        if (key == null || !key.isValid()) {
            return;
        }
        int ops = key.interestOps();
        int next = on ? ops | op : ops & ~op;
        if (next != ops) {
            key.interestOps(next);
        }
    }

    /** The other end's address, or null once the socket is closed. Safe from any thread. */
    InetSocketAddress remoteAddress() {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    void onClosed(Runnable action) {
        this.onClosed = action;
    }

    /** Stops watching the socket, closes it, and runs what was to run then. */
    void close() {
        // The socket first: whatever fails after this (a class that cannot load when descriptors ran out, say) must
        // not leave the descriptor open
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing socket", e);
        }
        transport.closed();
        if (onClosed != null) {
            onClosed.run();
        }
        FlightEvents.readResumed(pausedForOutput); // an episode ends with the connection, if not before
        FlightEvents.readResumed(pausedForHandlers);
    }
}
