package io.pado.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.pado.protocol.Connection;
import io.pado.protocol.Event;
import org.eclipse.jetty.util.Utf8StringBuilder;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.internal.Parser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * A server receives one text message of {@code messageBytes} (mixed Korean/emoji, so fragment edges split code
 * points) in {@code fragments} masked frames, all in one read, and hands the application one {@code String}:
 * pado with {@code Delivery.MESSAGES}; Netty's decoder + {@code Utf8FrameValidator} + {@code WebSocketFrameAggregator}
 * then {@code text()}; Jetty's {@code Parser} + one {@code Utf8StringBuilder} across the frames, which is what its
 * text message sink does (the sink itself needs a whole session).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled"})
public class ReassemblyBenchmark {
    @Param({"65536"})
    public int messageBytes;

    @Param({"16"})
    public int fragments;

    private byte[] frames;
    private String expected;

    private Connection padoServer;
    private ByteBuffer padoIn;

    private EmbeddedChannel nettyChannel;
    private ByteBuf nettyIn;

    private Parser jettyParser;
    private ByteBuffer jettyIn;
    private final Utf8StringBuilder jettyText = new Utf8StringBuilder();

    @Setup(Level.Trial)
    public void setUp() {
        expected = Payloads.text(messageBytes, true);
        frames = Payloads.maskedFragments(1, Payloads.utf8(expected), fragments, Payloads.KEY);

        padoServer = Peers.padoServer();
        padoIn = ByteBuffer.allocate(frames.length);
        nettyChannel = Peers.nettyServerInbound(true);
        nettyIn = Unpooled.buffer(frames.length, frames.length);
        jettyParser = Peers.jettyParser();
        jettyIn = ByteBuffer.allocate(frames.length);

        Payloads.check(expected.equals(pado()), "pado text");
        Payloads.check(expected.equals(netty()), "netty text");
        Payloads.check(expected.equals(jetty()), "jetty text");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        nettyChannel.finishAndReleaseAll();
        nettyIn.release();
    }

    @Benchmark
    public String pado() {
        padoIn.clear();
        padoIn.put(0, frames);
        padoServer.receive(padoIn);
        if (padoServer.pollEvent() instanceof Event.Text t) {
            return t.text();
        }
        throw new IllegalStateException("no text message");
    }

    @Benchmark
    public String netty() {
        nettyIn.retain().clear().writeBytes(frames);
        nettyChannel.writeInbound(nettyIn);
        TextWebSocketFrame f = nettyChannel.readInbound();
        try {
            return f.text();
        } finally {
            f.release();
        }
    }

    @Benchmark
    public String jetty() {
        jettyIn.clear();
        jettyIn.put(0, frames);
        jettyText.reset();
        while (jettyIn.hasRemaining()) {
            Frame.Parsed f = jettyParser.parse(jettyIn);
            if (f.hasPayload()) {
                jettyText.append(f.getPayload());
            }
            f.close();
        }
        return jettyText.takeCompleteString(() -> new BadPayloadException("invalid UTF-8"));
    }
}
