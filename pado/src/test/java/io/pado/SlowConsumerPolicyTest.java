package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each {@link SlowConsumerPolicy} with a raw client that reads nothing until the server has hit its limit: what the
 * sends report, how big the queue got, and what the client finally receives.
 */
class SlowConsumerPolicyTest {
    static final int LOW_WATER = 64 << 10;
    static final int HIGH_WATER = 256 << 10;
    static final int MAX_QUEUED = 1 << 20;
    static final int CHUNK = 32 << 10;
    /** Far more than the socket buffers of both ends hold, so the queue must fill. */
    static final int CHUNKS = 1024;

    /** Sends CHUNKS numbered chunks as fast as the policy lets it, recording what each send reported. */
    static final class Producer implements Handler {
        final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
        final AtomicReference<Thread> thread = new AtomicReference<>();
        final AtomicLong maxQueued = new AtomicLong();
        final List<Integer> written = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        /** Every send has been made (some may still wait to be written). */
        final CompletableFuture<Void> sendsMade = new CompletableFuture<>();
        /** Every send has been settled: the number written. */
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

        @Override
        public void onOpen(WebSocket ws) {
            thread.set(Thread.currentThread());
            opened.complete(ws);
            var sends = new CompletableFuture<?>[CHUNKS];
            for (int i = 0; i < CHUNKS; i++) {
                ByteBuffer chunk = ByteBuffer.allocate(CHUNK).putInt(0, i);
                int index = i;
                sends[i] = ws.sendBinary(chunk).handle((ok, failure) -> {
                    if (failure == null) {
                        written.add(index);
                    } else {
                        failures.add(failure);
                    }
                    return null;
                });
                maxQueued.accumulateAndGet(ws.queuedBytes(), Math::max);
            }
            sendsMade.complete(null);
            CompletableFuture.allOf(sends).whenComplete((ok, failure) -> done.complete(written.size()));
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            closeCode.complete(code);
        }
    }

    static Server start(SlowConsumerPolicy policy, Producer producer) throws IOException {
        var options = ServerOptions.builder()
                .eventLoops(1)
                .connection(c -> c
                        .waterMarks(LOW_WATER, HIGH_WATER)
                        .maxQueuedBytes(MAX_QUEUED)
                        .writeTimeout(Duration.ofSeconds(60)))
                .build();
        return Server.create(options)
                .endpoint(Endpoint.builder("/p", producer).slowConsumerPolicy(policy).build())
                .start();
    }

    /** A raw client with a small receive buffer, so that not reading pushes back on the server soon. */
    static RawSocket stalledClient(int port) throws IOException {
        var socket = new Socket();
        socket.setReceiveBufferSize(16 << 10);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return RawSocket.upgrade(socket, "/p");
    }

    /** Reads binary frames until {@code count} chunks arrived; returns their numbers in order of arrival. */
    static List<Integer> readChunks(RawSocket client, int count) throws IOException {
        var numbers = new java.util.ArrayList<Integer>();
        while (numbers.size() < count) {
            RawSocket.Frame frame = client.readFrame();
            assertThat(frame.opcode()).as("a binary frame").isEqualTo(2);
            numbers.add(ByteBuffer.wrap(frame.payload()).getInt());
        }
        return numbers;
    }

    @Test
    void blockMakesTheSenderWaitAndLosesNothing() throws Exception {
        var producer = new Producer();
        try (Server server = start(SlowConsumerPolicy.BLOCK, producer);
                RawSocket client = stalledClient(server.port())) {
            producer.opened.get(10, TimeUnit.SECONDS);
            // The producer (a virtual thread) parks once the queue is past the high-water mark.
            Await.until("the producer to wait", () -> producer.thread.get().getState() == Thread.State.WAITING
                    && producer.opened.join().queuedBytes() > LOW_WATER);
            assertThat(producer.done).isNotDone();

            List<Integer> received = readChunks(client, CHUNKS);

            assertThat(received).isEqualTo(java.util.stream.IntStream.range(0, CHUNKS).boxed().toList());
            assertThat(producer.done.get(10, TimeUnit.SECONDS)).isEqualTo(CHUNKS);
            assertThat(producer.failures).isEmpty();
            assertThat(producer.maxQueued.get()).isLessThanOrEqualTo(HIGH_WATER);
        }
    }

    @Test
    void dropKeepsTheQueueShortAndTheConnectionOpen() throws Exception {
        var producer = new Producer();
        try (Server server = start(SlowConsumerPolicy.DROP, producer);
                RawSocket client = stalledClient(server.port())) {
            WebSocket ws = producer.opened.get(10, TimeUnit.SECONDS);
            producer.sendsMade.get(20, TimeUnit.SECONDS);
            assertThat(producer.failures).isNotEmpty().allSatisfy(failure ->
                    assertThat(failure).isInstanceOf(MessageDroppedException.class));
            assertThat(producer.maxQueued.get()).isLessThanOrEqualTo(HIGH_WATER);

            List<Integer> received = readChunks(client, CHUNKS - producer.failures.size());
            assertThat(producer.done.get(10, TimeUnit.SECONDS)).isEqualTo(received.size());
            assertThat(received).isSorted().doesNotHaveDuplicates().containsExactlyElementsOf(
                    producer.written.stream().sorted().toList());
            // The peer caught up: the connection is still open and new messages get through.
            assertThat(ws.isOpen()).isTrue();
            ws.sendBinary(ByteBuffer.allocate(4).putInt(0, -1)).get(10, TimeUnit.SECONDS);
            assertThat(readChunks(client, 1)).containsExactly(-1);
        }
    }

    @ParameterizedTest
    @CsvSource({"CLOSE_POLICY_VIOLATION, 1008", "CLOSE_TRY_AGAIN_LATER, 1013"})
    void closePoliciesCloseWithTheirCode(SlowConsumerPolicy policy, int code) throws Exception {
        var producer = new Producer();
        try (Server server = start(policy, producer);
                RawSocket client = stalledClient(server.port())) {
            producer.opened.get(10, TimeUnit.SECONDS);
            assertThat(producer.closeCode.get(20, TimeUnit.SECONDS)).isEqualTo(code);
            assertThat(producer.maxQueued.get()).isLessThanOrEqualTo(MAX_QUEUED);

            // The client reads what was queued before the limit, in order, then the Close with the policy's code.
            int next = 0;
            RawSocket.Frame frame;
            while ((frame = client.readFrame()).opcode() == 2) {
                assertThat(ByteBuffer.wrap(frame.payload()).getInt()).isEqualTo(next++);
            }
            assertThat(frame.opcode()).isEqualTo(8);
            assertThat(frame.closeCode()).isEqualTo(code);
            assertThat(frame.text().substring(2)).isEqualTo("slow consumer");
            assertThat(producer.done.get(10, TimeUnit.SECONDS)).isEqualTo(next);
            assertThat(producer.failures).isNotEmpty().allSatisfy(failure ->
                    assertThat(failure).isInstanceOf(ClosedException.class));
        }
    }

    @Test
    void aClientThatBlocksWaitsForAServerThatReadsLate() throws Exception {
        try (var listener = new java.net.ServerSocket()) {
            listener.setReceiveBufferSize(16 << 10); // accepted sockets inherit it: the server pushes back soon
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            var options = ClientOptions.builder()
                    .connection(c -> c
                            .slowConsumerPolicy(SlowConsumerPolicy.BLOCK)
                            .waterMarks(LOW_WATER, HIGH_WATER)
                            .maxQueuedBytes(MAX_QUEUED))
                    .build();
            try (Client client = Client.create(options)) {
                var connecting = client.connect(java.net.URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/"),
                        new Handler() { });
                try (Socket server = listener.accept()) {
                    server.setSoTimeout(10_000);
                    acceptHandshake(server);
                    WebSocket ws = connecting.get(10, TimeUnit.SECONDS);
                    var maxQueued = new AtomicLong();
                    var failures = new CopyOnWriteArrayList<Throwable>();
                    Thread producer = Thread.ofVirtual().start(() -> {
                        for (int i = 0; i < CHUNKS; i++) {
                            ws.sendBinary(ByteBuffer.allocate(CHUNK).putInt(0, i))
                                    .exceptionally(failure -> { failures.add(failure); return null; });
                            maxQueued.accumulateAndGet(ws.queuedBytes(), Math::max);
                        }
                    });
                    Await.until("the client's producer to wait", () -> producer.getState() == Thread.State.WAITING);

                    // Now the server reads: every chunk arrives, masked, in order.
                    var in = new java.io.DataInputStream(server.getInputStream());
                    for (int i = 0; i < CHUNKS; i++) {
                        assertThat(in.readUnsignedByte()).isEqualTo(0x82);
                        assertThat(in.readUnsignedByte()).isEqualTo(0x80 | 126);
                        assertThat(in.readUnsignedShort()).isEqualTo(CHUNK);
                        byte[] key = in.readNBytes(4);
                        byte[] payload = in.readNBytes(CHUNK);
                        for (int b = 0; b < 4; b++) {
                            payload[b] ^= key[b];
                        }
                        assertThat(ByteBuffer.wrap(payload).getInt()).isEqualTo(i);
                    }
                    assertThat(producer.join(java.time.Duration.ofSeconds(10))).isTrue();
                    assertThat(failures).isEmpty();
                    assertThat(maxQueued.get()).isLessThanOrEqualTo(HIGH_WATER);
                }
            }
        }
    }

    /** Reads a client's request head and answers 101 with the right Sec-WebSocket-Accept. */
    static void acceptHandshake(Socket server) throws Exception {
        var head = new StringBuilder();
        var in = server.getInputStream();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("request head").isNotNegative();
            head.append((char) b);
        }
        String key = head.toString().lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT)
                .startsWith("sec-websocket-key:")).findFirst().orElseThrow().substring(18).trim();
        byte[] sha1 = java.security.MessageDigest.getInstance("SHA-1").digest(
                (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String accept = java.util.Base64.getEncoder().encodeToString(sha1);
        server.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void failSendFailsOnlyTheSendsPastTheMaximum() throws Exception {
        var producer = new Producer();
        try (Server server = start(SlowConsumerPolicy.FAIL_SEND, producer);
                RawSocket client = stalledClient(server.port())) {
            WebSocket ws = producer.opened.get(10, TimeUnit.SECONDS);
            producer.sendsMade.get(20, TimeUnit.SECONDS);
            assertThat(producer.failures).isNotEmpty().allSatisfy(failure -> assertThat(failure)
                    .isInstanceOf(IOException.class).hasMessageStartingWith("send queue full"));
            assertThat(producer.maxQueued.get()).isGreaterThan(HIGH_WATER).isLessThanOrEqualTo(MAX_QUEUED);
            List<Integer> received = readChunks(client, CHUNKS - producer.failures.size());
            assertThat(received).isSorted().doesNotHaveDuplicates();
            assertThat(ws.isOpen()).isTrue();
        }
    }
}
