package io.pado.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A broker server for tests, started as a child process on 127.0.0.1 and a free port, with its data under
 * {@code target/}: {@code nats-server -js} or {@code redis-server} (AOF, {@code appendfsync always}). Ready when it
 * logs that it is (awaited with a deadline); {@link #kill} is SIGKILL; {@link #restart} starts it again on the same
 * port and data. Every process is killed on {@link #close}, and at JVM exit if a test forgot.
 */
final class BrokerProcess implements AutoCloseable {
    enum Kind { NATS, REDIS }

    final Kind kind;
    final int port;
    final Path dir;
    private final List<String> extra;
    private Process process;
    private final StringBuilder log = new StringBuilder();

    private BrokerProcess(Kind kind, int port, Path dir, List<String> extra) {
        this.kind = kind;
        this.port = port;
        this.dir = dir;
        this.extra = extra;
    }

    static BrokerProcess nats() throws IOException {
        Tools.require("nats-server");
        return new BrokerProcess(Kind.NATS, Tools.freePort(), Tools.dir("nats"), List.of()).start();
    }

    static BrokerProcess redis() throws IOException {
        Tools.require("redis-server");
        return new BrokerProcess(Kind.REDIS, Tools.freePort(), Tools.dir("redis"), List.of()).start();
    }

    /** A Redis in cluster mode, not yet part of a cluster (see {@link RedisCluster}). */
    static BrokerProcess redisClusterNode(Path dir) throws IOException {
        return new BrokerProcess(Kind.REDIS, Tools.freePort(), dir, List.of("--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000")).start();
    }

    URI uri() {
        return URI.create((kind == Kind.NATS ? "nats" : "redis") + "://127.0.0.1:" + port);
    }

    private List<String> command() {
        var command = new ArrayList<String>();
        if (kind == Kind.NATS) {
            command.addAll(List.of("nats-server", "-js", "-sd", dir.toString(), "-p", Integer.toString(port), "-a",
                    "127.0.0.1", "-m", "0"));
        } else {
            command.addAll(List.of("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port), "--dir",
                    dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "always"));
        }
        command.addAll(extra);
        return command;
    }

    private BrokerProcess start() throws IOException {
        Process p = new ProcessBuilder(command()).redirectErrorStream(true).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        String ready = kind == Kind.NATS ? "Server is ready" : "Ready to accept connections";
        var up = new CompletableFuture<Void>();
        Thread.ofPlatform().name("broker-log-" + port).daemon().start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    if (line.contains(ready)) {
                        up.complete(null);
                    }
                }
                up.completeExceptionally(new IOException(kind + " ended before it was ready"));
            } catch (IOException e) {
                up.completeExceptionally(e);
            }
        });
        try {
            up.get(Tools.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException(kind + " on port " + port + " did not start: " + log(), e);
        }
        process = p;
        return this;
    }

    String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    /** SIGKILL: no goodbye, nothing flushed that was not already written. */
    void kill() throws InterruptedException {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts it again on the same port and data after a {@link #kill}. */
    void restart() throws IOException {
        start();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
