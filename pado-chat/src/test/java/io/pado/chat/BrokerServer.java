package io.pado.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway broker for tests: Debian's {@code redis-server} (AOF, {@code appendfsync always}) or
 * {@code nats-server -js}, on 127.0.0.1 and a free port, its data in a fresh directory under {@code target/}. Ready
 * when it logs so (awaited with a deadline); {@link #kill} is SIGKILL and {@link #restart} starts it again on the
 * same port and data, so what it acknowledged is still there. A test whose program is missing is skipped with a
 * message naming it, unless {@code PADO_REQUIRE_TOOLS=1} (then it fails).
 */
final class BrokerServer implements AutoCloseable {
    enum Kind { REDIS, NATS }

    final Kind kind;
    final int port;
    final Path dir;
    final URI uri;
    private Process process;

    private BrokerServer(Kind kind, int port, Path dir) {
        this.kind = kind;
        this.port = port;
        this.dir = dir;
        this.uri = URI.create((kind == Kind.NATS ? "nats" : "redis") + "://127.0.0.1:" + port);
    }

    static BrokerServer redis() throws IOException {
        return start(Kind.REDIS);
    }

    static BrokerServer nats() throws IOException {
        return start(Kind.NATS);
    }

    static BrokerServer start(Kind kind) throws IOException {
        require(kind == Kind.NATS ? "nats-server" : "redis-server");
        Path dir = Path.of("target", "brokers", kind.name().toLowerCase() + "-" + System.nanoTime());
        Files.createDirectories(dir);
        var server = new BrokerServer(kind, freePort(), dir);
        server.restart();
        return server;
    }

    /** Skips the test (fails it under {@code PADO_REQUIRE_TOOLS=1}) if {@code program} is not installed. */
    static void require(String program) {
        RequiredTool.check(program, program);
    }

    private static int freePort() throws IOException {
        // Neither server has "port 0": take a free port from the kernel and hand it over.
        try (var probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        }
    }

    private List<String> command() {
        if (kind == Kind.NATS) {
            return List.of("nats-server", "-js", "-sd", dir.toString(), "-p", Integer.toString(port), "-a",
                    "127.0.0.1", "-m", "0");
        }
        return new ArrayList<>(List.of("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--save", "", "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always"));
    }

    /** Starts it (again, after a {@link #kill}) on the same port and data. */
    BrokerServer restart() throws IOException {
        Process p = new ProcessBuilder(command()).redirectErrorStream(true).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        String readyLine = kind == Kind.NATS ? "Server is ready" : "Ready to accept connections";
        var ready = new CompletableFuture<Void>();
        var log = new StringBuilder();
        Thread.ofPlatform().name("broker-log-" + port).daemon().start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    if (line.contains(readyLine)) {
                        ready.complete(null);
                    }
                }
                ready.completeExceptionally(new IOException(kind + " ended before it was ready"));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        });
        try {
            ready.get(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            synchronized (log) {
                throw new IOException(kind + " on port " + port + " did not start: " + log, e);
            }
        }
        process = p;
        return this;
    }

    /** SIGKILL: no goodbye. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
