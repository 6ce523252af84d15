package io.pado.bench.load;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;

/**
 * Memory per idle WebSocket on the echo servers of {@link EchoServers} (pado and its peers), measured the same way
 * for all: the server runs in a child JVM with a fixed, pre-touched heap (so RSS growth is native memory); N
 * connections are opened with raw sockets, each sends one 2 KiB message (compressed with permessage-deflate in the
 * "-deflate" runs) and reads its echo. The child's live heap ({@code jcmd GC.class_histogram}, which counts the
 * objects left after a full GC at one safepoint) and its RSS ({@code /proc/PID/status}, read after
 * {@code jcmd System.trim_native_heap} has handed freed malloc memory back) are read when half of the connections
 * are open and again when all are: the growth over the second half, per connection, is the cost of one more idle
 * connection.
 *
 * <p>One-time costs would otherwise be counted per connection: the JIT compiler's code and arenas (megabytes of
 * RSS), pools, tables growing. A warm-up of as many connections as will be measured, each opened, echoed once and
 * closed, lets the hot paths be compiled first, and the first half absorbs the rest. Trimming matters because glibc
 * keeps what the compiler freed, in amounts that moved the figure by kilobytes per connection from run to run.
 *
 * <p>Usage: {@code IdleMemoryPeers CONNECTIONS SERVER...}, servers as {@link EchoServers} names them, e.g.
 * {@code pado pado-deflate netty netty-deflate jetty jetty-deflate} ({@code jetty-deflate} is the {@code jetty}
 * server offered compression). The {@code -tls} servers ({@code pado-tls netty-tls ...}) are measured over
 * {@code wss://}: each connection a TLS 1.3 socket that trusts the {@link BenchTls} certificate
 * ({@code -Dpado.tls.keystore}, passed on to the server). Prints a Markdown table. Loopback only.
 */
public final class IdleMemoryPeers {
    private static final int PAYLOAD_BYTES = 2048;
    private static final int RSS_SETTLE_SECONDS = 6;
    private static final long RSS_SETTLED_KIB = 64;

    private IdleMemoryPeers() {
    }

    public static void main(String[] args) throws Exception {
        int connections = Integer.parseInt(args[0]);
        System.out.printf("| server | connections | heap per connection | native (RSS) per connection | total |%n"
                + "|---|---:|---:|---:|---:|%n");
        int port = 9200;
        for (int i = 1; i < args.length; i++) {
            try {
                measure(args[i], connections, port++);
            } catch (IOException e) {
                // One server that cannot hold the connections (it stops answering) must not end the whole run
                System.out.printf("| %s | %d | failed: %s | | |%n", args[i], connections, e);
            }
        }
    }

    private static void measure(String name, int connections, int port) throws Exception {
        boolean deflate = name.endsWith("-deflate");
        String kind = name.equals("jetty-deflate") ? "jetty" : name;
        SSLSocketFactory tls = name.endsWith("-tls") ? BenchTls.fromProperty().trustingClient().getSocketFactory()
                : null;
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        var command = new ArrayList<String>();
        if (Files.isExecutable(Path.of("/usr/bin/taskset"))) {
            command.addAll(List.of("taskset", "-c", "0"));
        }
        command.addAll(List.of(javaBin, "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-XX:+UseParallelGC"));
        if (tls != null) {
            command.add("-Dpado.tls.keystore=" + System.getProperty("pado.tls.keystore"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), EchoServers.class.getName(), kind,
                Integer.toString(port)));
        Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<Socket> open = new ArrayList<>();
        try {
            var out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("ready")) {
                // log lines until the server listens
            }
            Thread.ofVirtual().start(() -> out.lines().forEach(l -> { })); // keep draining its output
            for (int i = 0; i < connections / 2; i++) { // warm up: classes, pools and compiled code
                connect(port, deflate, tls).close();
            }
            for (int i = 0; i < connections / 2; i++) {
                open.add(connect(port, deflate, tls));
            }
            long[] half = memory(server.pid());
            for (int i = connections / 2; i < connections; i++) {
                open.add(connect(port, deflate, tls));
            }
            long[] all = memory(server.pid());
            int measured = connections - connections / 2;
            double heap = (all[0] - half[0]) / 1024.0 / measured;
            double rss = (all[1] - half[1]) / 1024.0 / measured;
            System.out.printf("| %s | %d | %.2f KiB | %.2f KiB | %.2f KiB |%n", name, connections, heap, rss,
                    heap + rss);
        } finally {
            for (Socket s : open) {
                s.close();
            }
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** An upgraded connection that has sent one message and read its echo; over TLS if {@code tls} is not null. */
    private static Socket connect(int port, boolean deflate, SSLSocketFactory tls) throws IOException {
        Socket socket = tls == null ? new Socket("127.0.0.1", port) : tls.createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        String request = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: cGFkby1tZW1vcnkta2V5MQ==\r\nSec-WebSocket-Version: 13\r\n"
                + (deflate ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : "") + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        var in = new DataInputStream(socket.getInputStream());
        var head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("not upgraded: " + head);
        }
        if (deflate && !head.toString().toLowerCase(java.util.Locale.ROOT).contains("permessage-deflate")) {
            throw new IOException("compression not accepted: " + head);
        }
        ByteBuffer frame = deflate ? LoadGenerator.compressedTemplate(PAYLOAD_BYTES)
                : LoadGenerator.template(PAYLOAD_BYTES);
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        socket.getOutputStream().write(bytes);
        in.readUnsignedByte();
        int len7 = in.readUnsignedByte() & 0x7F;
        long length = len7 == 126 ? in.readUnsignedShort() : len7 == 127 ? in.readLong() : len7;
        in.skipNBytes(length);
        return socket;
    }

    /** The child's live heap and its RSS once freed native memory is trimmed, in bytes. */
    private static long[] memory(long pid) throws Exception {
        String jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd")
                .toString();
        String histogram = run(jcmd, Long.toString(pid), "GC.class_histogram");
        Matcher total = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(histogram);
        if (!total.find()) {
            throw new IOException("no total in the class histogram: " + histogram.lines().reduce((a, b) -> b));
        }
        long heapBytes = Long.parseLong(total.group(1));
        return new long[] {heapBytes, settledRssKib(jcmd, pid) * 1024};
    }

    /**
     * RSS once freed native memory has been handed back and stays handed back. The JIT compiler frees its arenas on a
     * timer of a few seconds, so one trim may come before the next release: trim every second until RSS has not
     * dropped by more than {@link #RSS_SETTLED_KIB} over {@link #RSS_SETTLE_SECONDS} seconds (at most 30 s).
     */
    private static long settledRssKib(String jcmd, long pid) throws Exception {
        var readings = new ArrayList<Long>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            run(jcmd, Long.toString(pid), "System.trim_native_heap");
            readings.add(rssKib(pid));
            int n = readings.size();
            boolean settled = n > RSS_SETTLE_SECONDS
                    && readings.get(n - 1 - RSS_SETTLE_SECONDS) - readings.get(n - 1) <= RSS_SETTLED_KIB;
            if (settled || System.nanoTime() > deadline) {
                return readings.get(n - 1);
            }
            Thread.sleep(1000); // the pace of the readings, not a wait for an event
        }
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }
}
