package io.pado.runtime;

import io.pado.ClientOptions;
import io.pado.Handler;
import io.pado.WebSocket;
import io.pado.protocol.ClientHandshake;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLContext;

/** What a {@link io.pado.Client} runs: a group of event loops and the dialing of new connections. Thread-safe. */
public final class ClientCore {
    private static final System.Logger LOG = System.getLogger(ClientCore.class.getName());

    private final ClientOptions options;
    private final Config config;
    private final LoopGroup loops;
    private final ThreadFactory virtualThreads = Thread.ofVirtual().name("pado-client-handler-", 0).factory();
    /** RFC 6455 §5.3: masking keys come from a strong source of entropy. Thread-safe. */
    private final SecureRandom random = new SecureRandom();
    private final IntSupplier maskKeys = random::nextInt;
    private final Object lifecycle = new Object();
    private boolean closed;

    public ClientCore(ClientOptions options) {
        this.options = options;
        this.config = Config.of(options);
        this.loops = new LoopGroup("pado-client-loop-", options.eventLoops(), true);
        loops.start();
    }

    ThreadFactory virtualThreads() {
        return virtualThreads;
    }

    IntSupplier maskKeys() {
        return maskKeys;
    }

    public CompletableFuture<WebSocket> connect(URI uri, Handler handler) {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("client closed");
            }
        }
        String scheme = uri.getScheme();
        boolean secure = scheme != null && scheme.equalsIgnoreCase("wss");
        if (scheme == null || !secure && !scheme.equalsIgnoreCase("ws")) {
            throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in " + uri);
        }
        ClientHandshake handshake = ClientHandshake.create(uri, options.subprotocols(), options.extensions(),
                options.headers(), options.origin(), ClientHandshake.newKey(random));
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        var result = new CompletableFuture<WebSocket>();
        // RFC 6455 §3: the default ports are 80 for ws and 443 for wss
        int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
        SSLContext tls = secure ? options.tls().context() : null;
        // Name resolution may block: do it on a virtual thread, then hand the socket to a loop.
        virtualThreads.newThread(() -> {
            try {
                var address = new InetSocketAddress(uri.getHost(), port);
                if (address.isUnresolved()) {
                    throw new UnknownHostException(uri.getHost());
                }
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                EventLoop loop = loops.next();
                Transport transport = tls == null ? new PlainTransport(channel)
                        : TlsTransport.client(channel, tls, uri.getHost(), port);
                var opening = new ClientOpening(this, handshake, handler, path, result, config.maxHeadBytes());
                loop.execute(() -> dial(loop, channel, transport, address, opening, result));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }).start();
        return result;
    }

    private void dial(EventLoop loop, SocketChannel channel, Transport transport, InetSocketAddress address,
            ClientOpening opening, CompletableFuture<WebSocket> result) {
        var link = new Link(loop, channel, transport, config, opening);
        try {
            boolean connected = channel.connect(address);
            link.register(connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
            if (connected) {
                opening.connected(link);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "connect to {0} failed: {1}", address, e.toString());
            link.abort(e);
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one reported
            }
            result.completeExceptionally(e);
        }
    }

    public void close(Duration timeout) {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            loops.stop(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
