package io.pado.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pado.chat.ChatOptions;
import io.pado.chat.ChatServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code pado} command as a user runs it: a separate JVM, lines on stdin, output and exit status checked. */
class CliTest {
    static final long TIMEOUT_SECONDS = 30;

    record Run(int status, String out, String err) {
    }

    static ProcessBuilder pado(String... args) {
        var command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Pado.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    static Run run(String stdin, String... args) throws Exception {
        Process p = pado(args).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("pado exits").isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /**
     * Like {@link #run}, but keeps stdin open until stdout shows every one of {@code awaited}, as a person at a
     * terminal would: the chat answers through its topics, so a reply may come after the end of stdin has closed the
     * connection, and the count of replies that {@code --linger} waits for includes the chat's own greetings.
     */
    static Run runUntil(String stdin, List<String> awaited, String... args) throws Exception {
        Process p = pado(args).start();
        var lines = new LinkedBlockingQueue<String>();
        Thread reader = Thread.ofVirtual().start(() -> p.inputReader(StandardCharsets.UTF_8).lines()
                .forEach(lines::add));
        var err = new CompletableFuture<byte[]>();
        Thread.ofVirtual().start(() -> {
            try {
                err.complete(p.getErrorStream().readAllBytes());
            } catch (IOException e) {
                err.completeExceptionally(e);
            }
        });
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        var out = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!awaited.stream().allMatch(out.toString()::contains) && p.isAlive() && System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                out.append(line).append('\n');
            }
        }
        p.getOutputStream().close();
        assertThat(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("pado exits").isTrue();
        reader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        lines.forEach(line -> out.append(line).append('\n'));
        String errText = new String(err.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        return new Run(p.exitValue(), out.toString(), errText);
    }

    @Test
    void connectTalksTheChatSubprotocol() throws Exception {
        try (var chat = ChatServer.start(ChatOptions.builder().port(0).build())) {
            var replies = List.of("* welcome", "cli: hello from the terminal", "* in #lobby: cli");
            Run run = runUntil("/nick cli\nhello from the terminal\n/who\n", replies, "connect", "-s", "chat",
                    "ws://127.0.0.1:" + chat.port() + "/chat");
            assertThat(run.status()).isZero();
            assertThat(run.out()).contains(replies);
            assertThat(run.err()).contains("subprotocol chat", "closed 1000");
        }
    }

    @Test
    void connectExitsWith1WhenRefusedBySubprotocolOrForeignOrigin() throws Exception {
        try (var chat = ChatServer.start(ChatOptions.builder().port(0).build())) {
            String url = "ws://127.0.0.1:" + chat.port() + "/chat";
            Run none = run("", "connect", "-s", "mqtt", url);
            assertThat(none.status()).isEqualTo(1);
            assertThat(none.err()).contains("400");
            Run foreign = run("", "connect", "-s", "chat", "--origin", "https://evil.example", url);
            assertThat(foreign.status()).isEqualTo(1);
            assertThat(foreign.err()).contains("403");
        }
    }

    @Test
    void serveEchoesTextAndHexAndConnectPrintsIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("index.html"), "<p>static");
        Process server = pado("serve", "--port", "0", "--dir", dir.toString()).start();
        try {
            String first = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertThat(first).startsWith("pado serve: echo on ws://127.0.0.1:");
            String url = first.substring(first.indexOf("ws://"), first.indexOf(','));

            Run text = run("one\ntwo\n", "connect", "--ping", "0.05", url);
            assertThat(text.status()).isZero();
            assertThat(text.out()).isEqualTo("one\ntwo\n");
            Run hex = run("00ff10\n", "connect", "--hex", "--close", "4000", url);
            assertThat(hex.status()).isZero();
            assertThat(hex.out()).isEqualTo("00ff10\n");

            String page = url.replace("ws://", "http://");
            try (var in = java.net.URI.create(page).toURL().openStream()) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("<p>static");
            }
        } finally {
            server.destroy(); // SIGTERM: the shutdown hook stops the server
            assertThat(server.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void connectThroughAProxyThatRefusesExitsWith1() throws Exception {
        try (var proxy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var head = new CompletableFuture<String>();
            Thread.ofVirtual().start(() -> {
                try (var s = proxy.accept()) {
                    var in = s.getInputStream();
                    var text = new StringBuilder();
                    while (!text.toString().endsWith("\r\n\r\n") && text.length() < 4096) {
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        text.append((char) b);
                    }
                    head.complete(text.toString());
                    s.getOutputStream().write("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    head.completeExceptionally(e);
                }
            });
            Run run = run("", "connect", "--proxy", "http://u:p@127.0.0.1:" + proxy.getLocalPort(),
                    "ws://server.invalid:9/x");
            assertThat(run.status()).isEqualTo(1);
            assertThat(run.err()).contains("proxy refused with HTTP 407");
            assertThat(head.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).startsWith("CONNECT server.invalid:9 HTTP/1.1")
                    .contains("Proxy-Authorization: Basic dTpw");
        }
    }

    @Test
    void connectWithReconnectEchoesAndEndsWithStdin() throws Exception {
        try (var chat = ChatServer.start(ChatOptions.builder().port(0).build())) {
            Run run = runUntil("/nick again\nhi\n", List.of("again: hi"), "connect", "--reconnect", "-s", "chat",
                    "ws://127.0.0.1:" + chat.port() + "/chat");
            assertThat(run.status()).isZero();
            assertThat(run.out()).contains("again: hi");
            assertThat(run.err()).contains("* open", "closed 1000");
        }
    }

    @Test
    void connectToNothingExitsWith1() throws Exception {
        Run run = run("", "connect", "--timeout", "2", "ws://127.0.0.1:1/");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("could not connect");
    }

}
