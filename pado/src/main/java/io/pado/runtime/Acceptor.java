package io.pado.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import io.pado.protocol.Connection;
import java.util.function.Supplier;

/**
 * Accepts connections on the first loop of a group and hands each socket to the next loop, round-robin, as a
 * {@link Link} with a server engine and a listener from {@code openings}. Loop thread only.
 */
public final class Acceptor extends LoopMember {
    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());
    /** Accept at most this many sockets per wakeup, so that one busy port does not starve the loop's sockets. */
    private static final int MAX_ACCEPTS = 64;
    /**
     * How long accepting pauses after accept() failed. Out of file descriptors, the waiting socket stays in the
     * backlog and the port stays ready: asking again at once would spin the loop and starve its connections.
     */
    static final long ACCEPT_PAUSE_NANOS = 200_000_000L;
    /** Warn of failed accepts at most this often; the pauses between are logged at DEBUG. */
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;

    private final ServerSocketChannel server;
    private final LoopGroup loops;
    private final LinkOptions options;
    private final Supplier<LinkListener> openings;
    private final TransportFactory transports;
    private final Admission admission;
    private SelectionKey key;
    /** The loop this acceptor is registered on (the group's first). */
    private EventLoop acceptLoop;
    private long lastWarningNanos;
    private boolean warnedOnce;

    /**
     * Makes the transport of an accepted socket: plain, or TLS with the server's current certificate, borrowing its
     * buffers from {@code loop}, which will own the socket. Called on that loop.
     */
    @FunctionalInterface
    public interface TransportFactory {
        Transport create(SocketChannel channel, EventLoop loop) throws IOException;
    }

    public Acceptor(ServerSocketChannel server, LoopGroup loops, LinkOptions options, Supplier<LinkListener> openings,
            TransportFactory transports, Admission admission) {
        this.server = server;
        this.admission = admission;
        this.loops = loops;
        this.options = options;
        this.openings = openings;
        this.transports = transports;
    }

    public void register(EventLoop loop) throws IOException {
        this.acceptLoop = loop;
        key = loop.register(server, SelectionKey.OP_ACCEPT, this);
    }

    @Override
    public void ready(SelectionKey k) {
        accept();
    }

    @Override
    public void abort(Throwable cause) {
        close();
    }

    private void accept() {
        for (int i = 0; i < MAX_ACCEPTS; i++) {
            SocketChannel channel;
            InetAddress address;
            try {
                channel = server.accept();
                if (channel == null) {
                    return;
                }
            } catch (IOException e) {
                // Out of file descriptors, typically: keep serving the connections we have, try again shortly
                pauseAccepting(e);
                return;
            }
            try {
                address = ((InetSocketAddress) channel.getRemoteAddress()).getAddress();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "a socket closed as it was accepted: {0}", e.toString());
                closeQuietly(channel);
                continue;
            }
            if (!admission.admitConnection(address)) {
                // Closed before anything is read: reading a request to answer it would hold the socket we refuse
                LOG.log(System.Logger.Level.DEBUG, "refused a socket from {0}: too many connections from it",
                        address);
                closeQuietly(channel);
                continue;
            }
            // Runs exactly once: from Link.close, or below if the socket never became a link. No guard object, as
            // one would be kept per open connection
            Runnable release = () -> admission.releaseConnection(address);
            EventLoop loop = loops.next();
            Runnable register = () -> {
                try {
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    Link link = new Link(loop, channel, transports.create(channel, loop),
                            Connection.server(options.engine()), options, openings.get());
                    link.onClosed(release);
                    link.register(SelectionKey.OP_READ);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "registering a socket failed: {0}", e.toString());
                    closeQuietly(channel);
                    release.run();
                }
            };
            if (loop.inLoop()) {
                register.run();
            } else {
                loop.execute(register);
            }
        }
    }

    private void pauseAccepting(IOException cause) {
        long now = System.nanoTime();
        boolean warn = !warnedOnce || now - lastWarningNanos >= WARN_EVERY_NANOS;
        if (warn) {
            warnedOnce = true;
            lastWarningNanos = now;
        }
        LOG.log(warn ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                "accept failed, accepting again in {0} ms: {1}", ACCEPT_PAUSE_NANOS / 1_000_000, cause.toString());
        key.interestOps(0);
        acceptLoop.schedule(ACCEPT_PAUSE_NANOS, () -> {
            if (key.isValid()) {
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        });
    }

    /** Stops accepting and closes the listening socket. Loop thread only. */
    public void close() {
        if (key != null) {
            key.cancel();
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the listening socket", e);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a socket", e);
        }
    }
}
