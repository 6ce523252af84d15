package io.pado.bench.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.pado.Dispatch;
import io.pado.Handler;
import io.pado.SendCallback;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import io.pado.Compression;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The same echo server at {@code ws://127.0.0.1:PORT/echo}, written with pado and with its peers, each in its
 * idiomatic fast configuration on one event-loop thread. Usage:
 * {@code EchoServers pado|pado-vt|pado-deflate|pado-deflate-context|netty|netty-deflate|jetty|vertx|java-websocket
 * PORT} (Jetty accepts permessage-deflate by
 * default, so the same {@code jetty} serves the compressed runs). With {@code -tls} after the name
 * ({@code pado-tls, pado-vt-tls, netty-tls, netty-openssl-tls, jetty-tls, vertx-tls}) it serves
 * {@code wss://} with the certificate of {@link BenchTls}: Netty with the JDK's {@code SSLEngine}, or
 * ({@code netty-openssl-tls}) with BoringSSL through netty-tcnative.
 * Prints {@code ready} when it listens, then, each second that echoed messages, {@code alloc B/msg N} (the heap bytes
 * every thread of the server allocated that second, per echoed message, and the message count), and each second that
 * mostly opened connections, {@code alloc-open B/connection N} (the same per opened connection: a handshake + close
 * cycle's allocation in the handshake runs); runs until killed.
 */
public final class EchoServers {
    /** Messages echoed, for the allocation probe; every server's echo handler counts. */
    private static final LongAdder ECHOED = new LongAdder();
    /** WebSocket connections opened, for the allocation probe; every server's open hook counts. */
    private static final LongAdder OPENED = new LongAdder();

    private EchoServers() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int port = Integer.parseInt(args[1]);
        BenchTls tls = kind.endsWith("-tls") ? BenchTls.fromProperty() : null;
        switch (kind) {
            case "pado", "pado-tls" -> pado(port, Dispatch.EVENT_LOOP, "none", tls);
            case "pado-vt", "pado-vt-tls" -> pado(port, Dispatch.VIRTUAL_THREADS, "none", tls);
            case "pado-deflate" -> pado(port, Dispatch.EVENT_LOOP, "pooled", null);
            case "pado-deflate-context" -> pado(port, Dispatch.EVENT_LOOP, "context", null);
            case "netty" -> netty(port, false, null);
            case "netty-tls" -> netty(port, false, tls.netty(SslProvider.JDK));
            case "netty-openssl-tls" -> netty(port, false, tls.netty(SslProvider.OPENSSL));
            case "netty-deflate" -> netty(port, true, null);
            case "jetty", "jetty-tls" -> jetty(port, tls);
            case "vertx", "vertx-tls" -> vertx(port, tls);
            case "java-websocket" -> javaWebSocket(port);
            default -> throw new IllegalArgumentException("unknown server: " + kind);
        }
        System.out.println("ready");
        System.out.flush();
        probeAllocation();
    }

    /**
     * Prints the heap allocated per echoed message, once a second: with the server alone in its JVM, what the
     * library allocates on the echo path (the probe's own few objects a second are noise at these rates).
     */
    private static void probeAllocation() throws InterruptedException {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long bytesBefore = threads.getTotalThreadAllocatedBytes();
        long echoedBefore = ECHOED.sum();
        long openedBefore = OPENED.sum();
        while (true) {
            Thread.sleep(1000);
            long bytes = threads.getTotalThreadAllocatedBytes();
            long echoed = ECHOED.sum();
            long opened = OPENED.sum();
            if (echoed - echoedBefore >= 1000) {
                System.out.printf("alloc %.1f %d%n", (double) (bytes - bytesBefore) / (echoed - echoedBefore),
                        echoed - echoedBefore);
                System.out.flush();
            } else if (opened - openedBefore >= 1000) {
                System.out.printf("alloc-open %.1f %d%n", (double) (bytes - bytesBefore) / (opened - openedBefore),
                        opened - openedBefore);
                System.out.flush();
            }
            bytesBefore = bytes;
            echoedBefore = echoed;
            openedBefore = opened;
        }
    }

    /**
     * pado: handlers on the loop (Dispatch.EVENT_LOOP) for the fast path, or on virtual threads (the default).
     *
     * @param compression "none", "pooled" (PerMessageDeflate's default) or "context" (context takeover)
     * @param tls         null for ws://
     */
    private static void pado(int port, Dispatch dispatch, String compression, BenchTls tls) throws Exception {
        ServerOptions.Builder options = ServerOptions.builder()
                .port(port)
                .eventLoops(1)
                .unlimitedHandshakeRate() // the peers it is compared with have no such limit
                .connection(c -> c.dispatch(dispatch));
        if (tls != null) {
            options.tls(tls.padoServer());
        }
        if (!compression.equals("none")) {
            var memory = compression.equals("pooled") ? Compression.Memory.POOLED : Compression.Memory.CONTEXT_TAKEOVER;
            options.connection(c -> c.compression(Compression.DEFAULT.withMemory(memory)));
        }
        Server server = Server.create(options.build());
        Set<WebSocket> all = ConcurrentHashMap.newKeySet();
        server.endpoint("/echo", new Handler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        all.add(ws);
                        OPENED.increment();
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason) {
                        all.remove(ws);
                    }

                    @Override
                    public void onText(WebSocket ws, String text) {
                        Broadcast order = Broadcast.parse(text);
                        if (order == null) {
                            ECHOED.increment();
                            ws.sendText(text);
                            return;
                        }
                        for (int i = 0; i < order.messages(); i++) {
                            server.broadcast(all, order.payload());
                        }
                    }

                    @Override
                    public void onBinary(WebSocket ws, ByteBuffer data) {
                        ECHOED.increment();
                        // On the loop, the send copies the view into the frame; with a callback rather than a
                        // future, and the loop's reused view, an echo allocates nothing
                        ws.sendBinary(data, SendCallback.IGNORE);
                    }
                })
                .start();
    }

    /** A text "broadcast K S" asks the server to send K messages of S bytes to every connection. */
    record Broadcast(int messages, String payload) {
        static Broadcast parse(String text) {
            if (!text.startsWith("broadcast ")) {
                return null;
            }
            String[] parts = text.split(" ");
            return new Broadcast(Integer.parseInt(parts[1]), "x".repeat(Integer.parseInt(parts[2])));
        }
    }

    /**
     * Netty 4.2: HTTP codec, aggregator and the WebSocket protocol handler; writes flushed once per read batch; with
     * {@code ssl} (null for ws://) its SslHandler first.
     */
    private static void netty(int port, boolean deflate, SslContext ssl) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ChannelGroup all = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16));
                        if (deflate) {
                            ch.pipeline().addLast(new WebSocketServerCompressionHandler(1 << 20));
                        }
                        ch.pipeline().addLast(new WebSocketServerProtocolHandler("/echo", null, deflate, 1 << 20),
                                new NettyEcho(all));
                    }
                })
                .bind("127.0.0.1", port).sync();
    }

    private static final class NettyEcho extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final ChannelGroup all;

        NettyEcho(ChannelGroup all) {
            this.all = all;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                all.add(ctx.channel());
                OPENED.increment();
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame text) {
                Broadcast order = Broadcast.parse(text.text());
                if (order != null) {
                    for (int i = 0; i < order.messages(); i++) {
                        all.writeAndFlush(new TextWebSocketFrame(order.payload()));
                    }
                    return;
                }
            }
            if (frame instanceof BinaryWebSocketFrame || frame instanceof TextWebSocketFrame) {
                ECHOED.increment();
                ctx.write(frame.retain());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** Vert.x 5: one event loop, a WebSocket handler echoing each message as it came (text or binary). */
    private static void vertx(int port, BenchTls tls) throws Exception {
        var vertx = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
        Set<io.vertx.core.http.ServerWebSocket> all = ConcurrentHashMap.newKeySet();
        var options = new io.vertx.core.http.HttpServerOptions().setHost("127.0.0.1").setPort(port)
                .setMaxWebSocketFrameSize(1 << 20).setMaxWebSocketMessageSize(1 << 20);
        if (tls != null) {
            options.setSsl(true).setKeyCertOptions(tls.vertx());
        }
        vertx.createHttpServer(options)
                .webSocketHandler(ws -> {
                    all.add(ws);
                    OPENED.increment();
                    ws.closeHandler(v -> all.remove(ws));
                    ws.textMessageHandler(text -> {
                        Broadcast order = Broadcast.parse(text);
                        if (order == null) {
                            ECHOED.increment();
                            ws.writeTextMessage(text);
                            return;
                        }
                        for (int i = 0; i < order.messages(); i++) {
                            for (var each : all) {
                                each.writeTextMessage(order.payload());
                            }
                        }
                    });
                    ws.binaryMessageHandler(data -> {
                        ECHOED.increment();
                        ws.writeBinaryMessage(data);
                    });
                })
                .listen().toCompletionStage().toCompletableFuture().get();
    }

    /** Java-WebSocket 1.6: one selector thread and one worker (its decoders), echoing each message. */
    private static void javaWebSocket(int port) throws InterruptedException {
        var started = new CountDownLatch(1);
        var server = new org.java_websocket.server.WebSocketServer(
                new java.net.InetSocketAddress("127.0.0.1", port), 1) {
            @Override
            public void onOpen(org.java_websocket.WebSocket conn,
                    org.java_websocket.handshake.ClientHandshake handshake) {
                OPENED.increment();
            }

            @Override
            public void onClose(org.java_websocket.WebSocket conn, int code, String reason, boolean remote) {
            }

            @Override
            public void onMessage(org.java_websocket.WebSocket conn, String message) {
                Broadcast order = Broadcast.parse(message);
                if (order == null) {
                    ECHOED.increment();
                    conn.send(message);
                    return;
                }
                for (int i = 0; i < order.messages(); i++) {
                    broadcast(order.payload());
                }
            }

            @Override
            public void onMessage(org.java_websocket.WebSocket conn, ByteBuffer message) {
                ECHOED.increment();
                conn.send(message);
            }

            @Override
            public void onError(org.java_websocket.WebSocket conn, Exception ex) {
            }

            @Override
            public void onStart() {
                started.countDown();
            }
        };
        server.setTcpNoDelay(true);
        server.setReuseAddr(true);
        server.start();
        started.await(); // it binds on its own thread
    }

    /** Jetty 12: its WebSocket server API with an auto-demanding listener; with {@code tls}, an SSL connector. */
    private static void jetty(int port, BenchTls tls) throws Exception {
        var threads = new org.eclipse.jetty.util.thread.QueuedThreadPool(8, 2);
        var jetty = new org.eclipse.jetty.server.Server(threads);
        var connector = tls == null ? new ServerConnector(jetty, 1, 1)
                : new ServerConnector(jetty, 1, 1, new org.eclipse.jetty.server.SslConnectionFactory(tls.jetty(),
                        "http/1.1"), new org.eclipse.jetty.server.HttpConnectionFactory());
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        Set<Session> all = ConcurrentHashMap.newKeySet();
        jetty.setHandler(WebSocketUpgradeHandler.from(jetty, container -> {
            container.setMaxBinaryMessageSize(1 << 20);
            container.setMaxTextMessageSize(1 << 20);
            container.addMapping("/echo", (request, response, callback) -> new JettyEcho(all));
        }));
        jetty.start();
    }

    /** Jetty calls listeners through method handles: the class must be public. */
    public static final class JettyEcho implements Session.Listener.AutoDemanding {
        private final Set<Session> all;
        private Session session;

        JettyEcho(Set<Session> all) {
            this.all = all;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            all.add(session);
            OPENED.increment();
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            all.remove(session);
        }

        @Override
        public void onWebSocketText(String message) {
            Broadcast order = Broadcast.parse(message);
            if (order == null) {
                ECHOED.increment();
                session.sendText(message, Callback.NOOP);
                return;
            }
            for (int i = 0; i < order.messages(); i++) {
                for (Session s : all) {
                    s.sendText(order.payload(), Callback.NOOP);
                }
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            ECHOED.increment();
            session.sendBinary(copy, Callback.NOOP);
        }
    }
}
