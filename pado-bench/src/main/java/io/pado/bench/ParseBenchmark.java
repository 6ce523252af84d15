package io.pado.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
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
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A server receives one masked frame of {@code size} payload bytes and hands it to the application: pado's
 * {@code Connection.receive} + {@code pollEvent}; Netty's {@code WebSocket13FrameDecoder} (+ its UTF-8 validator) in
 * an {@code EmbeddedChannel}; Jetty's {@code Parser} (+ {@code Utf8StringBuilder} for text, as its message sink does).
 *
 * <p>Every codec unmasks in place, so each operation first copies the pre-masked frame into a reused input buffer:
 * the same {@code size}-byte copy for all three. For text, every codec validates UTF-8 and makes a {@code String}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled"})
public class ParseBenchmark {
    /** TEXT is mixed Korean/emoji text (1-, 3- and 4-byte sequences); ASCII_TEXT is plain ASCII. */
    public enum Kind { BINARY, TEXT, ASCII_TEXT }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    @Param({"0", "125", "126", "16384", "65536", "1048576"})
    public int size;

    @Param({"BINARY", "TEXT", "ASCII_TEXT"})
    public Kind kind;

    private byte[] frame;
    private String expectedText;

    private Connection padoServer;
    private ByteBuffer padoIn;

    private EmbeddedChannel nettyChannel;
    private ByteBuf nettyIn;

    private Parser jettyParser;
    private ByteBuffer jettyIn;
    private final Utf8StringBuilder jettyText = new Utf8StringBuilder();

    @Setup(Level.Trial)
    public void setUp() {
        byte[] payload;
        if (kind != Kind.BINARY) {
            expectedText = Payloads.text(size, kind == Kind.TEXT);
            payload = Payloads.utf8(expectedText);
        } else {
            payload = Payloads.binary(size, 1);
        }
        frame = Payloads.maskedFrame(true, kind == Kind.BINARY ? 2 : 1, payload, Payloads.KEY);

        padoServer = Peers.padoServer();
        padoIn = ByteBuffer.allocate(frame.length);
        nettyChannel = Peers.nettyServerInbound(false);
        nettyIn = Unpooled.buffer(frame.length, frame.length);
        jettyParser = Peers.jettyParser();
        jettyIn = ByteBuffer.allocate(frame.length);

        check(pado(), payload);
        check(netty(true), payload);
        check(jetty(), payload);
    }

    private void check(Object out, byte[] payload) {
        if (kind != Kind.BINARY) {
            Payloads.check(expectedText.equals(out), "text of " + size + " bytes: " + out);
        } else {
            ByteBuffer data = (ByteBuffer) out;
            byte[] bytes = new byte[data.remaining()];
            data.get(data.position(), bytes);
            Payloads.check(Arrays.equals(bytes, payload), "binary of " + size + " bytes");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        nettyChannel.finishAndReleaseAll();
        nettyIn.release();
    }

    @Benchmark
    public Object pado() {
        padoIn.clear();
        padoIn.put(0, frame);
        padoServer.receive(padoIn);
        return switch (padoServer.pollEvent()) {
            case Event.Binary b -> b.data();
            case Event.Text t -> t.text();
            case Event e -> throw new IllegalStateException("unexpected " + e);
        };
    }

    @Benchmark
    public Object netty() {
        return netty(false);
    }

    /** With {@code copy}, a binary payload is copied out before the frame is released, for the check in setUp. */
    private Object netty(boolean copy) {
        // Retained once more so that the decoder's release after reading it leaves the buffer for the next op
        nettyIn.retain().clear().writeBytes(frame);
        nettyChannel.writeInbound(nettyIn);
        WebSocketFrame f = nettyChannel.readInbound();
        try {
            return switch (f) {
                case TextWebSocketFrame t -> t.text();
                case BinaryWebSocketFrame b -> copy ? ByteBuffer.wrap(ByteBufUtil.getBytes(b.content()))
                        : b.content();
                default -> throw new IllegalStateException("unexpected " + f);
            };
        } finally {
            f.release();
        }
    }

    @Benchmark
    public Object jetty() {
        jettyIn.clear();
        jettyIn.put(0, frame);
        Frame.Parsed f = jettyParser.parse(jettyIn);
        try {
            if (kind == Kind.BINARY) {
                return f.hasPayload() ? f.getPayload() : EMPTY;
            }
            jettyText.reset();
            if (f.hasPayload()) {
                jettyText.append(f.getPayload());
            }
            return jettyText.takeCompleteString(() -> new BadPayloadException("invalid UTF-8"));
        } finally {
            f.close();
        }
    }
}
