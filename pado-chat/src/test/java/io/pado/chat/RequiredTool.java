package io.pado.chat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine: a program (Debian package) or a condition. When it is missing the test is
 * skipped with a message that names it; under {@code PADO_REQUIRE_TOOLS=1}, which {@code scripts/test} sets after it
 * installed everything, the test fails instead, so that a strict run cannot pass by skipping.
 */
final class RequiredTool {
    /** The environment variable that turns a skip into a failure. */
    static final String REQUIRE = "PADO_REQUIRE_TOOLS";

    private RequiredTool() {
    }

    /** The program's path (on the PATH, or in /usr/sbin and /sbin); skips or fails the test when it is absent. */
    static Path check(String program, String debianPackage) {
        Optional<Path> found = find(program);
        checkThat(found.isPresent(), program + " is not installed (Debian package " + debianPackage
                + "; scripts/test installs it)");
        return found.orElseThrow();
    }

    /** Skips or fails the test unless {@code met}; {@code missing} says what is missing. */
    static void checkThat(boolean met, String missing) {
        if (met) {
            return;
        }
        if (!System.getenv().getOrDefault(REQUIRE, "").isEmpty()) {
            throw new AssertionError(missing + "; " + REQUIRE + " is set, so this fails instead of skipping");
        }
        System.err.println("SKIPPED: " + missing);
        Assumptions.abort(missing);
    }

    /** The program's path, if it is installed. */
    static Optional<Path> find(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
