package io.pado.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A chat node in a JVM of its own, so that a test can kill it (SIGKILL: no shutdown hook, no goodbye to Redis) in the
 * middle of traffic. {@link #main} is what runs in the child; {@link #start} starts one and waits (with a deadline)
 * for the line with its port.
 */
final class ChildNode implements AutoCloseable {
    private final Process process;
    final int port;

    private ChildNode(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static ChildNode start(URI redis, Duration presenceTtl, int historySize) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                ChildNode.class.getName(), redis.toString(), Long.toString(presenceTtl.toMillis()),
                Integer.toString(historySize))).redirectErrorStream(true).start();
        var port = new CompletableFuture<Integer>();
        var log = new StringBuilder();
        Thread.ofPlatform().name("child-node-log").daemon().start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    if (line.startsWith("port ")) {
                        port.complete(Integer.parseInt(line.substring(5).trim()));
                    }
                }
                port.completeExceptionally(new IOException("the child node ended before it listened"));
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
        });
        try {
            return new ChildNode(process, port.get(TestClient.TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            synchronized (log) {
                throw new IOException("the child node did not start: " + log, e);
            }
        }
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the child node outlived SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    /** In the child: REDIS_URI PRESENCE_TTL_MILLIS HISTORY_SIZE; prints "port N" and serves until killed. */
    public static void main(String[] args) throws Exception {
        var options = ChatOptions.builder().port(0).rate(100_000, 100_000, 100_000)
                .historySize(Integer.parseInt(args[2])).broker(URI.create(args[0]))
                .presenceTtl(Duration.ofMillis(Long.parseLong(args[1]))).build();
        try (var chat = ChatServer.start(options)) {
            System.out.println("port " + chat.port());
            System.out.flush();
            new CountDownLatch(1).await(); // until killed
        }
    }
}
