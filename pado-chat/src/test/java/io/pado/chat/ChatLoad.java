package io.pado.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.Handler;
import io.pado.WebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded load run of the chat on several nodes (docs/SCALING.md): a throwaway redis-server, N chat nodes in this
 * JVM sharing it, C superchat clients spread round-robin over the nodes, all in one room. Each client says a message
 * (its text is the send time), waits for its numbered ack, says the next: closed loop, one in flight per client,
 * for a warm-up and then a measured period, each bounded in time and count. Every member records, for every
 * message it gets, the time from send to arrival. Prints one Markdown row per node count:
 * nodes, clients, messages said per second, deliveries per second, delivery latency p50 and p99 in ms.
 * <pre>
 * pado-chat/run-scale.sh [CLIENTS] [SECONDS] [NODE COUNTS…]     # defaults: 24 10 1 2 3
 * </pre>
 */
final class ChatLoad {
    private static final int MAX_MESSAGES_PER_CLIENT = 100_000;

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 24;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        List<Integer> counts = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            counts.add(Integer.parseInt(args[i]));
        }
        if (counts.isEmpty()) {
            counts = List.of(1, 2, 3);
        }
        System.out.println("| nodes | clients | messages/s | deliveries/s | p50 ms | p99 ms |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (int nodes : counts) {
            System.out.println(run(nodes, clients, Duration.ofSeconds(seconds)));
        }
    }

    static String run(int nodeCount, int clientCount, Duration measured) throws Exception {
        try (var redis = BrokerServer.redis()) {
            var nodes = new ArrayList<ChatServer>();
            var clients = new ArrayList<LoadClient>();
            try {
                for (int i = 0; i < nodeCount; i++) {
                    nodes.add(ChatServer.start(ChatOptions.builder().port(0).rate(1e6, 1_000_000, 1_000_000)
                            .broker(redis.uri).build()));
                }
                for (int i = 0; i < clientCount; i++) {
                    var c = new LoadClient(nodes.get(i % nodeCount).port(), "c" + i);
                    clients.add(c);
                }
                for (LoadClient c : clients) {
                    c.awaitJoined();
                }
                phase(clients, Duration.ofSeconds(3)); // warm-up: JIT, pools; not counted
                clients.forEach(LoadClient::reset);
                long said = phase(clients, measured);
                long[] latencies = clients.stream().flatMapToLong(c -> Arrays.stream(c.latencies())).sorted()
                        .toArray();
                double secs = measured.toNanos() / 1e9;
                return String.format("| %d | %d | %.0f | %.0f | %.2f | %.2f |", nodeCount, clientCount, said / secs,
                        latencies.length / secs, percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6);
            } finally {
                clients.forEach(LoadClient::close);
                nodes.forEach(ChatServer::stop);
            }
        }
    }

    /** Every client says messages until the time is up; then waits (bounded) for what is in flight. */
    static long phase(List<LoadClient> clients, Duration length) throws InterruptedException {
        long deadline = System.nanoTime() + length.toNanos();
        var said = new AtomicLong();
        var threads = new ArrayList<Thread>();
        for (LoadClient c : clients) {
            threads.add(Thread.ofVirtual().start(() -> said.addAndGet(c.sayUntil(deadline))));
        }
        for (Thread t : threads) {
            t.join(length.plusSeconds(10));
        }
        for (LoadClient c : clients) {
            c.awaitIdle(Duration.ofSeconds(10));
        }
        return said.get();
    }

    static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
    }

    /** One member: says timestamps, records how long every message took to arrive. */
    static final class LoadClient implements Handler, AutoCloseable {
        private final Client client = Client.create(ClientOptions.builder().subprotocols("superchat").build());
        private final String nick;
        private final WebSocket ws;
        private final Semaphore window = new Semaphore(0); // released by the join, then by each ack
        private final ReentrantLock lock = new ReentrantLock();
        /** Guarded by lock. */
        private long[] latencies = new long[1 << 16];
        private int count;
        private volatile boolean counting = true;

        LoadClient(int port, String nick) {
            this.nick = nick;
            this.ws = client.connect(URI.create("ws://127.0.0.1:" + port + "/chat"), this).orTimeout(10,
                    TimeUnit.SECONDS).join();
            ws.sendText("{\"type\":\"join\",\"room\":\"load\",\"nick\":\"" + nick + "\"}");
        }

        @Override
        public void onText(WebSocket ws, String text) {
            long now = System.nanoTime();
            try {
                JsonNode n = Wire.JSON.readTree(text);
                switch (n.path("type").asText()) {
                    case "joined", "ack" -> window.release();
                    case "message" -> {
                        String t = n.path("text").asText();
                        if (counting && t.startsWith("t")) {
                            record(now - Long.parseLong(t.substring(1)));
                        }
                    }
                    case "error" -> System.err.println(nick + ": " + text);
                    default -> { }
                }
            } catch (Exception e) {
                System.err.println(nick + ": " + e);
            }
        }

        private void record(long nanos) {
            lock.lock();
            try {
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = nanos;
            } finally {
                lock.unlock();
            }
        }

        void awaitJoined() throws InterruptedException {
            if (!window.tryAcquire(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(nick + " did not join");
            }
            window.release();
        }

        /** Closed loop: one message in flight; returns how many were said. */
        long sayUntil(long deadlineNanos) {
            long said = 0;
            try {
                while (said < MAX_MESSAGES_PER_CLIENT) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0 || !window.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                        break;
                    }
                    ws.sendText("{\"type\":\"message\",\"text\":\"t" + System.nanoTime() + "\"}");
                    said++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return said;
        }

        /** Waits until the last message's ack is back (the window is free again). */
        void awaitIdle(Duration timeout) throws InterruptedException {
            if (window.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                window.release();
            }
        }

        void reset() {
            lock.lock();
            try {
                count = 0;
            } finally {
                lock.unlock();
            }
        }

        long[] latencies() {
            lock.lock();
            try {
                return Arrays.copyOf(latencies, count);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            counting = false;
            client.close();
        }
    }
}
