package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The project's layout rules that a reader sees first, over every Java source (all modules, main and test): lines of
 * at most 120 characters, indented with spaces, with no trailing blanks.
 */
class SourceStyleTest {
    private static final Path ROOT = Path.of("..");
    private static final int COLUMNS = 120;

    @Test
    void everyJavaLineFitsIn120ColumnsWithSpacesAndNoTrailingBlanks() throws IOException {
        List<Path> files = javaSources();
        assertThat(files).as("the project's Java sources, found from %s", ROOT.toAbsolutePath())
                .hasSizeGreaterThan(100);
        List<String> faults = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                String where = ROOT.relativize(file) + ":" + (i + 1);
                // Characters as a reader counts them: a code point outside the BMP is one, not two
                if (line.codePointCount(0, line.length()) > COLUMNS) {
                    faults.add(where + " is longer than " + COLUMNS + " characters");
                }
                if (line.indexOf('\t') >= 0) {
                    faults.add(where + " has a tab");
                }
                if (!line.isEmpty() && Character.isWhitespace(line.charAt(line.length() - 1))) {
                    faults.add(where + " ends with a blank");
                }
            }
        }
        assertThat(faults).isEmpty();
    }

    /** Every .java file under the project's modules, build output and hidden folders left out. */
    private static List<Path> javaSources() throws IOException {
        try (Stream<Path> all = Files.walk(ROOT)) {
            return all.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> {
                        for (Path part : ROOT.relativize(p)) {
                            String name = part.toString();
                            if (name.equals("target") || name.equals("node_modules") || name.startsWith(".")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted()
                    .toList();
        }
    }
}
