package io.pado.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pado.Handler;
import io.pado.Server;
import io.pado.ServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code pado connect} at the end of stdin: it waits for the replies still coming before it closes (issue #19).
 * Against echo servers of three libraries, each in its own process: python-websockets stops sending once it has a
 * Close, so a client that closes at stdin EOF loses the echoes still on their way.
 */
class ConnectLingerTest {
    /** One line of 1 MiB: its echo takes the servers a while, and it is within every default message limit. */
    static final String BIG = "x".repeat(1 << 20);
    static final String INPUT = "hello\n" + BIG + "\nlast\n";

    @Nested
    class PrintsEveryEcho {
        @Test
        void fromPythonWebsockets() throws Exception {
            try (var server = PeerServer.pythonWebsockets()) {
                assertEveryEcho(connect(INPUT, server.url("/")));
            }
        }

        @Test
        void fromNodeWs() throws Exception {
            try (var server = PeerServer.nodeWs()) {
                assertEveryEcho(connect(INPUT, server.url("/")));
            }
        }

        @Test
        void fromPado() throws Exception {
            try (var server = PeerServer.pado("/echo")) {
                assertEveryEcho(connect(INPUT, server.url("/echo")));
            }
        }

        private static void assertEveryEcho(CliTest.Run run) {
            assertThat(run.err()).contains("closed 1000");
            assertThat(run.status()).as(run.err()).isZero();
            List<String> lines = run.out().lines().toList();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).isEqualTo("hello");
            assertThat(lines.get(1)).as("the 1 MiB echo").hasSize(BIG.length()).isEqualTo(BIG);
            assertThat(lines.get(2)).isEqualTo("last");
        }
    }

    @Nested
    class EndsWhenQuiet {
        /** A server that reads and never answers: the count of replies is never reached, the quiet time is. */
        @Test
        void closesAfterTheLingerWhenRepliesStopComing() throws Exception {
            try (var sink = new Sink()) {
                CliTest.Run run = connect("one\ntwo\n", "--linger", "1s", sink.url());
                assertThat(run.status()).as(run.err()).isZero();
                assertThat(run.out()).isEmpty();
                assertThat(run.err()).contains("waiting", "closed 1000");
                // The client's quiet time starts when its last send is written, the server's clock when its handler
                // sees the message: up to half a second for that delivery on a loaded machine.
                assertThat(sink.millisFromLastMessageToClose()).as("waited for the quiet time")
                        .isGreaterThanOrEqualTo(500);
            }
        }

        @Test
        void noLingerClosesAtOnce() throws Exception {
            try (var sink = new Sink()) {
                CliTest.Run run = connect("one\n", "--no-linger", sink.url());
                assertThat(run.status()).as(run.err()).isZero();
                assertThat(run.err()).contains("closed 1000").doesNotContain("waiting");
                assertThat(sink.millisFromLastMessageToClose()).isNotNegative();
            }
        }

        @Test
        void rejectsAMalformedOrContradictoryLinger() throws Exception {
            CliTest.Run run = connect("", "--linger", "soon", "ws://127.0.0.1:1/");
            assertThat(run.status()).isEqualTo(2);
            assertThat(run.err()).contains("soon");
            run = connect("", "--no-linger", "--linger", "2s", "ws://127.0.0.1:1/");
            assertThat(run.status()).isEqualTo(2);
            assertThat(run.err()).contains("--no-linger", "--linger");
        }
    }

    @Test
    void helpDescribesTheLinger() throws Exception {
        CliTest.Run run = connect("", "--help");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("--linger=DURATION", "--no-linger", "default 1s");
    }

    @Test
    void durationsReadAsUsersWriteThem() {
        var converter = new DurationConverter();
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(converter.convert("2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("PT0.25S")).isEqualTo(Duration.ofMillis(250));
        assertThat(converter.convert("0")).isZero();
        for (String bad : List.of("", "-1s", "1h", "PT-1S", "1 s s")) {
            assertThatThrownBy(() -> converter.convert(bad)).isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessageContaining("not a duration");
        }
    }

    /** An in-process pado server that reads and never answers, and times the client's Close. */
    static final class Sink implements AutoCloseable {
        private final Server server;
        private volatile long lastMessageNanos; // handler threads
        private final CompletableFuture<Long> gapMillis = new CompletableFuture<>();

        Sink() throws IOException {
            server = Server.create(ServerOptions.builder().port(0).build()).endpoint("/sink", new Handler() {
                @Override
                public void onText(io.pado.WebSocket ws, String text) {
                    lastMessageNanos = System.nanoTime();
                }

                @Override
                public void onClose(io.pado.WebSocket ws, int code, String reason) {
                    gapMillis.complete((System.nanoTime() - lastMessageNanos) / 1_000_000);
                }
            }).start();
        }

        String url() {
            return "ws://127.0.0.1:" + server.port() + "/sink";
        }

        long millisFromLastMessageToClose() throws Exception {
            return gapMillis.get(CliTest.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            server.stop();
        }
    }

    /** Runs {@code pado connect ARGS URL}, feeding {@code stdin} from another thread, with a deadline. */
    static CliTest.Run connect(String stdin, String... args) throws Exception {
        var command = new java.util.ArrayList<String>(List.of("connect"));
        command.addAll(List.of(args));
        Process p = CliTest.pado(command.toArray(String[]::new)).start();
        var fed = CompletableFuture.runAsync(() -> {
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // pado exited before reading all of stdin (bad usage): its status tells
            }
        }, r -> Thread.ofVirtual().start(r));
        var out = readAll(p.getInputStream());
        var err = readAll(p.getErrorStream());
        boolean exited = p.waitFor(CliTest.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        assertThat(exited).as("pado connect exits within " + CliTest.TIMEOUT_SECONDS + " s").isTrue();
        fed.get(CliTest.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return new CliTest.Run(p.exitValue(), out.get(CliTest.TIMEOUT_SECONDS, TimeUnit.SECONDS),
                err.get(CliTest.TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    private static CompletableFuture<String> readAll(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
    }
}
