package io.pado.bench.soak;

import io.pado.Compression;
import io.pado.Handler;
import io.pado.HttpResponse;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.ServerTls;
import io.pado.WebSocket;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.ObjectName;

/**
 * The server side of the soak test: a pado echo server at {@code ws://127.0.0.1:PORT/echo} with the options a
 * production server would tighten (short handshake and write timeouts, a 4 MiB queue bound, pooled
 * permessage-deflate), and {@code GET /stats} on the same port, which reports what the soak checks afterwards: open
 * TCP connections ({@link Server#connections()}), WebSocket sessions, closes by code, heap, direct buffers, native
 * memory (NMT, when the JVM runs with {@code -XX:NativeMemoryTracking=summary}), RSS, file descriptors and threads.
 * {@code GET /stats?gc} runs a full GC first. One {@code name value} line per number.
 *
 * <p>Usage: {@code SoakServer PORT [--tls STORE.p12]}: with {@code --tls}, {@code wss://} (and HTTPS for the stats)
 * with the certificate in that store ({@link SoakTls}). Prints {@code ready} when it listens; runs until killed.
 * Loopback only.
 */
public final class SoakServer {
    /** How long a slowloris may take to send its request head. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);
    /**
     * The same over wss://, where it covers the TLS handshake too: on the 2-core test machine at a load of 9-11,
     * hostile clients' TLS handshakes took up to 3.3 s from connect() and some well-behaved openings 3.4 s, so 3 s
     * cut off clients that did nothing wrong. See docs/RELIABILITY.md, "Handshake timeouts under load".
     */
    static final Duration TLS_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** How long a peer that stops reading may hold queued output. */
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);
    static final long MAX_QUEUED_BYTES = 4 << 20;

    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong closedTotal = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Map<Integer, LongAdder> closes = new ConcurrentHashMap<>();

    private SoakServer() {
    }

    /** The handshake timeout of the soak's server, over wss:// ({@code tls}) or ws://. */
    static Duration handshakeTimeout(boolean tls) {
        return tls ? TLS_HANDSHAKE_TIMEOUT : HANDSHAKE_TIMEOUT;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        SoakTls tls = args.length > 2 && args[1].equals("--tls") ? SoakTls.load(Path.of(args[2])) : null;
        new SoakServer().start(port, tls);
        System.out.println("ready");
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private void start(int port, SoakTls tls) throws IOException, java.security.GeneralSecurityException {
        ServerOptions.Builder options = ServerOptions.builder()
                .port(port)
                .eventLoops(1)
                .connection(c -> c
                        .handshakeTimeout(handshakeTimeout(tls != null))
                        .writeTimeout(WRITE_TIMEOUT)
                        .maxQueuedBytes(MAX_QUEUED_BYTES)
                        .compression(Compression.DEFAULT));
        if (tls != null) {
            options.tls(ServerTls.fromKeyStore(tls.keyStore(), SoakTls.PASSWORD.clone()));
        }
        Server server = Server.create(options.build()).endpoint("/echo", new Echo());
        server.http(request -> {
            if (!request.path().equals("/stats")) {
                return HttpResponse.notFound();
            }
            return HttpResponse.text(200, stats(server, request.query().isPresent()));
        }).start();
    }

    /** Echoes every message as it came, text as text; a failed send (queue full, closed) is the peer's problem. */
    private final class Echo implements Handler {
        @Override
        public void onOpen(WebSocket ws) {
            opened.incrementAndGet();
        }

        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            errors.incrementAndGet();
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            closes.computeIfAbsent(code, c -> new LongAdder()).increment();
            closedTotal.incrementAndGet();
        }
    }

    private String stats(Server server, boolean gc) throws Exception {
        if (gc) {
            settleDirectMemory();
        }
        var lines = new TreeMap<String, Long>();
        lines.put("connections", (long) server.connections());
        lines.put("opened", opened.get());
        lines.put("sessions", opened.get() - closedTotal.get());
        lines.put("errors", errors.get());
        closes.forEach((code, n) -> lines.put("closed." + code, n.sum()));
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        lines.put("heapUsed", heap.getUsed());
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                lines.put("directCount", pool.getCount());
                lines.put("directBytes", pool.getMemoryUsed());
            }
        }
        lines.put("nmtCommitted", nmtCommittedBytes());
        lines.put("rss", rssBytes());
        if (gc) {
            trimNativeHeap();
            lines.put("rssTrimmed", rssBytes());
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            lines.put("fds", fds.count());
        }
        lines.put("threads", (long) ManagementFactory.getThreadMXBean().getThreadCount());
        var out = new StringBuilder();
        lines.forEach((k, v) -> out.append(k).append(' ').append(v).append('\n'));
        return out.toString();
    }

    /**
     * Collects garbage until the direct buffers stop changing: a direct buffer whose owner died is freed by the
     * Cleaner's thread after a GC, not by the GC, so two GCs in a row did not always count it as freed (a quick
     * run read 7.4 MiB after its warm-up round and 1.9 MiB after its soak round). At most 20 rounds of 50 ms.
     */
    private static void settleDirectMemory() throws InterruptedException {
        long before = -1;
        for (int round = 0; round < 20; round++) {
            System.gc();
            Thread.sleep(50); // the Cleaner runs on its own thread: give it a moment, then look again
            long now = directBytes();
            if (now == before) {
                return;
            }
            before = now;
        }
    }

    private static long directBytes() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        return -1;
    }

    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");

    /** NMT's total committed native memory (heap, code, threads, malloc...), or -1 without NMT. */
    private static long nmtCommittedBytes() {
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            Matcher m = NMT_TOTAL.matcher(String.valueOf(out));
            return m.find() ? Long.parseLong(m.group(2)) * 1024 : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Asks the C allocator to hand freed memory back to the kernel ({@code jcmd System.trim_native_heap}): glibc keeps
     * what zlib and the JDK's native code free in its arenas, so RSS alone cannot tell memory still held from memory
     * freed but kept for reuse.
     */
    private static void trimNativeHeap() {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "systemTrimNativeHeap",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            System.err.println("trim_native_heap: " + e);
        }
    }

    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
