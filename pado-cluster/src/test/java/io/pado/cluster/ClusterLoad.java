package io.pado.cluster;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.Dispatch;
import io.pado.Handler;
import io.pado.WebSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The measured run of docs/CLUSTER.md, started by {@code scripts/cluster-bench.sh}.
 * <ul>
 * <li>{@code ClusterLoad node BROKER}: a {@link TestNode} in this JVM; prints {@code port N}, serves until killed.
 * <li>{@code ClusterLoad load BROKER_KIND NODES_PORTS MEMBERS RATE WARMUP_S MEASURE_S}: MEMBERS WebSockets spread
 *     round-robin over the nodes (comma-separated ports) join topic {@code bench}; one publisher per node sends
 *     {@code pub} commands, RATE a second in all (open loop, paced), each message carrying its send time; every
 *     member records send → arrival in this JVM's clock. Prints one TSV line: broker, nodes, members, rate asked,
 *     messages/s acknowledged, deliveries/s, p50 ms, p99 ms, max ms, deliveries missing, duplicates.
 * </ul>
 * Bounded: warm-up plus measurement plus at most 10 s for stragglers.
 */
final class ClusterLoad {
    private ClusterLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("node")) {
            try (var node = TestNode.start(URI.create(args[1]), b -> b.historyPerTopic(100_000), s -> s)) {
                System.out.println("port " + node.server.port());
                System.out.flush();
                new CountDownLatch(1).await(); // until killed
            }
            return;
        }
        String broker = args[1];
        int[] ports = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        int members = Integer.parseInt(args[3]);
        int rate = Integer.parseInt(args[4]);
        long warmupNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[5]));
        long measureNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[6]));
        System.out.println(run(broker, ports, members, rate, warmupNanos, measureNanos));
        System.exit(0);
    }

    /** One member: latencies of messages sent in the measured window, offsets seen, duplicates. */
    static final class Member implements Handler {
        final long[] latencies;
        final AtomicInteger count = new AtomicInteger();
        final AtomicLong duplicates = new AtomicLong();
        final CountDownLatch joined = new CountDownLatch(1);
        volatile long windowFrom;
        volatile long windowTo = Long.MAX_VALUE;
        long lastOffset; // only the member's event-loop thread touches it

        Member(int capacity) {
            latencies = new long[capacity];
        }

        @Override
        public void onText(WebSocket ws, String text) {
            if (text.startsWith("joined ")) {
                joined.countDown();
                return;
            }
            int o = text.indexOf("\"offset\":");
            int t = text.indexOf("\"data\":\"t=");
            if (o < 0 || t < 0) {
                return;
            }
            long now = System.nanoTime();
            long offset = Long.parseLong(text, o + 9, text.indexOf(',', o), 10);
            long sent = Long.parseLong(text, t + 10, text.indexOf('"', t + 10), 10);
            if (offset <= lastOffset) {
                duplicates.incrementAndGet();
                return;
            }
            lastOffset = offset;
            if (sent >= windowFrom && sent < windowTo) {
                int i = count.getAndIncrement();
                if (i < latencies.length) {
                    latencies[i] = now - sent;
                }
            }
        }
    }

    static String run(String broker, int[] ports, int members, int rate, long warmupNanos, long measureNanos)
            throws Exception {
        var options = ClientOptions.builder().connection(c -> c.dispatch(Dispatch.EVENT_LOOP)).build();
        try (Client client = Client.create(options)) {
            var all = new ArrayList<Member>();
            int capacity = (int) Math.min(Integer.MAX_VALUE - 8,
                    (long) rate * TimeUnit.NANOSECONDS.toSeconds(measureNanos) * 2 + 1000);
            var joins = new ArrayList<java.util.concurrent.CompletableFuture<Void>>();
            for (int i = 0; i < members; i++) {
                var m = new Member(capacity);
                m.windowFrom = Long.MAX_VALUE;
                all.add(m);
                WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + ports[i % ports.length] + "/t"), m)
                        .get(30, TimeUnit.SECONDS);
                joins.add(ws.sendText("join bench"));
            }
            for (var j : joins) {
                j.get(30, TimeUnit.SECONDS);
            }
            for (Member m : all) {
                if (!m.joined.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("a member's join was not answered within 30 s");
                }
            }
            var acked = new AtomicLong();
            var ackedInWindow = new AtomicLong();
            var window = new long[] {Long.MAX_VALUE, Long.MAX_VALUE};
            var publishers = new ArrayList<WebSocket>();
            for (int port : ports) {
                publishers.add(client.connect(URI.create("ws://127.0.0.1:" + port + "/t"), new Handler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        if (text.startsWith("ack ")) {
                            acked.incrementAndGet();
                            long sent = Long.parseLong(text.substring(4, text.indexOf(' ', 4)));
                            if (sent >= window[0] && sent < window[1]) {
                                ackedInWindow.incrementAndGet();
                            }
                        }
                    }
                }).get(30, TimeUnit.SECONDS));
            }
            long start = System.nanoTime();
            window[0] = start + warmupNanos;
            window[1] = window[0] + measureNanos;
            for (Member m : all) {
                m.windowFrom = window[0];
                m.windowTo = window[1];
            }
            long interval = 1_000_000_000L / rate;
            long next = start;
            for (long n = 0; ; n++) {
                long now = System.nanoTime();
                if (now - window[1] >= 0) {
                    break;
                }
                if (next - now > 0) {
                    LockSupport.parkNanos(next - now); // pacing the open loop, not synchronisation
                }
                long sent = System.nanoTime();
                publishers.get((int) (n % publishers.size())).sendText("pub bench " + sent + " t=" + sent);
                next += interval;
            }
            // Stragglers: wait (bounded) until every member has every message acknowledged in the window.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && all.stream().anyMatch(m -> m.count.get() < ackedInWindow.get())) {
                Thread.sleep(20);
            }
            long missing = 0;
            long duplicates = 0;
            int total = 0;
            int[] counts = new int[all.size()]; // one snapshot: late deliveries may still count up
            for (int i = 0; i < all.size(); i++) {
                Member m = all.get(i);
                counts[i] = Math.min(m.count.get(), m.latencies.length);
                missing += Math.max(0, ackedInWindow.get() - counts[i]);
                duplicates += m.duplicates.get();
                total += counts[i];
            }
            long[] merged = new long[total];
            int at = 0;
            for (int i = 0; i < all.size(); i++) {
                System.arraycopy(all.get(i).latencies, 0, merged, at, counts[i]);
                at += counts[i];
            }
            Arrays.sort(merged);
            double seconds = measureNanos / 1e9;
            return String.format(Locale.ROOT, "%s\t%d\t%d\t%d\t%.0f\t%.0f\t%.2f\t%.2f\t%.2f\t%d\t%d", broker,
                    ports.length, members, rate, ackedInWindow.get() / seconds, total / seconds,
                    percentile(merged, 0.50), percentile(merged, 0.99),
                    merged.length == 0 ? 0 : merged[merged.length - 1] / 1e6, missing, duplicates);
        }
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }
}
