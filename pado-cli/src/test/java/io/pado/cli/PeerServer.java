package io.pado.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A WebSocket server of another library, run as a separate process from a script in {@code src/test/resources/peers}:
 * it prints its port on the first line of stdout and runs until destroyed. Its stderr goes to a log under
 * {@code target/peers}. A missing tool skips the test, naming it, unless {@code PADO_REQUIRE_TOOLS=1}, when it fails.
 */
final class PeerServer implements AutoCloseable {
    private static final long START_SECONDS = 30;
    private static final long NPM_SECONDS = 180;

    private final Process process;
    final int port;

    private PeerServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** python-websockets' echo server ({@code echo_server.py}), with a python3 that has the module. */
    static PeerServer pythonWebsockets() throws Exception {
        String python = pythonWith("websockets").orElse(null);
        require(python != null, "python3 with the websockets module (apt-get install python3-websockets)");
        return start("python-websockets", List.of(python, script("echo_server.py").toString()), Map.of());
    }

    /** node's {@code ws} echo server ({@code echo_server.cjs}); {@code ws} is installed with npm under target/. */
    static PeerServer nodeWs() throws Exception {
        require(onPath("node"), "node (apt-get install nodejs)");
        Path modules = npmInstall("ws@8");
        return start("node-ws", List.of("node", script("echo_server.cjs").toString()),
                Map.of("NODE_PATH", modules.toString()));
    }

    /** pado's own echo server, {@code pado serve}, in another JVM. */
    static PeerServer pado(String path) throws Exception {
        Process p = CliTest.pado("serve", "--port", "0", "--path", path).redirectError(log("pado-serve")).start();
        String first = firstLine(p, "pado serve");
        assertThat(first).startsWith("pado serve: echo on ws://127.0.0.1:");
        return new PeerServer(p, java.net.URI.create(first.substring(first.indexOf("ws://")).split("[ ,]")[0])
                .getPort());
    }

    String url(String path) {
        return "ws://127.0.0.1:" + port + path;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(START_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static PeerServer start(String name, List<String> command, Map<String, String> env) throws Exception {
        var builder = new ProcessBuilder(command).redirectError(log(name));
        builder.environment().putAll(env);
        Process p = builder.start();
        String first = firstLine(p, name);
        try {
            return new PeerServer(p, Integer.parseInt(first.trim()));
        } catch (NumberFormatException e) {
            p.destroyForcibly();
            throw new AssertionError(name + " printed no port: " + first, e);
        }
    }

    /** The first stdout line of {@code p}, waited for with a deadline; the process is killed if it never comes. */
    private static String firstLine(Process p, String name) throws Exception {
        var line = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        try {
            String first = line.get(START_SECONDS, TimeUnit.SECONDS);
            if (first == null) {
                throw new AssertionError(name + " exited before listening, status " + p.waitFor() + "; see "
                        + log(name).file());
            }
            return first;
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** Where a server's stderr goes: target/peers/NAME.log. */
    private static ProcessBuilder.Redirect log(String name) throws IOException {
        Path dir = Files.createDirectories(target().resolve("peers"));
        return ProcessBuilder.Redirect.to(dir.resolve(name + ".log").toFile());
    }

    /** Installs {@code pkg} once into target/peers/node (kept between runs until {@code mvn clean}). */
    private static Path npmInstall(String pkg) throws Exception {
        Path prefix = target().resolve("peers").resolve("node");
        String name = pkg.substring(0, pkg.lastIndexOf('@'));
        Path modules = prefix.resolve("node_modules");
        if (Files.isRegularFile(modules.resolve(name).resolve("package.json"))) {
            return modules;
        }
        require(onPath("npm"), "npm (apt-get install npm)");
        Files.createDirectories(prefix);
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix",
                prefix.toString(), pkg).redirectErrorStream(true).redirectOutput(log("npm")).start();
        boolean exited = npm.waitFor(NPM_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            npm.destroyForcibly();
        }
        require(exited && npm.exitValue() == 0 && Files.isDirectory(modules.resolve(name)),
                "node's " + name + " module (npm install " + pkg + " failed; see " + log("npm").file() + ")");
        return modules;
    }

    /** A python3 on PATH or Debian's, whichever imports {@code module} first. */
    private static Optional<String> pythonWith(String module) throws InterruptedException {
        for (String python : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import " + module).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(START_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(python);
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // no such interpreter: try the next one
            }
        }
        return Optional.empty();
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        List<Path> dirs = new ArrayList<>();
        for (String dir : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                dirs.add(Path.of(dir));
            }
        }
        return dirs.stream().anyMatch(d -> Files.isExecutable(d.resolve(tool)));
    }

    /** Skips the test when {@code available} is false, or fails it if the environment requires every tool. */
    static void require(boolean available, String what) {
        if (available) {
            return;
        }
        if ("1".equals(System.getenv("PADO_REQUIRE_TOOLS"))) {
            fail("needs " + what + ", and PADO_REQUIRE_TOOLS=1");
        }
        Assumptions.assumeTrue(false, "needs " + what);
    }

    private static Path script(String name) throws URISyntaxException {
        var url = PeerServer.class.getResource("/peers/" + name);
        assertThat(url).as("test resource peers/" + name).isNotNull();
        return Path.of(url.toURI());
    }

    /** This module's target directory (the parent of target/test-classes). */
    static Path target() {
        try {
            return Path.of(PeerServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
