package io.pado;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's tinyproxy, an independent HTTP proxy, started by a test on a free loopback port with a generated
 * configuration (never the system service). {@code scripts/test} installs it; see {@link RequiredTool}.
 */
final class Tinyproxy implements AutoCloseable {
    private static final long START_TIMEOUT_MILLIS = 10_000;

    private final Process process;
    private final int port;
    private final Path log;

    private Tinyproxy(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts tinyproxy in the foreground on 127.0.0.1, allowing CONNECT to any port, with {@code BasicAuth user
     * password} when {@code credentials} is {@code {user, password}}; waits until it accepts connections.
     */
    static Tinyproxy start(Path binary, Path dir, String... credentials) throws IOException, InterruptedException {
        int port;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // free now; tinyproxy binds it next (a race we accept in tests)
        }
        Path log = dir.resolve("tinyproxy-" + port + ".log");
        Path config = dir.resolve("tinyproxy-" + port + ".conf");
        // No ConnectPort line: CONNECT to every port is allowed. No User/PidFile: nothing outside dir.
        String text = "Port " + port + "\nListen 127.0.0.1\nTimeout 30\nMaxClients 50\nAllow 127.0.0.1\n"
                + "LogLevel Connect\nLogFile \"" + log + "\"\nDisableViaHeader Yes\n"
                + (credentials.length == 2 ? "BasicAuth " + credentials[0] + " " + credentials[1] + "\n" : "");
        Files.writeString(config, text);
        Process process = new ProcessBuilder(binary.toString(), "-d", "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("tinyproxy-" + port + ".out").toFile())
                .start();
        var proxy = new Tinyproxy(process, port, log);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (true) {
            try (var s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return proxy;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    proxy.close();
                    throw new IOException("tinyproxy did not start on port " + port + ": "
                            + Files.readString(dir.resolve("tinyproxy-" + port + ".out")), notYet);
                }
                process.waitFor(20, TimeUnit.MILLISECONDS); // a bounded pause between probes, or its exit
            }
        }
    }

    int port() {
        return port;
    }

    /** What tinyproxy logged so far. */
    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
