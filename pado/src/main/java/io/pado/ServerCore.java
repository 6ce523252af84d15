package io.pado;

import io.pado.protocol.PerMessageDeflate;
import io.pado.runtime.Acceptor;
import io.pado.runtime.Admission;
import io.pado.runtime.Counters;
import io.pado.runtime.EventLoop;
import io.pado.runtime.LinkOptions;
import io.pado.runtime.LinkListener;
import io.pado.runtime.LoopGroup;
import io.pado.runtime.PlainTransport;
import io.pado.runtime.TlsTransport;
import io.pado.runtime.Transport;
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
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * What a {@link Server} runs: a listening socket, a group of event loops, the endpoints and the HTTP handler; each
 * accepted connection gets a {@link ServerOpening}, which hands it to {@link Sessions} once it is a WebSocket.
 * Thread-safe.
 */
final class ServerCore {
    private static final System.Logger LOG = System.getLogger(ServerCore.class.getName());

    private final ServerOptions options;
    private final Admission admission;
    /** permessage-deflate, made once: it shares its codec pool across connections. */
    private final Optional<PerMessageDeflate> compression;
    private final Routes routes = new Routes();
    private final Sessions sessions;
    /** What belongs to no endpoint: refusals before routing, TLS handshakes. */
    private final Counters serverCounters = new Counters("server");
    /** Set once by start(); read by any thread. */
    private volatile LoopGroup loops;
    private volatile Acceptor acceptor;
    private volatile InetSocketAddress address;
    /** The TLS context for new connections, null for plain TCP: swapped by reloadCertificate (any thread). */
    private volatile SSLContext tls;
    private final Object lifecycle = new Object();
    private boolean started;
    private boolean stopped;

    ServerCore(ServerOptions options) {
        this(options, System::nanoTime);
    }

    /** A server whose handshake rate limit reads {@code nanoClock}; tests pass a fake one. */
    ServerCore(ServerOptions options, LongSupplier nanoClock) {
        this.options = options;
        long keepAlive = options.httpKeepAlive().toNanos();
        LinkOptions linkOptions = options.connection().linkOptions(options.maxRequestHeadBytes(),
                options.maxRequestBodyBytes(), keepAlive > 0 ? keepAlive : 1);
        this.sessions = new Sessions(options.connection(), linkOptions, "pado-handler");
        var rate = options.handshakeRate();
        this.admission = new Admission(options.maxConnectionsPerAddress(), rate.map(r -> r.permits()).orElse(0),
                rate.map(r -> r.period().toNanos()).orElse(0L), nanoClock);
        this.compression = options.connection().compression().map(Compression::engineFactory);
        this.tls = options.tls().map(ServerTls::context).orElse(null);
    }

    void reloadCertificate(ServerTls next) {
        if (tls == null) {
            throw new IllegalStateException("server has no TLS: set ServerOptions.Builder.tls to serve wss://");
        }
        tls = next.context();
        LOG.log(System.Logger.Level.INFO, "pado server on {0}: certificate reloaded", address);
    }

    private Transport transport(SocketChannel channel, EventLoop loop) throws IOException {
        SSLContext context = tls;
        var socket = new PlainTransport(channel);
        return context == null ? socket : TlsTransport.server(socket, context, serverCounters, loop.packetPool());
    }

    void endpoint(Endpoint endpoint) {
        routes.add(endpoint);
    }

    void http(HttpHandler handler) {
        routes.http(handler);
    }

    void start() throws IOException {
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
        boolean secure = tls != null;
        Supplier<LinkListener> openings = () -> new ServerOpening(options, routes, admission, compression, sessions,
                serverCounters, secure);
        Acceptor a = new Acceptor(channel, group, sessions.linkOptions(), openings, this::transport, admission);
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

    InetSocketAddress address() {
        InetSocketAddress a = address;
        if (a == null) {
            throw new IllegalStateException("server not started");
        }
        return a;
    }

    /** The TCP connections the loops own now: opening, open or closing; 0 before start and after stop. */
    int connections() {
        LoopGroup group = loops;
        return group == null ? 0 : group.linkCount();
    }

    /** The whole server's metrics: its own counters, every endpoint's, and its compression. */
    Metrics metrics() {
        return new Metrics(serverCounters, routes.allCounters(), compression.orElse(null));
    }

    /** Each endpoint path's metrics, by path. */
    Map<String, Metrics> endpointMetrics() {
        var byPath = new TreeMap<String, Metrics>();
        for (Counters c : routes.allCounters()) {
            byPath.put(c.scope(), new Metrics(c, List.of(), null));
        }
        return byPath;
    }

    void stop(Duration timeout) {
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
        sessions.close();
        for (Counters c : routes.allCounters()) {
            c.logLosses(); // what was lost since the last line, so that nothing goes unreported
        }
        LOG.log(System.Logger.Level.INFO, "pado server on {0} stopped", address);
    }

    /**
     * Queues one message to every target, encoded once: as a plain frame, and, for connections that negotiated
     * permessage-deflate without server context takeover, as one frame compressed once (made only if needed).
     */
    int broadcast(Collection<? extends WebSocket> targets, long payloadBytes, Supplier<ByteBuffer> plain,
            Function<PerMessageDeflate, ByteBuffer> compressed) {
        PerMessageDeflate deflate = compression.orElse(null);
        ByteBuffer plainFrame = null;
        ByteBuffer compressedFrame = null;
        int sent = 0;
        for (WebSocket ws : targets) {
            if (!(ws instanceof Session s) || s.owner() != sessions) {
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
            if (s.sendEncoded(frame, (int) payloadBytes)) {
                sent++;
            }
        }
        return sent;
    }
}
