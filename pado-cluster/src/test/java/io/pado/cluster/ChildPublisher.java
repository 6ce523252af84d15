package io.pado.cluster;

import io.pado.Server;
import io.pado.ServerOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A node in a JVM of its own that publishes, so that a test can SIGKILL it mid-traffic. {@link #main} runs in the
 * child: {@code BROKER TOPIC COUNT}; it publishes COUNT messages, a few hundred a second, and prints {@code ack
 * OFFSET DATA} for each acknowledgement. The parent reads those lines: what was acked must survive the kill.
 */
final class ChildPublisher implements AutoCloseable {
    private final Process process;
    final Set<Long> acked = ConcurrentHashMap.newKeySet();
    private final StringBuilder log = new StringBuilder();

    private ChildPublisher(Process process) {
        this.process = process;
    }

    static ChildPublisher start(URI broker, String topic, int count) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                ChildPublisher.class.getName(), broker.toString(), topic, Integer.toString(count)))
                .redirectErrorStream(true).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        var child = new ChildPublisher(p);
        Thread.ofPlatform().name("child-publisher-log").daemon().start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith("ack ")) {
                        child.acked.add(Long.parseLong(line.split(" ")[1]));
                    } else {
                        synchronized (child.log) {
                            child.log.append(line).append('\n');
                        }
                    }
                }
            } catch (IOException e) {
                // the child died: that is the point
            }
        });
        return child;
    }

    String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    /** SIGKILL, and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the child outlived SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    public static void main(String[] args) throws Exception {
        URI broker = URI.create(args[0]);
        String topic = args[1];
        int count = Integer.parseInt(args[2]);
        try (Server server = Server.create(ServerOptions.builder().port(0).build()).start();
                Topics topics = Topics.start(server, TopicsOptions.builder().broker(broker).build())) {
            var done = new CountDownLatch(count);
            for (int i = 0; i < count; i++) {
                String data = "child-" + i;
                topics.publish(topic, data).whenComplete((p, e) -> {
                    if (e == null) {
                        System.out.println("ack " + p.offset() + " " + data);
                    }
                    done.countDown();
                });
                TimeUnit.MICROSECONDS.sleep(2000); // pacing: a few hundred a second, not synchronisation
            }
            done.await(60, TimeUnit.SECONDS);
        }
    }
}
