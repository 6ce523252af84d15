package io.pado.runtime;

import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.pado.Endpoint;
import io.pado.HttpHandler;
import io.pado.HttpResponse;
import io.pado.ServerOptions;
import io.pado.ServerTls;
import io.pado.SlowConsumerPolicy;
import io.pado.protocol.PerMessageDeflate;
import io.pado.protocol.ExtensionFactory;
import io.pado.WebSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import javax.net.ssl.SSLContext;

/**
 * What a {@link io.pado.Server} runs: a listening socket, a group of event loops, the endpoints and the HTTP
 * handler. Thread-safe.
 */
public final class ServerCore {
    private static final System.Logger LOG = System.getLogger(ServerCore.class.getName());

    private final ServerOptions options;
    /** The extensions to negotiate, made once: permessage-deflate shares its codec pool across connections. */
    private final List<ExtensionFactory> extensions;
    private final Config config;
    private final Admission admission;
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final ThreadFactory virtualThreads = Thread.ofVirtual().name("pado-handler-", 0).factory();
    /** Set by any thread, read by loops. */
    private volatile HttpHandler http = request -> HttpResponse.notFound();
    /** Set once by start(); read by any thread. */
    private volatile LoopGroup loops;
    private volatile Acceptor acceptor;
    private volatile InetSocketAddress address;
    /** The TLS context for new connections, null for plain TCP: swapped by reloadCertificate (any thread). */
    private volatile SSLContext tls;
    private final Object lifecycle = new Object();
    private boolean started;
    private boolean stopped;

    public ServerCore(ServerOptions options) {
        this(options, System::nanoTime);
    }

    /** A server whose handshake rate limit reads {@code nanoClock}; tests pass a fake one. */
    ServerCore(ServerOptions options, LongSupplier nanoClock) {
        this.options = options;
        this.config = Config.of(options);
        this.extensions = Compressions.factories(options.connection().compression());
        this.admission = new Admission(options.maxConnectionsPerAddress(), options.handshakeRate(), nanoClock);
        this.tls = options.tls().map(ServerTls::context).orElse(null);
    }

    /**
     * New connections use {@code next}'s certificate from now on; open ones keep theirs.
     *
     * @throws IllegalStateException if the server was created without TLS
     */
    public void reloadCertificate(ServerTls next) {
        if (tls == null) {
            throw new IllegalStateException("server has no TLS: set ServerOptions.Builder.tls to serve wss://");
        }
        tls = next.context();
        LOG.log(System.Logger.Level.INFO, "pado server on {0}: certificate reloaded", address);
    }

    private Transport transport(SocketChannel channel) throws IOException {
        SSLContext context = tls;
        return context == null ? new PlainTransport(channel) : TlsTransport.server(channel, context);
    }

    public void endpoint(Endpoint endpoint) {
        endpoints.put(endpoint.path(), endpoint);
    }

    public void http(HttpHandler handler) {
        this.http = handler;
    }

    Endpoint endpoint(String path) {
        return endpoints.get(path);
    }

    /** Whether connections use TLS (wss), which makes 443 the default port of the Host header. */
    boolean secure() {
        return options.tls().isPresent();
    }

    Admission admission() {
        return admission;
    }

    List<ExtensionFactory> extensions() {
        return extensions;
    }

    SlowConsumerPolicy slowConsumerPolicy() {
        return options.connection().slowConsumerPolicy();
    }

    HttpHandler http() {
        return http;
    }

    ThreadFactory virtualThreads() {
        return virtualThreads;
    }

    public void start() throws IOException {
        synchronized (lifecycle) {
            if (started) {
                throw new IllegalStateException("server already started");
            }
            started = true;
        }
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(options.host(), options.port()), 1024);
            channel.configureBlocking(false);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        address = (InetSocketAddress) channel.getLocalAddress();
        LoopGroup group = new LoopGroup("pado-loop-", options.eventLoops(), false);
        Acceptor a = new Acceptor(channel, group, config, c -> new ServerOpening(this, config.maxHeadBytes()),
                this::transport, admission);
        group.start();
        var registered = new CompletableFuture<Void>();
        group.first().execute(() -> {
            try {
                a.register(group.first());
                registered.complete(null);
            } catch (IOException e) {
                registered.completeExceptionally(e);
            }
        });
        registered.join();
        loops = group;
        acceptor = a;
        LOG.log(System.Logger.Level.INFO, "pado server listening on {0} ({1}) with {2} event loops", address,
                tls == null ? "ws" : "wss", options.eventLoops());
    }

    public InetSocketAddress address() {
        InetSocketAddress a = address;
        if (a == null) {
            throw new IllegalStateException("server not started");
        }
        return a;
    }

    /** The TCP connections the loops own now: opening, open or closing; 0 before start and after stop. */
    public int connections() {
        LoopGroup group = loops;
        return group == null ? 0 : group.linkCount();
    }

    public void stop(Duration timeout) {
        LoopGroup running = loops;
        if (running != null && running.inAnyLoop()) {
            // A handler on an event loop (Dispatch.EVENT_LOOP) cannot wait for its own loop to end: stop elsewhere.
            Thread.ofPlatform().name("pado-server-stop").start(() -> stop(timeout));
            return;
        }
        synchronized (lifecycle) {
            if (!started || stopped) {
                return;
            }
            stopped = true;
        }
        LOG.log(System.Logger.Level.INFO, "pado server on {0} stopping", address);
        LoopGroup group = loops;
        var closed = new CompletableFuture<Void>();
        group.first().execute(() -> {
            acceptor.close();
            closed.complete(null);
        });
        closed.join();
        try {
            group.stop(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(System.Logger.Level.INFO, "pado server on {0} stopped", address);
    }

    /**
     * Queues one message to every target, encoded once: as a plain frame, and, for connections that negotiated
     * permessage-deflate without server context takeover, as one frame compressed once (made only if needed).
     *
     * @param payloadBytes the message's payload size, which decides whether it is compressed
     * @param plain        makes the plain frame
     * @param compressed   makes the compressed frame with a given factory
     */
    public int broadcast(Collection<? extends WebSocket> targets, long payloadBytes, Supplier<ByteBuffer> plain,
            Function<PerMessageDeflate, ByteBuffer> compressed) {
        PerMessageDeflate deflate = extensions.stream()
                .filter(PerMessageDeflate.class::isInstance).map(PerMessageDeflate.class::cast)
                .findFirst().orElse(null);
        ByteBuffer plainFrame = null;
        ByteBuffer compressedFrame = null;
        int sent = 0;
        for (WebSocket ws : targets) {
            if (!(ws instanceof Session s) || s.owner() != this) {
                continue;
            }
            ByteBuffer frame;
            if (deflate != null && s.takesSharedCompressedFrames(payloadBytes)) {
                if (compressedFrame == null) {
                    compressedFrame = compressed.apply(deflate);
                }
                frame = compressedFrame;
            } else {
                if (plainFrame == null) {
                    plainFrame = plain.get();
                }
                frame = plainFrame;
            }
            if (s.sendEncoded(frame)) {
                sent++;
            }
        }
        return sent;
    }

}
