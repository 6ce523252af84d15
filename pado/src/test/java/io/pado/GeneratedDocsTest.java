package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated parts of README.md and docs/ are what {@code scripts/tables.py} makes: measured tables from the raw
 * results under docs/results/, and the guide's code blocks from the tagged regions of the example sources. A table
 * typed by hand, an edited example or a stale block fails here; {@code scripts/tables.py} rewrites them.
 */
class GeneratedDocsTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize(); // surefire runs in the module's directory
    /** What scripts/tables.py reads, copied for the tests that change it. */
    static final List<String> INPUTS = List.of("README.md", "docs", "scripts", "pado-bench/summarize.py",
            "pado-bench/jmh-table.py", "pado-bench/commits-table.py", "pado-bench/alloc-table.py",
            "pado/src/test/java/io/pado/examples",
            "pado-cluster/src/test/java/io/pado/cluster/examples",
            "pado-micrometer/src/test/java/io/pado/micrometer/examples");
    static Path python;

    @BeforeAll
    static void needsPython() {
        python = RequiredTool.check("python3", "python3");
    }

    @Test
    void docsAreWhatScriptsTablesMakes() throws Exception {
        Result check = check(ROOT);
        assertThat(check.status).as("scripts/tables.py --check:%n%s", check.output).isZero();
    }

    @Test
    void aNumberTypedIntoAGeneratedTableFailsTheCheck() throws Exception {
        Path copy = copyInputs("typed-table");
        Path doc = copy.resolve("docs/CONFORMANCE.md");
        String text = Files.readString(doc);
        Matcher table = Pattern.compile("(?s)<!-- table:conformance-server .*?-->(.*?)<!-- /table -->").matcher(text);
        assertThat(table.find()).as("CONFORMANCE.md has a generated server table").isTrue();
        String tampered = table.group(1).replaceFirst("\\| (\\d+) \\|", "| 9$1 |");
        Files.writeString(doc, text.substring(0, table.start(1)) + tampered + text.substring(table.end(1)));

        Result check = check(copy);
        assertThat(check.status).isEqualTo(1);
        assertThat(check.output).contains("docs/CONFORMANCE.md differ");
    }

    @Test
    void anExampleChangedWithoutItsGuideBlockFailsTheCheck() throws Exception {
        Path copy = copyInputs("changed-example");
        Path example = copy.resolve("pado/src/test/java/io/pado/examples/EchoServer.java");
        String source = Files.readString(example);
        assertThat(source).contains("// tag::echo-server[]");
        Files.writeString(example, source.replace("ws.sendText(text);", "ws.sendText(text.strip());"));

        Result check = check(copy);
        assertThat(check.status).isEqualTo(1);
        assertThat(check.output).contains("docs/GUIDE.md differ")
                .containsPattern("(?m)^\\+ +ws\\.sendText\\(text\\.strip\\(\\)\\);$");
    }

    record Result(int status, String output) {
    }

    static Result check(Path root) throws IOException, InterruptedException {
        Process check = new ProcessBuilder(python.toString(), "scripts/tables.py", "--check").directory(root.toFile())
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).as("scripts/tables.py --check ends").isTrue();
        return new Result(check.exitValue(), output);
    }

    /** A copy of what scripts/tables.py reads, under target/. */
    static Path copyInputs(String name) throws IOException {
        Path copy = Path.of("target", "generated-docs-test", name).toAbsolutePath();
        if (Files.exists(copy)) {
            try (Stream<Path> old = Files.walk(copy)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        for (String input : INPUTS) {
            Path from = ROOT.resolve(input);
            try (Stream<Path> files = Files.walk(from)) {
                files.filter(Files::isRegularFile).forEach(file -> {
                    Path to = copy.resolve(ROOT.relativize(file));
                    try {
                        Files.createDirectories(to.getParent());
                        Files.copy(file, to);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        return copy;
    }
}
