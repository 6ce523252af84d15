package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that sends and does not read: the server stops reading it once its echoes fill the queue, so that an echo
 * handler that ignores its send futures loses nothing; when the client reads again, every echo arrives in order. A
 * client that never reads is closed by the write timeout with 1008.
 */
class ReadBackpressureTest {
    static final int MESSAGE = 64 << 10;
    static final int MESSAGES = 512; // 32 MiB: far more than the queue, the socket buffers and the handlers' backlog
    static final long MAX_QUEUED = 2 << 20;

    /** The guide's echo: it ignores the send's future. Failures are counted beside it, for the test only. */
    static final class Echo implements Handler {
        final AtomicInteger failedSends = new AtomicInteger();
        final AtomicLong mostQueued = new AtomicLong();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data).whenComplete((written, failure) -> {
                if (failure != null) {
                    failedSends.incrementAndGet();
                }
            });
            mostQueued.accumulateAndGet(ws.queuedBytes(), Math::max);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            closed.complete(code);
        }
    }

    static Server server(Dispatch dispatch, Echo echo, Duration writeTimeout) throws Exception {
        var options = ServerOptions.builder().eventLoops(1)
                .connection(c -> c.dispatch(dispatch).waterMarks(64 << 10, 256 << 10).maxQueuedBytes(MAX_QUEUED)
                        .maxMessageBytes(MESSAGE).writeTimeout(writeTimeout))
                .build();
        return Server.create(options).endpoint("/echo", echo).start();
    }

    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void aClientThatStopsReadingIsPushedBackAndLosesNoEcho(Dispatch dispatch) throws Exception {
        var echo = new Echo();
        try (Server server = server(dispatch, echo, Duration.ofSeconds(30));
                SocketChannel client = upgraded(server.port());
                Selector selector = Selector.open()) {
            ByteBuffer frames = frames();
            SelectionKey key = client.register(selector, SelectionKey.OP_WRITE);
            // Phase 1, send only: the server must stop reading before all of it went in
            boolean pushedBack = false;
            while (frames.hasRemaining() && !pushedBack) {
                if (client.write(frames) == 0) {
                    selector.selectedKeys().clear();
                    // Not writable for a whole second: the kernel buffers are full, the server does not read
                    pushedBack = selector.select(1_000) == 0;
                }
            }
            assertThat(pushedBack).as("pushed back after %d of %d bytes", frames.position(), frames.limit()).isTrue();
            assertThat(echo.failedSends).as("echoes failed while the client did not read").hasValue(0);

            // Phase 2, read too: every echo arrives, in order
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            ByteBuffer in = ByteBuffer.allocate(4 * MESSAGE);
            int echoed = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (echoed < MESSAGES && System.nanoTime() < deadline) {
                selector.selectedKeys().clear();
                selector.select(1_000);
                if (frames.hasRemaining()) {
                    client.write(frames);
                } else {
                    key.interestOps(SelectionKey.OP_READ);
                }
                if (client.read(in) < 0) {
                    break;
                }
                echoed = takeEchoes(in, echoed);
            }
            assertThat(echoed).isEqualTo(MESSAGES);
            assertThat(echo.failedSends).hasValue(0);
            assertThat(echo.mostQueued.get()).isLessThanOrEqualTo(MAX_QUEUED);
        }
    }

    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void aClientThatNeverReadsIsClosedWith1008(Dispatch dispatch) throws Exception {
        var echo = new Echo();
        try (Server server = server(dispatch, echo, Duration.ofSeconds(2));
                SocketChannel client = upgraded(server.port());
                Selector selector = Selector.open()) {
            ByteBuffer frames = frames();
            client.register(selector, SelectionKey.OP_WRITE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (frames.hasRemaining() && !echo.closed.isDone() && System.nanoTime() < deadline) {
                try {
                    if (client.write(frames) == 0) {
                        selector.selectedKeys().clear();
                        selector.select(200);
                    }
                } catch (IOException e) {
                    break; // the server closed the connection
                }
            }
            assertThat(frames.hasRemaining()).as("the server stopped reading").isTrue();
            assertThat(echo.closed.get(30, TimeUnit.SECONDS)).isEqualTo(1008);
        }
    }

    /** Parses the server's (unmasked) binary frames in {@code in}; checks their order; the count so far. */
    private static int takeEchoes(ByteBuffer in, int echoed) {
        in.flip();
        while (in.remaining() >= 4) {
            int start = in.position();
            assertThat(in.get(start) & 0xFF).as("a whole binary frame").isEqualTo(0x82);
            assertThat(in.get(start + 1) & 0x7F).isEqualTo(127);
            if (in.remaining() < 10) {
                break;
            }
            long length = in.getLong(start + 2);
            assertThat(length).isEqualTo(MESSAGE);
            if (in.remaining() < 10 + MESSAGE) {
                break;
            }
            assertThat(in.getInt(start + 10)).as("echo number").isEqualTo(echoed);
            in.position(start + 10 + MESSAGE);
            echoed++;
        }
        in.compact();
        return echoed;
    }

    /** All the client's frames, masked, each payload starting with its number. */
    private static ByteBuffer frames() {
        ByteBuffer all = ByteBuffer.allocate(MESSAGES * (MESSAGE + 14));
        byte[] payload = new byte[MESSAGE];
        for (int i = 0; i < MESSAGES; i++) {
            ByteBuffer.wrap(payload).putInt(0, i);
            all.put(RawSocket.frame(0x82, payload));
        }
        return all.flip();
    }

    /** A non-blocking channel with small socket buffers, upgraded to a WebSocket at /echo. */
    private static SocketChannel upgraded(int port) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 64 << 10);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, 64 << 10);
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        RawSocket.upgrade(channel.socket(), "/echo");
        channel.configureBlocking(false);
        return channel;
    }
}
