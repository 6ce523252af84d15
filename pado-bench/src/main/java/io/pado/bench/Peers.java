package io.pado.bench;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.pado.protocol.Connection;
import io.pado.protocol.Limits;
import io.pado.protocol.Settings;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.internal.Parser;

import java.time.Duration;
import java.util.List;

/** The codecs under test, configured alike: 2 MiB frame and message limits, no extensions. */
final class Peers {
    static final int MAX_BYTES = 2 << 20;

    private Peers() {
    }

    static Settings padoSettings() {
        return Settings.DEFAULT.withLimits(new Limits(MAX_BYTES, MAX_BYTES, Duration.ofSeconds(5)));
    }

    static Connection padoServer() {
        return Connection.server(padoSettings(), List.of(), System::nanoTime);
    }

    static Connection padoClient(Payloads.Keys keys) {
        return Connection.client(padoSettings(), List.of(), System::nanoTime, keys::next);
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
