package io.pado.runtime;

import io.pado.ClientOptions;
import io.pado.SlowConsumerPolicy;
import io.pado.Handler;
import io.pado.Reconnect;
import io.pado.ReconnectingWebSocket;
import io.pado.WebSocket;
import io.pado.protocol.ClientHandshake;
import io.pado.protocol.ExtensionFactory;
import io.pado.HandshakeException;
import io.pado.ProxyException;
import io.pado.Headers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLContext;

/** What a {@link io.pado.Client} runs: a group of event loops and the dialing of new connections. Thread-safe. */
public final class ClientCore {
    private static final System.Logger LOG = System.getLogger(ClientCore.class.getName());

    private final ClientOptions options;
    private final Config config;
    /** The extensions to offer, made once: permessage-deflate shares its codec pool across connections. */
    private final List<ExtensionFactory> extensions;
    private final LoopGroup loops;
    private final ThreadFactory virtualThreads = Thread.ofVirtual().name("pado-client-handler-", 0).factory();
    /** RFC 6455 §5.3: masking keys come from a strong source of entropy. Thread-safe. */
    private final SecureRandom random = new SecureRandom();
    private final IntSupplier maskKeys = random::nextInt;
    private final Object lifecycle = new Object();
    private boolean closed;
    /** Reconnecting handles that have not stopped yet: added by connect, removed when they stop (any thread). */
    private final Set<Reconnector> reconnectors = ConcurrentHashMap.newKeySet();

    public ClientCore(ClientOptions options) {
        this.options = options;
        this.config = Config.of(options);
        this.extensions = Compressions.factories(options.connection().compression());
        this.loops = new LoopGroup("pado-client-loop-", options.eventLoops(), true);
        loops.start();
    }

    ThreadFactory virtualThreads() {
        return virtualThreads;
    }

    SlowConsumerPolicy slowConsumerPolicy() {
        return options.connection().slowConsumerPolicy();
    }

    IntSupplier maskKeys() {
        return maskKeys;
    }

    public CompletableFuture<WebSocket> connect(URI uri, Handler handler) {
        requireOpen();
        check(uri);
        var result = new CompletableFuture<WebSocket>();
        hop(new ArrayList<>(List.of(uri)), options.headers(), handler, result);
        return result;
    }

    /**
     * Like {@link #connect}, with a stable handle that reconnects under {@code policy}; the future completes at the
     * first open.
     */
    public CompletableFuture<ReconnectingWebSocket> connect(URI uri, Handler handler, Reconnect policy) {
        requireOpen();
        check(uri);
        var reconnector = new Reconnector(this, uri, handler, policy);
        reconnectors.add(reconnector);
        if (isClosed()) {
            reconnector.stop(null);
        }
        return reconnector.start();
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

    void forget(Reconnector reconnector) {
        reconnectors.remove(reconnector);
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
    private void check(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !scheme.equalsIgnoreCase("wss") && !scheme.equalsIgnoreCase("ws")) {
            throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in " + uri);
        }
        ClientHandshake.create(uri, options.subprotocols(), extensions, engineHeaders(options.headers()),
                options.origin(),
                ClientHandshake.newKey(random));
    }

    private static io.pado.protocol.Headers engineHeaders(Headers headers) {
        var namesAndValues = new ArrayList<String>(2 * headers.size());
        headers.forEach((name, value) -> {
            namesAndValues.add(name);
            namesAndValues.add(value);
        });
        return io.pado.protocol.Headers.of(namesAndValues.toArray(String[]::new));
    }

    private boolean isClosed() {
        synchronized (lifecycle) {
            return closed;
        }
    }

    /** Opens a connection to {@code uri} and runs one opening handshake on it; {@code result} says how it went. */
    private void dial(URI uri, Headers headers, Handler handler, CompletableFuture<WebSocket> result) {
        boolean secure = uri.getScheme().equalsIgnoreCase("wss");
        ClientHandshake handshake = ClientHandshake.create(uri, options.subprotocols(), extensions,
                engineHeaders(headers), options.origin(), ClientHandshake.newKey(random));
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        int port = Redirect.port(uri);
        SSLContext tls = secure ? options.tls().context() : null;
        // Proxy selection and name resolution may block: do them on a virtual thread, then hand the socket to a loop.
        virtualThreads.newThread(() -> {
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
                Transport transport;
                Transport socket = new PlainTransport(channel);
                try {
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    transport = tls == null ? socket : TlsTransport.client(channel, tls, uri.getHost(), port);
                } catch (IOException | RuntimeException e) {
                    channel.close(); // no link owns it yet
                    throw e;
                }
                EventLoop loop = loops.next();
                var handshaking = new ClientOpening(this, handshake, handler, path, result, config.maxHeadBytes());
                Opening opening = proxy.isEmpty() ? handshaking : new ProxyOpening(
                        proxy.get().getHostString() + ":" + proxy.get().getPort(), uri.getHost() + ":" + port,
                        options.proxy().proxyAuthorization(), transport, handshaking, result, config.maxHeadBytes());
                // Until a proxy's tunnel stands, the link talks plain HTTP with the proxy.
                Transport first = proxy.isEmpty() ? transport : socket;
                loop.execute(() -> connect(loop, channel, first, address, opening, result));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }).start();
    }

    private void connect(EventLoop loop, SocketChannel channel, Transport transport, InetSocketAddress address,
            Opening opening, CompletableFuture<WebSocket> result) {
        var link = new Link(loop, channel, transport, config, opening);
        try {
            boolean connected = channel.connect(address);
            link.register(connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
            if (connected) {
                opening.connected(link);
            }
        } catch (IOException | RuntimeException e) {
            // A refused connect, or a client closed meanwhile: its loop has ended and its selector is gone
            IOException failure = e instanceof IOException io ? io
                    : new IOException("client closed while connecting to " + address, e);
            LOG.log(System.Logger.Level.DEBUG, "connect to {0} failed: {1}", address, e.toString());
            try {
                link.abort(failure);
            } catch (RuntimeException ignored) {
                // the link was never registered; closing the socket below is all that is left
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one reported
            }
            result.completeExceptionally(failure);
        }
    }

    public void close(Duration timeout) {
        if (loops.inAnyLoop()) {
            // A handler on an event loop (Dispatch.EVENT_LOOP) cannot wait for its own loop to end: close elsewhere.
            Thread.ofPlatform().name("pado-client-close").start(() -> close(timeout));
            return;
        }
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // Before the loops drain: the connections' Closes must not lead to new attempts.
        for (Reconnector r : List.copyOf(reconnectors)) {
            r.stop(null);
        }
        try {
            loops.stop(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
