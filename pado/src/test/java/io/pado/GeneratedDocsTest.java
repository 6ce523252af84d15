package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The generated parts of README.md and docs/ are what {@code scripts/tables.py} makes: measured tables from the raw
 * results under docs/results/, and the guide's code blocks from the tagged regions of the example sources. A table
 * typed by hand, an edited example or a stale block fails here; {@code scripts/tables.py} rewrites them.
 */
class GeneratedDocsTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize(); // surefire runs in the module's directory

    @Test
    void docsAreWhatScriptsTablesMakes() throws IOException, InterruptedException {
        Path python = RequiredTool.check("python3", "python3");
        Process check = new ProcessBuilder(python.toString(), "scripts/tables.py", "--check").directory(ROOT.toFile())
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).as("scripts/tables.py --check ends").isTrue();
        assertThat(check.exitValue()).as("scripts/tables.py --check:%n%s", output).isZero();
    }
}
