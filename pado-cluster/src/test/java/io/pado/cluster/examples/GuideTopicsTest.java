package io.pado.cluster.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.Handler;
import io.pado.WebSocket;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the topics example of docs/GUIDE.md: two nodes on a real nats-server, and one node in memory. */
class GuideTopicsTest {

    @Test
    void aWatcherResumesOnAnotherNodeWithExactlyWhatItMissed() throws Exception {
        boolean found = false;
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            found |= Files.isExecutable(Path.of(d, "nats-server"));
        }
        if (!found && "1".equals(System.getenv("PADO_REQUIRE_TOOLS"))) {
            throw new AssertionError("nats-server is not on the PATH and PADO_REQUIRE_TOOLS=1");
        }
        assumeTrue(found, "skipped: needs nats-server on the PATH (set PADO_REQUIRE_TOOLS=1 to fail instead)");
        int port = io.pado.cluster.ExampleSupport.freePort();
        Path dir = Path.of("target", "brokers", "guide-" + System.nanoTime());
        Files.createDirectories(dir);
        Process nats = new ProcessBuilder("nats-server", "-js", "-sd", dir.toString(), "-p", Integer.toString(port),
                "-a", "127.0.0.1").redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        try {
            io.pado.cluster.ExampleSupport.awaitListening(port);
            URI broker = URI.create("nats://127.0.0.1:" + port);
            try (var one = Scoreboard.start(0, broker); var two = Scoreboard.start(0, broker);
                    var watcher = new ScoreWatcher(); var reporter = Reporter.to(two.port())) {
                watcher.connect(URI.create("ws://127.0.0.1:" + one.port() + "/scores"));
                reporter.goal("1-0");
                reporter.goal("1-1");
                awaitSeen(watcher, List.of("1-0", "1-1"));
                watcher.disconnect();
                reporter.goal("2-1"); // missed while away
                reporter.goal("3-1");
                watcher.connect(URI.create("ws://127.0.0.1:" + two.port() + "/scores")); // another node
                reporter.goal("3-2");
                awaitSeen(watcher, List.of("1-0", "1-1", "2-1", "3-1", "3-2"));
            }
        } finally {
            nats.destroyForcibly();
            nats.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void oneNodeInMemoryWorksTheSameWay() throws Exception {
        try (var board = Scoreboard.start(0, URI.create("memory:local")); var watcher = new ScoreWatcher();
                var reporter = Reporter.to(board.port())) {
            URI uri = URI.create("ws://127.0.0.1:" + board.port() + "/scores");
            reporter.goal("1-0");
            watcher.connect(uri); // the last 10 come first
            awaitSeen(watcher, List.of("1-0"));
            watcher.disconnect();
            reporter.goal("2-0");
            watcher.connect(uri);
            awaitSeen(watcher, List.of("1-0", "2-0"));
        }
    }

    static void awaitSeen(ScoreWatcher watcher, List<String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!watcher.seen.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(10); // polling a condition with a deadline
        }
        assertThat(watcher.seen).isEqualTo(expected);
    }

    /** Publishes goals through a node and waits until each is stored (acknowledged). */
    record Reporter(Client client, WebSocket ws, LinkedBlockingQueue<String> answers) implements AutoCloseable {
        static Reporter to(int port) {
            var answers = new LinkedBlockingQueue<String>();
            Client client = Client.create(ClientOptions.DEFAULT);
            WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + port + "/scores"), new Handler() {
                @Override
                public void onText(WebSocket ws, String text) {
                    answers.add(text);
                }
            }).join();
            return new Reporter(client, ws, answers);
        }

        void goal(String score) throws InterruptedException {
            ws.sendText("goal " + score);
            assertThat(answers.poll(15, TimeUnit.SECONDS)).startsWith("stored at ");
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
