package io.pado.bench;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.Handler;
import io.pado.HttpResponse;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import io.pado.Compression;
import io.pado.ConnectionOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Memory per idle WebSocket on a pado server, without compression and in each permessage-deflate mode. For each
 * mode it starts a server in a child JVM (pinned to CPU 0 when taskset exists), opens N connections from this JVM,
 * sends one compressible 2 KiB message on each and waits for its echo (so per-connection codecs exist), then reads
 * the server's heap in use after a full GC and its resident set size when half of the connections are open and when
 * all are: the growth over the second half, per connection, is the cost of one more idle connection (the first half
 * absorbs one-time costs such as the JIT compiler's arenas). The server's heap is fixed and pre-touched, so the growth
 * of its RSS is native memory (zlib, direct buffers), not heap.
 *
 * <p>Usage: {@code IdleMemory [connections]} (default 2000). Every socket is on 127.0.0.1.
 */
public final class IdleMemory {
    private static final String[] MODES = {"plain", "POOLED", "CONTEXT_TAKEOVER"};

    private IdleMemory() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("server")) {
            serve(args[1]);
            return;
        }
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        System.out.printf("| mode | connections | heap per connection | RSS per connection |%n|---|---:|---:|---:|%n");
        for (String mode : MODES) {
            measure(mode, connections);
        }
    }

    private static ConnectionOptions connection(String mode) {
        if (mode.equals("plain")) {
            return ConnectionOptions.DEFAULT;
        }
        var compression = Compression.DEFAULT.withMemory(Compression.Memory.valueOf(mode));
        return ConnectionOptions.builder().compression(compression).build();
    }

    /** The child: an echo server that reports its memory at GET /memory. */
    private static void serve(String mode) throws Exception {
        Server server = Server.create(ServerOptions.builder().eventLoops(1).connection(connection(mode))
                        .unlimitedHandshakeRate() // it opens thousands of connections at once
                        .build())
                .endpoint("/echo", new Handler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText(text);
                    }
                })
                .http(request -> {
                    System.gc();
                    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    return HttpResponse.text(200, heap + " " + residentBytes() + "\n");
                })
                .start();
        System.out.println("ready " + server.port());
        System.out.flush();
        new CountDownLatch(1).await(10, TimeUnit.MINUTES); // the parent kills us long before
    }

    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    private static void measure(String mode, int connections) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        var command = new ArrayList<String>();
        if (Files.isExecutable(Path.of("/usr/bin/taskset"))) {
            command.addAll(List.of("taskset", "-c", "0"));
        }
        command.addAll(List.of(java, "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-cp",
                System.getProperty("java.class.path"), IdleMemory.class.getName(), "server", mode));
        Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            var out = new BufferedReader(new InputStreamReader(server.getInputStream()));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("ready ")) {
                // skip log lines until the server says where it listens
            }
            if (line == null) {
                throw new IllegalStateException("server for " + mode + " did not start");
            }
            int port = Integer.parseInt(line.substring(6).trim());
            var http = HttpClient.newHttpClient();
            URI memoryUri = URI.create("http://127.0.0.1:" + port + "/memory");
            URI echoUri = URI.create("ws://127.0.0.1:" + port + "/echo");
            String message = "pado wave 파도 ".repeat(150);
            try (Client client = Client.create(ClientOptions.builder().connection(connection(mode)).build())) {
                openAndClose(client, echoUri, message, 100); // warm up: classes, pools
                var open = new ArrayList<WebSocket>();
                var echoes = new CountDownLatch(connections);
                Handler counting = new Handler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        echoes.countDown();
                    }
                };
                long[] half = null;
                for (int i = 0; i < connections; i++) {
                    if (i == connections / 2) {
                        if (!awaitCount(echoes, connections - i)) {
                            throw new IllegalStateException("echoes missing: " + echoes.getCount());
                        }
                        half = memory(http, memoryUri);
                    }
                    WebSocket ws = client.connect(echoUri, counting).get(10, TimeUnit.SECONDS);
                    ws.sendText(message);
                    open.add(ws);
                }
                if (!echoes.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("echoes missing: " + echoes.getCount());
                }
                long[] all = memory(http, memoryUri);
                int measured = connections - connections / 2;
                System.out.printf("| %s | %d | %.2f KiB | %.2f KiB |%n", mode, connections,
                        (all[0] - half[0]) / 1024.0 / measured, (all[1] - half[1]) / 1024.0 / measured);
                for (WebSocket ws : open) {
                    ws.abort();
                }
            }
        } finally {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void openAndClose(Client client, URI uri, String message, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            var echoed = new CountDownLatch(1);
            WebSocket ws = client.connect(uri, new Handler() {
                @Override
                public void onText(WebSocket ws, String text) {
                    echoed.countDown();
                }
            }).get(10, TimeUnit.SECONDS);
            ws.sendText(message);
            echoed.await(10, TimeUnit.SECONDS);
            ws.close(1000, "").get(10, TimeUnit.SECONDS);
        }
    }

    /** Waits up to 60 s until {@code latch} is down to {@code count}. */
    private static boolean awaitCount(CountDownLatch latch, long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (latch.getCount() > count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1); // polling a count, bounded by the deadline
        }
        return true;
    }

    /** The server's heap in use after GC and its RSS, in bytes. */
    private static long[] memory(HttpClient http, URI uri) throws Exception {
        String body = http.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString()).body().trim();
        String[] parts = body.split(" ");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }
}
