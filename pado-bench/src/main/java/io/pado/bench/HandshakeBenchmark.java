package io.pado.bench;

import io.pado.protocol.Connection;
import io.pado.protocol.Headers;
import io.pado.protocol.Event;
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
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * pado's work for one opening handshake, without the socket: read the request bytes ({@code RequestParser}), check
 * them ({@code ServerHandshake.validate}), write the 101 answer ({@code accept}) and create the connection's engine.
 * {@code request}: {@code minimal} is what the load generators send; {@code browser} is what Chromium sends (Origin,
 * User-Agent, cookies, an extension offer, declined here). The load runs' handshake rows add the rest: accept, the
 * socket calls, TCP, and the runtime's own work.
 *
 * <p>No peer runs beside it: Netty's handshake can only be driven through a channel, and an
 * {@code EmbeddedChannel} with its own event loop per handshake would be most of what such a benchmark measured.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HandshakeBenchmark {
    private static final String MINIMAL = """
            GET /echo HTTP/1.1\r
            Host: 127.0.0.1:9000\r
            Upgrade: websocket\r
            Connection: Upgrade\r
            Sec-WebSocket-Key: cGFkby1oYW5kc2hha2UtMQ==\r
            Sec-WebSocket-Version: 13\r
            \r
            """;

    private static final String BROWSER = """
            GET /echo HTTP/1.1\r
            Host: localhost:9000\r
            Connection: Upgrade\r
            Pragma: no-cache\r
            Cache-Control: no-cache\r
            User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
            Chrome/131.0.0.0 Safari/537.36\r
            Upgrade: websocket\r
            Origin: http://localhost:9000\r
            Sec-WebSocket-Version: 13\r
            Accept-Encoding: gzip, deflate, br, zstd\r
            Accept-Language: en-US,en;q=0.9,ko;q=0.8\r
            Cookie: session=7f3a9c2e4b1d8f60; theme=dark\r
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
            Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r
            \r
            """;

    @Param({"minimal", "browser"})
    public String request;

    private ByteBuffer input;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] bytes = (request.equals("minimal") ? MINIMAL : BROWSER).getBytes(StandardCharsets.US_ASCII);
        input = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        ByteBuffer answer = pado();
        Payloads.check(StandardCharsets.US_ASCII.decode(answer).toString().startsWith("HTTP/1.1 101 "), "pado");
    }

    /** The server's opening handshake in the engine: the request read, checked and answered, the engine open. */
    @Benchmark
    public ByteBuffer pado() {
        Connection server = Connection.server(Peers.padoOptions());
        server.receive(input.clear());
        if (!(server.pollEvent() instanceof Event.Upgrade)) {
            throw new IllegalStateException("not an upgrade");
        }
        server.accept(Optional.empty(), Optional.empty(), Headers.of());
        return server.pollOutput();
    }
}
