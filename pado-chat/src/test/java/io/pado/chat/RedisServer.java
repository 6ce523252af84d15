package io.pado.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway {@code redis-server} (the Debian package) on 127.0.0.1, without persistence, for tests: started on a
 * free port, ready when it logs that it accepts connections (awaited with a deadline), killed on close.
 */
final class RedisServer implements AutoCloseable {
    private final Process process;
    final URI uri;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.uri = URI.create("redis://127.0.0.1:" + port);
    }

    static RedisServer start() throws IOException {
        int port;
        // redis-server has no "port 0": take a free port from the kernel and hand it over.
        try (var probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        Process process = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--save", "", "--appendonly", "no").redirectErrorStream(true).start();
        var ready = new CompletableFuture<Void>();
        var log = new StringBuilder();
        Thread.ofPlatform().name("redis-log-" + port).daemon().start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    if (line.contains("Ready to accept connections")) {
                        ready.complete(null);
                    }
                }
                ready.completeExceptionally(new IOException("redis-server ended before it was ready"));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        });
        try {
            ready.get(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            synchronized (log) {
                throw new IOException("redis-server on port " + port + " did not start: " + log, e);
            }
        }
        return new RedisServer(process, port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
