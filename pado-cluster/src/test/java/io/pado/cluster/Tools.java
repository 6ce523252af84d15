package io.pado.cluster;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the tests need from the machine: programs on the PATH (skipped with a message naming the program, unless
 * {@code PADO_REQUIRE_TOOLS=1}, which makes a missing one fail), free loopback ports, and a directory under
 * {@code target/}.
 */
final class Tools {
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private Tools() {
    }

    /** Skips the test (or fails it under {@code PADO_REQUIRE_TOOLS=1}) if {@code program} is not on the PATH. */
    static void require(String program) {
        boolean found = onPath(program);
        if (!found && "1".equals(System.getenv("PADO_REQUIRE_TOOLS"))) {
            throw new AssertionError(program + " is not on the PATH and PADO_REQUIRE_TOOLS=1");
        }
        assumeTrue(found, "skipped: needs " + program + " on the PATH (set PADO_REQUIRE_TOOLS=1 to fail instead)");
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    static int freePort() throws IOException {
        try (var probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        }
    }

    /** A fresh directory under target/ (surefire passes it as PADO_TEST_TARGET). */
    static Path dir(String name) throws IOException {
        String target = System.getenv().getOrDefault("PADO_TEST_TARGET", "target");
        Path dir = Path.of(target, "brokers", name + "-" + System.nanoTime());
        Files.createDirectories(dir);
        return dir;
    }

    /** Waits for a condition, failing with {@code what} after the timeout; polls every 10 ms. */
    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + TIMEOUT + ": " + what);
            }
            Thread.sleep(10); // polling a condition with a deadline, not synchronising by sleep
        }
    }
}
