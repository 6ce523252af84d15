package io.pado;

import io.pado.protocol.ClientHandshake;
import io.pado.protocol.Connection;
import io.pado.protocol.PerMessageDeflate;
import io.pado.runtime.Counters;
import io.pado.runtime.EventLoop;
import io.pado.runtime.LinkOptions;
import io.pado.runtime.Link;
import io.pado.runtime.LoopGroup;
import io.pado.runtime.PlainTransport;
import io.pado.runtime.TlsTransport;
import io.pado.runtime.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLContext;

/**
 * Dials a {@link Client}'s connections: a group of event loops, and for each connection a {@link Link} with a client
 * engine, the transports it needs (a proxy's tunnel, TLS) and a {@link ClientOpening}; redirects are followed here.
 * Thread-safe.
 */
final class Dialer {
    private static final System.Logger LOG = System.getLogger(Dialer.class.getName());

    private final ClientOptions options;
    private final Sessions sessions;
    /** permessage-deflate to offer, made once: it shares its codec pool across connections. */
    private final Optional<PerMessageDeflate> compression;
    private final LoopGroup loops;
    /** Every connection's counts, TLS handshakes included. */
    private final Counters counters = new Counters("client");
    /** RFC 6455 §5.3: masking keys come from a strong source of entropy. Thread-safe. */
    private final SecureRandom random = new SecureRandom();
    private final IntSupplier maskKeys = random::nextInt;
    private final Object lifecycle = new Object();
    private boolean closed;

    Dialer(ClientOptions options) {
        this.options = options;
        LinkOptions linkOptions = options.connection().linkOptions(options.maxResponseHeadBytes(), 0, 1);
        this.sessions = new Sessions(options.connection(), linkOptions, "pado-client-handler");
        this.compression = options.connection().compression().map(Compression::engineFactory);
        this.loops = new LoopGroup("pado-client-loop-", options.eventLoops(), true);
        loops.start();
    }

    /** The client's metrics: a live view. */
    Metrics metrics() {
        return new Metrics(counters, List.of(), compression.orElse(null));
    }

    /** Runs {@code call} on a new virtual thread. */
    void runOnVirtualThread(Runnable call) {
        sessions.runOnVirtualThread(call);
    }

    /**
     * Dials {@code uri}; the future completes with the open WebSocket or fails with why.
     *
     * @throws IllegalArgumentException if {@code uri} is not a {@code ws://} or {@code wss://} URI with a host
     * @throws IllegalStateException    if the client is closed
     */
    CompletableFuture<WebSocket> connect(URI uri, Handler handler) {
        requireOpen();
        check(uri);
        var result = new CompletableFuture<WebSocket>();
        hop(new ArrayList<>(List.of(uri)), options.headers(), handler, result);
        return result;
    }

    private void requireOpen() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("client closed");
            }
        }
    }

    /** Runs {@code task} on a loop after {@code delay}; a task still waiting when the client closes never runs. */
    void schedule(Duration delay, Runnable task) {
        loops.next().schedule(delay.toNanos(), task);
    }

    /** One opening handshake toward the last URI of {@code chain}; a redirect answer leads to the next hop. */
    private void hop(List<URI> chain, Headers headers, Handler handler, CompletableFuture<WebSocket> result) {
        URI uri = chain.getLast();
        var attempt = new CompletableFuture<WebSocket>();
        attempt.whenComplete((ws, failure) -> {
            if (failure == null) {
                result.complete(ws);
            } else if (failure instanceof HandshakeException answer && !(answer instanceof ProxyException)
                    && Redirect.isRedirect(answer)
                    && options.maxRedirects() > 0) {
                follow(chain, headers, answer, handler, result);
            } else {
                result.completeExceptionally(failure);
            }
        });
        try {
            dial(uri, headers, handler, attempt);
        } catch (RuntimeException e) {
            attempt.completeExceptionally(e);
        }
    }

    private void follow(List<URI> chain, Headers headers, HandshakeException answer, Handler handler,
            CompletableFuture<WebSocket> result) {
        URI from = chain.getLast();
        URI next;
        try {
            next = Redirect.next(chain, answer, options.maxRedirects());
        } catch (HandshakeException e) {
            LOG.log(System.Logger.Level.DEBUG, "not following redirect: {0}", e.getMessage());
            result.completeExceptionally(e);
            return;
        }
        if (isClosed()) {
            result.completeExceptionally(new IOException("client closed while following a redirect to " + next));
            return;
        }
        // Credentials and cookies were meant for the server the user named: another one never sees them.
        Headers nextHeaders = Redirect.sameServer(from, next) ? headers
                : headers.without("Authorization").without("Cookie");
        LOG.log(System.Logger.Level.DEBUG, "following {0} from {1} to {2}", answer.status(), from, next);
        chain.add(next);
        hop(chain, nextHeaders, handler, result);
    }

    /** Checks the URI and headers now, so that the caller gets IllegalArgumentException rather than a failed future. */
    void check(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !scheme.equalsIgnoreCase("wss") && !scheme.equalsIgnoreCase("ws")) {
            throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in " + uri);
        }
        ClientHandshake.create(uri, options.subprotocols(), compression, options.headers().fields(),
                options.origin(),
                ClientHandshake.newKey(random));
    }

    boolean isClosed() {
        synchronized (lifecycle) {
            return closed;
        }
    }

    /** Opens a connection to {@code uri} and runs one opening handshake on it; {@code result} says how it went. */
    private void dial(URI uri, Headers headers, Handler handler, CompletableFuture<WebSocket> result) {
        boolean secure = uri.getScheme().equalsIgnoreCase("wss");
        ClientHandshake handshake = ClientHandshake.create(uri, options.subprotocols(), compression,
                headers.fields(), options.origin(), ClientHandshake.newKey(random));
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        int port = Redirect.port(uri);
        SSLContext tls = secure ? options.tls().context() : null;
        // Proxy selection and name resolution may block: do them on a virtual thread, then hand the socket to a loop.
        sessions.runOnVirtualThread(() -> {
            try {
                Optional<InetSocketAddress> proxy = options.proxy().select(uri);
                // Through a proxy, the proxy resolves the server's name: it may not resolve here at all.
                var address = proxy.map(p -> new InetSocketAddress(p.getHostString(), p.getPort()))
                        .orElseGet(() -> new InetSocketAddress(uri.getHost(), port));
                if (address.isUnresolved()) {
                    throw new UnknownHostException(proxy.isPresent() ? "proxy " + address.getHostString()
                            : uri.getHost());
                }
                SocketChannel channel = SocketChannel.open();
                Link link;
                try {
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    Transport below = new PlainTransport(channel);
                    ProxyTunnel tunnel = proxy.isEmpty() ? null : new ProxyTunnel(below, proxy.get().getHostString()
                            + ":" + proxy.get().getPort(), uri.getHost() + ":" + port,
                            options.proxy().proxyAuthorization(), options.maxResponseHeadBytes());
                    if (tunnel != null) {
                        below = tunnel;
                    }
                    EventLoop loop = loops.next();
                    Transport transport = tls == null ? below
                            : TlsTransport.client(below, tls, uri.getHost(), port, counters, loop.packetPool());
                    var opening = new ClientOpening(sessions, counters, handler, path, result, tunnel);
                    LinkOptions linkOptions = sessions.linkOptions();
                    link = new Link(loop, channel, transport,
                            Connection.client(linkOptions.engine(), handshake, maskKeys), linkOptions, opening);
                } catch (IOException | RuntimeException e) {
                    channel.close(); // no link owns it yet
                    throw e;
                }
                link.loop().execute(() -> connect(link, channel, address, result));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
    }

    private static void connect(Link link, SocketChannel channel, InetSocketAddress address,
            CompletableFuture<WebSocket> result) {
        try {
            link.connect(address);
        } catch (IOException | RuntimeException e) {
            // A refused connect, or a client closed meanwhile: its loop has ended and its selector is gone
            IOException failure = e instanceof IOException io ? io
                    : new IOException("client closed while connecting to " + address, e);
            LOG.log(System.Logger.Level.DEBUG, "connect to {0} failed: {1}", address, e.toString());
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one reported
            }
            result.completeExceptionally(failure);
        }
    }

    /** Whether the caller is one of the client's event loops, which cannot wait for the loops to end. */
    boolean inAnyLoop() {
        return loops.inAnyLoop();
    }

    /** Refuses new connections from now on; false if that had been done already. */
    boolean refuseNewConnections() {
        synchronized (lifecycle) {
            if (closed) {
                return false;
            }
            closed = true;
            return true;
        }
    }

    /** Ends the event loops, closing their connections, waiting at most {@code timeout}. */
    void stopLoops(Duration timeout) {
        try {
            loops.stop(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sessions.close();
        counters.logLosses(); // what was lost since the last line, so that nothing goes unreported
    }
}
