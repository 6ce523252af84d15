package io.pado.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.pado.protocol.message.Utf8Validator;
import org.eclipse.jetty.util.Utf8StringBuilder;
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

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Checking that {@code size} bytes are valid UTF-8 (RFC 3629, as RFC 6455 §8.1 requires of text messages), on ASCII
 * and on mixed Korean/emoji text.
 *
 * <ul>
 *   <li>{@code pado}: {@code Utf8Validator.validate} + {@code isComplete}; validation only, no {@code String}.</li>
 *   <li>{@code jdkDecoder}: a reused strict {@code CharsetDecoder} (REPORT) into a reused {@code CharBuffer}: the
 *       JDK's validating path, which also produces chars.</li>
 *   <li>{@code jdkString}: {@code new String(bytes, UTF_8)}, which replaces bad input rather than failing: not a
 *       validator, but the floor every codec pays when it hands out a {@code String}.</li>
 *   <li>{@code netty}: {@code ByteBufUtil.isText(buf, UTF_8)}, Netty's public strict check. (Netty's WebSocket
 *       {@code Utf8Validator} is package-private; {@link ParseBenchmark} measures it through
 *       {@code Utf8FrameValidator}.)</li>
 *   <li>{@code jetty}: {@code Utf8StringBuilder}, which validates while building the {@code String}, as Jetty's
 *       text message sink does.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled"})
public class Utf8Benchmark {
    public enum Script { ASCII, MIXED }

    @Param({"16", "512", "16384"})
    public int size;

    @Param({"ASCII", "MIXED"})
    public Script script;

    private byte[] bytes;
    private ByteBuffer buffer;
    private final Utf8Validator validator = new Utf8Validator();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private CharBuffer chars;
    private ByteBuf nettyBuffer;
    private final Utf8StringBuilder jettyBuilder = new Utf8StringBuilder();

    @Setup(Level.Trial)
    public void setUp() {
        bytes = Payloads.utf8(Payloads.text(size, script == Script.MIXED));
        buffer = ByteBuffer.wrap(bytes);
        chars = CharBuffer.allocate(size);
        nettyBuffer = Unpooled.wrappedBuffer(bytes);
        Payloads.check(pado() && jdkDecoder() && netty() && jetty() != null, "valid UTF-8");

        // ... and each rejects a byte that UTF-8 never uses
        byte[] good = bytes;
        bytes = good.clone();
        if (size > 0) {
            bytes[size / 2] = (byte) 0xFF; // never valid anywhere in UTF-8
            buffer = ByteBuffer.wrap(bytes);
            nettyBuffer = Unpooled.wrappedBuffer(bytes);
            Payloads.check(!pado() && !jdkDecoder() && !netty() && jetty() == null, "invalid UTF-8");
        }
        bytes = good;
        buffer = ByteBuffer.wrap(bytes);
        nettyBuffer = Unpooled.wrappedBuffer(bytes);
    }

    @Benchmark
    public boolean pado() {
        validator.reset();
        return validator.validate(buffer, 0, buffer.limit()) < 0 && validator.isComplete();
    }

    @Benchmark
    public boolean jdkDecoder() {
        decoder.reset();
        chars.clear();
        buffer.clear();
        CoderResult result = decoder.decode(buffer, chars, true);
        return !result.isError() && !decoder.flush(chars).isError();
    }

    @Benchmark
    public String jdkString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Benchmark
    public boolean netty() {
        return ByteBufUtil.isText(nettyBuffer, StandardCharsets.UTF_8);
    }

    @Benchmark
    public String jetty() {
        jettyBuilder.reset();
        jettyBuilder.append(bytes, 0, bytes.length);
        String text = jettyBuilder.takeCompleteString(() -> null); // a null supplier: report, don't throw
        return jettyBuilder.hasCodingErrors() ? null : text;
    }
}
