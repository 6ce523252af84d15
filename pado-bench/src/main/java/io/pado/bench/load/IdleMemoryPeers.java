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

/**
 * Memory per idle WebSocket on the echo servers of {@link EchoServers} (pado and its peers), measured the same way
 * for all: the server runs in a child JVM with a fixed, pre-touched heap (so RSS growth is native memory); N
 * connections are opened with raw sockets, each sends one 2 KiB message (compressed with permessage-deflate in the
 * "-deflate" runs) and reads its echo. The child's heap in use after a full GC ({@code jcmd GC.run} and
 * {@code GC.heap_info}) and its RSS ({@code /proc/PID/status}) are read when half of the connections are open and
 * again when all are: the growth over the second half, per connection, is the cost of one more idle connection. The
 * first half absorbs one-time costs that would otherwise be counted per connection (the JIT compiler's arenas, which
 * alone are megabytes of RSS; pools; tables growing).
 *
 * <p>Usage: {@code IdleMemoryPeers CONNECTIONS SERVER...}, servers as {@link EchoServers} names them, e.g.
 * {@code pado pado-deflate netty netty-deflate jetty jetty-deflate} ({@code jetty-deflate} is the {@code jetty}
 * server offered compression). Prints a Markdown table. Loopback only.
 */
public final class IdleMemoryPeers {
    private static final int PAYLOAD_BYTES = 2048;

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
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        var command = new ArrayList<String>();
        if (Files.isExecutable(Path.of("/usr/bin/taskset"))) {
            command.addAll(List.of("taskset", "-c", "0"));
        }
        command.addAll(List.of(javaBin, "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-XX:+UseParallelGC",
                "-cp", System.getProperty("java.class.path"), EchoServers.class.getName(), kind,
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
            for (int i = 0; i < 50; i++) { // warm up: load classes and pools
                connect(port, deflate).close();
            }
            for (int i = 0; i < connections / 2; i++) {
                open.add(connect(port, deflate));
            }
            long[] half = memory(server.pid());
            for (int i = connections / 2; i < connections; i++) {
                open.add(connect(port, deflate));
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

    /** An upgraded connection that has sent one message and read its echo. */
    private static Socket connect(int port, boolean deflate) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
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

    /** The child's heap in use after a full GC, and its RSS, in bytes. */
    private static long[] memory(long pid) throws Exception {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        run(jcmd.toString(), Long.toString(pid), "GC.run");
        String heapInfo = run(jcmd.toString(), Long.toString(pid), "GC.heap_info");
        long heapKib = 0;
        Matcher m = Pattern.compile("used (\\d+)K").matcher(heapInfo);
        while (m.find()) {
            heapKib += Long.parseLong(m.group(1)); // ParallelGC prints young and old generations
        }
        long rssKib = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rssKib = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return new long[] {heapKib * 1024, rssKib * 1024};
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
