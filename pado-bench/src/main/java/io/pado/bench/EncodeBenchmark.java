package io.pado.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.pado.protocol.Connection;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.internal.Generator;
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
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * One message of {@code size} bytes turned into bytes to write: by a server (unmasked) and by a client (masked with
 * a fresh key per frame from the same cheap key source for all three).
 *
 * <ul>
 *   <li>pado: {@code sendBinary}/{@code sendText}, then every {@code pollOutput()} buffer.</li>
 *   <li>Netty: {@code WebSocket13FrameEncoder} in an {@code EmbeddedChannel}, then every outbound {@code ByteBuf}
 *       (released). The binary payload is a retained duplicate of one {@code ByteBuf} (the encoder moves its reader
 *       index); text goes through {@code new TextWebSocketFrame(String)}, which encodes it.</li>
 *   <li>Jetty: {@code Generator} the way {@code FrameFlusher} drives it without batching: the header into a pooled
 *       buffer and the payload written as is (server), or masked into a pooled buffer (client). The pooled buffers
 *       are one reused buffer here, which is the best case of Jetty's pool.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled"})
public class EncodeBenchmark {
    @Param({"0", "125", "126", "16384", "65536", "1048576"})
    public int size;

    @Param({"BINARY", "TEXT"})
    public ParseBenchmark.Kind kind;

    private ByteBuffer payload;
    private String text;

    private Connection padoServer;
    private Connection padoClient;

    private ByteBuf nettyPayload;
    private EmbeddedChannel nettyServer;
    private EmbeddedChannel nettyClient;

    private final Generator jettyGenerator = new Generator();
    private ByteBuffer jettyHeader;
    private ByteBuffer jettyMasked;
    private final byte[] jettyMask = new byte[4];
    private final Payloads.Keys jettyKeys = new Payloads.Keys();

    @Setup(Level.Trial)
    public void setUp() {
        text = Payloads.text(size, true);
        byte[] bytes = kind == ParseBenchmark.Kind.TEXT ? Payloads.utf8(text) : Payloads.binary(size, 2);
        payload = ByteBuffer.wrap(bytes);

        padoServer = Peers.padoServer();
        padoClient = Peers.padoClient(new Payloads.Keys());

        nettyPayload = Unpooled.wrappedBuffer(bytes);
        nettyServer = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        var nettyKeys = new Payloads.Keys();
        nettyClient = new EmbeddedChannel(new WebSocket13FrameEncoder(nettyKeys::next));

        jettyHeader = BufferUtil.allocate(Generator.MAX_HEADER_LENGTH);
        jettyMasked = BufferUtil.allocate(Generator.MAX_HEADER_LENGTH + size);

        // Each writes header + payload: exactly this many bytes (+4 for the client's key)
        int expected = size + (size <= 125 ? 2 : size <= 0xFFFF ? 4 : 10);
        Blackhole bh = new Blackhole(
                "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        Payloads.check(padoServer(bh) == expected, "pado server bytes");
        Payloads.check(padoClient(bh) == expected + 4, "pado client bytes");
        Payloads.check(nettyServer(bh) == expected, "netty server bytes");
        int n = nettyClient(bh);
        Payloads.check(n == expected + 4, "netty client bytes: " + n + " of " + (expected + 4));
        Payloads.check(jettyServer(bh) == expected, "jetty server bytes");
        Payloads.check(jettyClient(bh) == expected + 4, "jetty client bytes");
        bh.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        nettyServer.finishAndReleaseAll();
        nettyClient.finishAndReleaseAll();
        nettyPayload.release();
    }

    @Benchmark
    public int padoServer(Blackhole bh) {
        return pado(padoServer, bh);
    }

    @Benchmark
    public int padoClient(Blackhole bh) {
        return pado(padoClient, bh);
    }

    private int pado(Connection connection, Blackhole bh) {
        if (kind == ParseBenchmark.Kind.TEXT) {
            connection.sendText(text);
        } else {
            connection.sendBinary(payload);
        }
        int bytes = 0;
        for (ByteBuffer out; (out = connection.pollOutput()) != null; ) {
            bytes += out.remaining();
            bh.consume(out);
        }
        return bytes;
    }

    @Benchmark
    public int nettyServer(Blackhole bh) {
        return netty(nettyServer, bh);
    }

    @Benchmark
    public int nettyClient(Blackhole bh) {
        return netty(nettyClient, bh);
    }

    private int netty(EmbeddedChannel channel, Blackhole bh) {
        if (kind == ParseBenchmark.Kind.TEXT) {
            channel.writeOutbound(new TextWebSocketFrame(text));
        } else {
            channel.writeOutbound(new BinaryWebSocketFrame(nettyPayload.retainedDuplicate()));
        }
        int bytes = 0;
        for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
            bytes += out.readableBytes();
            bh.consume(out);
            out.release();
        }
        return bytes;
    }

    @Benchmark
    public int jettyServer(Blackhole bh) {
        Frame frame = jettyFrame();
        BufferUtil.clear(jettyHeader);
        jettyGenerator.generateHeader(frame, jettyHeader);
        bh.consume(jettyHeader);
        bh.consume(frame.getPayload());
        return jettyHeader.remaining() + frame.getPayloadLength();
    }

    @Benchmark
    public int jettyClient(Blackhole bh) {
        Frame frame = jettyFrame();
        int key = jettyKeys.next();
        jettyMask[0] = (byte) (key >>> 24);
        jettyMask[1] = (byte) (key >>> 16);
        jettyMask[2] = (byte) (key >>> 8);
        jettyMask[3] = (byte) key;
        frame.setMask(jettyMask);
        BufferUtil.clear(jettyMasked);
        jettyGenerator.generateWholeFrame(frame, jettyMasked);
        bh.consume(jettyMasked);
        return jettyMasked.remaining();
    }

    private Frame jettyFrame() {
        return kind == ParseBenchmark.Kind.TEXT
                ? new Frame(OpCode.TEXT, text)
                : new Frame(OpCode.BINARY, payload);
    }
}
