package io.pado.bench;

import io.pado.protocol.Connection;
import io.pado.protocol.Event;
import io.pado.protocol.FrameBuffers;
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
 * The engine's whole echo step, as a loop handler drives it: a server receives one masked binary message of
 * {@code size} bytes as an {@code Event.Binary} (the engine's reused view of the input), sends it back (copied into
 * a frame), and the frame is taken off its output. Frames come from one reused buffer and the view of the input is
 * made once, as the runtime's pool does. With {@code -prof gc}, {@code gc.alloc.rate.norm} is the engine's
 * allocation per echoed message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EngineEchoBenchmark {
    @Param({"16", "512"})
    public int size;

    private byte[] frame;
    private ByteBuffer input;
    private Connection server;

    @Setup(Level.Trial)
    public void setUp() {
        frame = Payloads.maskedFrame(true, 2, Payloads.binary(size, 1), Payloads.KEY);
        input = ByteBuffer.allocateDirect(frame.length);
        ByteBuffer frames = ByteBuffer.allocateDirect(size + 16);
        ByteBuffer view = input.duplicate().clear().asReadOnlyBuffer();
        server = Peers.padoServer();
        server.useFrameBuffers(new FrameBuffers() {
            @Override
            public ByteBuffer take(int bytes) {
                return frames.clear().limit(bytes);
            }

            @Override
            public ByteBuffer readOnlyView(ByteBuffer source) {
                return source == input ? view : source.duplicate().clear().asReadOnlyBuffer();
            }
        });
        byte[] unmaskedEcho = Payloads.binary(size, 1);
        Payloads.check(Arrays.equals(payloadOf(echo()), unmaskedEcho), "echo");
    }

    private static byte[] payloadOf(ByteBuffer echoed) {
        int header = echoed.remaining() - (echoed.get(1) & 0x7F) == 2 ? 2 : 4;
        byte[] payload = new byte[echoed.remaining() - header];
        echoed.get(echoed.position() + header, payload);
        return payload;
    }

    private ByteBuffer freshInput() {
        return input.clear().put(frame).flip(); // receive unmasks in place: the frame is masked again each time
    }

    @Benchmark
    public ByteBuffer echo() {
        server.receive(freshInput());
        Event.Binary binary = (Event.Binary) server.pollEvent();
        server.sendBinaryCopy(binary.data());
        return server.pollOutput();
    }
}
