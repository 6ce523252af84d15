package io.pado.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway {@code redis-server} (the Debian package) on 127.0.0.1 for tests: started on a free port, ready when
 * it logs that it accepts connections (awaited with a deadline), killed on close. Without a directory it keeps
 * nothing on disk; with one it writes every command to its append-only file before answering ({@code appendfsync
 * always}), so that {@link #restart} after a kill finds everything it acknowledged.
 */
final class RedisServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;
    final URI uri;

    private RedisServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.uri = URI.create("redis://127.0.0.1:" + port);
    }

    static RedisServer start() throws IOException {
        return start(freePort(), null);
    }

    /** A Redis that keeps its data in {@code dir} across {@link #restart}s. */
    static RedisServer durable(Path dir) throws IOException {
        return start(freePort(), dir);
    }

    /** Kills this Redis (SIGKILL) and starts another on the same port and directory. */
    RedisServer restart() throws IOException, InterruptedException {
        close();
        return start(port, dir);
    }

    private static int freePort() throws IOException {
        // redis-server has no "port 0": take a free port from the kernel and hand it over.
        try (var probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        }
    }

    private static RedisServer start(int port, Path dir) throws IOException {
        var command = new ArrayList<>(List.of("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--save", ""));
        if (dir == null) {
            command.addAll(List.of("--appendonly", "no"));
        } else {
            command.addAll(List.of("--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always"));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
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
        return new RedisServer(process, port, dir);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
