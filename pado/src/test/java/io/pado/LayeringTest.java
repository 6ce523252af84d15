package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/ARCHITECTURE.md, read from the main sources: imports only go down, between modules and between
 * packages, no two classes of the runtime use each other, and no main source file grows past 450 lines.
 */
class LayeringTest {
    private static final Path PROTOCOL = Path.of("../pado-protocol/src/main/java");
    private static final Path PADO = Path.of("src/main/java");
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);
    private static final Pattern TYPE = Pattern.compile(
            "^(?:public |sealed |non-sealed |abstract |final )*(class|interface|record|enum) (\\w+)",
            Pattern.MULTILINE);

    /** Each engine package and how low it stands: a package imports only from packages strictly below it. */
    private static final Map<String, Integer> ENGINE_RANKS = Map.of(
            "io.pado.protocol.frame", 0,
            "io.pado.protocol.message", 0,
            "io.pado.protocol.handshake", 0,
            "io.pado.protocol.extension", 1,
            "io.pado.protocol", 2);

    @Test
    void theEngineImportsOnlyTheJdkAndItsOwnLowerPackages() {
        for (Path file : sources(PROTOCOL)) {
            String pkg = packageOf(file, PROTOCOL);
            int rank = ENGINE_RANKS.getOrDefault(pkg, -1);
            assertThat(rank).as("%s is in a package of known rank", file).isNotNegative();
            for (String imported : imports(file)) {
                if (imported.startsWith("java.")) {
                    continue;
                }
                assertThat(ENGINE_RANKS).as("%s imports %s", file, imported).containsKey(imported);
                if (!imported.equals(pkg)) {
                    assertThat(ENGINE_RANKS.get(imported)).as("%s (rank %d) imports %s", file, rank, imported)
                            .isLessThan(rank);
                }
            }
        }
    }

    @Test
    void theRuntimeImportsTheEngineAndTheJdkNeverTheApi() {
        for (Path file : sources(PADO.resolve("io/pado/runtime"))) {
            for (String imported : imports(file)) {
                assertThat(imported).as("%s imports %s", file, imported)
                        .matches("java\\..*|javax\\..*|jdk\\.jfr|io\\.pado\\.protocol(\\..*)?");
            }
        }
        for (Path file : sources(PADO)) {
            for (String imported : imports(file)) {
                assertThat(imported).as("%s imports %s: the library has no third-party dependency", file, imported)
                        .matches("java\\..*|javax\\..*|jdk\\.jfr|io\\.pado(\\..*)?");
            }
        }
    }

    @Test
    void noTwoClassesOfTheRuntimeUseEachOther() {
        Map<String, String> code = new TreeMap<>();
        Map<String, String> kinds = new TreeMap<>();
        for (Path file : sources(PADO.resolve("io/pado/runtime"))) {
            String text = withoutCommentsAndStrings(read(file));
            Matcher type = TYPE.matcher(text);
            assertThat(type.find()).as("a top-level type in %s", file).isTrue();
            code.put(type.group(2), text);
            kinds.put(type.group(2), type.group(1));
        }
        List<String> pairs = new ArrayList<>();
        for (String a : code.keySet()) {
            for (String b : code.keySet()) {
                // An interface that names the class it is told about (LinkListener.onEvent(Link, ...)) calls nothing
                if (a.compareTo(b) < 0 && !kinds.get(a).equals("interface") && !kinds.get(b).equals("interface")
                        && uses(code.get(a), b) && uses(code.get(b), a)) {
                    pairs.add(a + " <-> " + b);
                }
            }
        }
        assertThat(pairs).isEmpty();
    }

    @Test
    void noMainSourceFileIsLongerThan450Lines() {
        for (Path root : List.of(PROTOCOL, PADO)) {
            for (Path file : sources(root)) {
                assertThat(read(file).lines().count()).as("lines of %s", file).isLessThanOrEqualTo(450);
            }
        }
    }

    private static boolean uses(String code, String type) {
        return Pattern.compile("\\b" + type + "\\b").matcher(code).find();
    }

    /** The code without comments, string literals and the package and import lines, so that only uses remain. */
    static String withoutCommentsAndStrings(String source) {
        String code = source.replaceAll("(?s)/\\*.*?\\*/", " ")
                .replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("//[^\\n]*", " ");
        return code.replaceAll("(?m)^(package|import) [^;]+;", "");
    }

    private static List<String> imports(Path file) {
        List<String> found = new ArrayList<>();
        Matcher m = IMPORT.matcher(read(file));
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static String packageOf(Path file, Path root) {
        return root.relativize(file.getParent()).toString().replace('/', '.');
    }

    private static List<Path> sources(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> java = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getFileName().toString().equals("module-info.java")
                            && !f.getFileName().toString().equals("package-info.java"))
                    .sorted().toList();
            assertThat(java).as("sources under %s", root.toAbsolutePath()).isNotEmpty();
            return java;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
