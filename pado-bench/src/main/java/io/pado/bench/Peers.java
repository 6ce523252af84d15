package io.pado.bench;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.pado.protocol.ClientHandshake;
import io.pado.protocol.Connection;
import io.pado.protocol.Event;
import io.pado.protocol.Headers;
import io.pado.protocol.ServerHandshake;
import io.pado.protocol.EngineOptions;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.internal.Parser;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** The codecs under test, configured alike: 2 MiB frame and message limits, no extensions. */
final class Peers {
    static final int MAX_BYTES = 2 << 20;

    private Peers() {
    }

    static EngineOptions padoOptions() {
        return EngineOptions.DEFAULT.withMaxMessageBytes(MAX_BYTES).withMaxFrameBytes(MAX_BYTES);
    }

    /** A server engine through its opening handshake, as the runtime drives it: open, its 101 taken out. */
    static Connection padoServer() {
        Connection server = Connection.server(padoOptions());
        server.receive(ascii("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        Payloads.check(server.pollEvent() instanceof Event.Upgrade, "pado upgrade");
        server.accept(Optional.empty(), Optional.empty(), Headers.of());
        drain(server);
        return server;
    }

    /** A client engine through its opening handshake: open, its request taken out. */
    static Connection padoClient(Payloads.Keys keys) {
        var handshake = ClientHandshake.create(URI.create("ws://127.0.0.1/"), List.of(), Optional.empty(),
                Headers.of(), Optional.empty(), new byte[16]);
        Connection client = Connection.client(padoOptions(), handshake, keys::next);
        drain(client);
        client.receive(ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + ServerHandshake.acceptValue(handshake.key()) + "\r\n\r\n"));
        Payloads.check(client.pollEvent() instanceof Event.Opened, "pado opened");
        return client;
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static void drain(Connection c) {
        while (c.pollOutput() != null) {
            // the handshake's bytes
        }
    }

    /**
     * Netty's server-side inbound pipeline as {@code WebSocketServerProtocolHandler} builds it: the frame decoder
     * (expects masked frames) and the UTF-8 validator for text frames, optionally the aggregator.
     */
    static EmbeddedChannel nettyServerInbound(boolean aggregate) {
        var config = WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true)
                .allowExtensions(false)
                .maxFramePayloadLength(MAX_BYTES)
                .build();
        var channel = new EmbeddedChannel(new WebSocket13FrameDecoder(config), new Utf8FrameValidator());
        if (aggregate) {
            channel.pipeline().addLast(new WebSocketFrameAggregator(MAX_BYTES));
        }
        return channel;
    }

    /** Jetty's frame parser with whole frames: no auto-fragmenting, frames up to 2 MiB. */
    static Parser jettyParser() {
        var configuration = new Configuration.ConfigurationCustomizer();
        configuration.setMaxFrameSize(MAX_BYTES);
        configuration.setMaxTextMessageSize(MAX_BYTES);
        configuration.setMaxBinaryMessageSize(MAX_BYTES);
        configuration.setAutoFragment(false);
        return new Parser(ByteBufferPool.NON_POOLING, configuration);
    }
}
