package io.pado.bench;

import io.pado.protocol.frame.Masking;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
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
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * XOR-masking {@code size} bytes in place (RFC 6455 §5.3), in a heap or a direct buffer: pado's {@code Masking.mask}
 * (8 bytes at a time) against a naive loop of one byte at a time and Jetty's {@code Frame.demask} (4 at a time).
 * Netty's unmasking is private to its decoder and is measured as part of {@link ParseBenchmark}.
 * Masking is its own inverse, so the buffer just flips between two states.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MaskBenchmark {
    public enum Memory { HEAP, DIRECT }

    @Param({"16", "512", "16384", "1048576"})
    public int size;

    @Param({"HEAP", "DIRECT"})
    public Memory memory;

    /** Not a constant, so the JIT cannot fold the key into the loop. */
    private int key = Payloads.KEY;
    private ByteBuffer buffer;
    private final byte[] jettyMask = new byte[4];
    private Frame jettyFrame;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] bytes = Payloads.binary(size, 3);
        buffer = memory == Memory.DIRECT ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        buffer.put(0, bytes);
        jettyFrame = new Frame(OpCode.BINARY, buffer);

        // All three give the same bytes, and twice is the identity
        byte[] expected = Payloads.maskedFrame(true, 2, bytes, key);
        expected = Arrays.copyOfRange(expected, expected.length - size, expected.length);
        for (Runnable op : new Runnable[] {this::pado, this::naive, this::jetty}) {
            op.run();
            byte[] out = new byte[size];
            buffer.get(0, out);
            Payloads.check(Arrays.equals(out, expected), "masked " + size + " bytes");
            op.run();
            buffer.get(0, out);
            Payloads.check(Arrays.equals(out, bytes), "unmasked " + size + " bytes");
        }
    }

    @Benchmark
    public ByteBuffer pado() {
        Masking.mask(buffer, 0, size, key, 0);
        return buffer;
    }

    @Benchmark
    public ByteBuffer naive() {
        ByteBuffer buf = buffer;
        int k = key;
        for (int i = 0, n = size; i < n; i++) {
            buf.put(i, (byte) (buf.get(i) ^ (k >>> (24 - 8 * (i & 3)))));
        }
        return buf;
    }

    @Benchmark
    public ByteBuffer jetty() {
        // demask() zeroes the key after use, so it is set again each time, as the parser does per frame
        int k = key;
        jettyMask[0] = (byte) (k >>> 24);
        jettyMask[1] = (byte) (k >>> 16);
        jettyMask[2] = (byte) (k >>> 8);
        jettyMask[3] = (byte) k;
        jettyFrame.setMask(jettyMask);
        jettyFrame.demask();
        return buffer;
    }
}
