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
import io.pado.Dispatch;
import io.pado.Handler;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import io.pado.protocol.PerMessageDeflate;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The same echo server at {@code ws://127.0.0.1:PORT/echo}, written with pado and with its peers, each in its
 * idiomatic fast configuration on one event-loop thread. Usage:
 * {@code EchoServers pado|pado-vt|pado-deflate|pado-deflate-context|netty|netty-deflate|jetty PORT} (Jetty accepts permessage-deflate by
 * default, so the same {@code jetty} serves the compressed runs).
 * Prints {@code ready} when it listens; runs until killed.
 */
public final class EchoServers {
    private EchoServers() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int port = Integer.parseInt(args[1]);
        switch (kind) {
            case "pado" -> pado(port, Dispatch.EVENT_LOOP, "none");
            case "pado-vt" -> pado(port, Dispatch.VIRTUAL_THREADS, "none");
            case "pado-deflate" -> pado(port, Dispatch.EVENT_LOOP, "pooled");
            case "pado-deflate-context" -> pado(port, Dispatch.EVENT_LOOP, "context");
            case "netty" -> netty(port, false);
            case "netty-deflate" -> netty(port, true);
            case "jetty" -> jetty(port);
            default -> throw new IllegalArgumentException("unknown server: " + kind);
        }
        System.out.println("ready");
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** pado: handlers on the loop (Dispatch.EVENT_LOOP) for the fast path, or on virtual threads (the default). */
    /** @param compression "none", "pooled" (PerMessageDeflate's default) or "context" (context takeover) */
    private static void pado(int port, Dispatch dispatch, String compression) throws Exception {
        ServerOptions options = ServerOptions.DEFAULT.withPort(port).withEventLoops(1).withDispatch(dispatch);
        if (!compression.equals("none")) {
            var memory = compression.equals("pooled")
                    ? PerMessageDeflate.Memory.POOLED : PerMessageDeflate.Memory.CONTEXT_TAKEOVER;
            options = options.withExtensions(PerMessageDeflate.create(
                    PerMessageDeflate.Options.DEFAULT.withMemory(memory)));
        }
        Server.create(options)
                .endpoint("/echo", new Handler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText(text);
                    }

                    @Override
                    public void onBinary(WebSocket ws, ByteBuffer data) {
                        ws.sendBinary(dispatch == Dispatch.EVENT_LOOP ? copy(data) : data);
                    }
                })
                .start();
    }

    private static ByteBuffer copy(ByteBuffer data) {
        return ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
    }

    /** Netty 4.2: HTTP codec, aggregator and the WebSocket protocol handler; writes flushed once per read batch. */
    private static void netty(int port, boolean deflate) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16));
                        if (deflate) {
                            ch.pipeline().addLast(new WebSocketServerCompressionHandler(1 << 20));
                        }
                        ch.pipeline().addLast(new WebSocketServerProtocolHandler("/echo", null, deflate, 1 << 20),
                                new NettyEcho());
                    }
                })
                .bind("127.0.0.1", port).sync();
    }

    private static final class NettyEcho extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof BinaryWebSocketFrame || frame instanceof TextWebSocketFrame) {
                ctx.write(frame.retain());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** Jetty 12: its WebSocket server API with an auto-demanding listener. */
    private static void jetty(int port) throws Exception {
        var threads = new org.eclipse.jetty.util.thread.QueuedThreadPool(8, 2);
        var jetty = new org.eclipse.jetty.server.Server(threads);
        var connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        jetty.setHandler(WebSocketUpgradeHandler.from(jetty, container -> {
            container.setMaxBinaryMessageSize(1 << 20);
            container.setMaxTextMessageSize(1 << 20);
            container.addMapping("/echo", (request, response, callback) -> new JettyEcho());
        }));
        jetty.start();
    }

    /** Jetty calls listeners through method handles: the class must be public. */
    public static final class JettyEcho implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String message) {
            session.sendText(message, Callback.NOOP);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            session.sendBinary(copy, Callback.NOOP);
        }
    }
}
