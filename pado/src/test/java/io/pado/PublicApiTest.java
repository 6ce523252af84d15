package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Executable;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a user of the {@code io.pado} module sees: the public types of its one exported package, and nothing of the
 * engine or the runtime in their signatures. A new public type is a deliberate change to {@link #PUBLIC_TYPES}.
 */
class PublicApiTest {
    /** The public top-level types of {@code io.pado}; at most 28 (issue 17). */
    private static final Set<String> PUBLIC_TYPES = Set.of(
            "Client", "ClientOptions", "ClientProxy", "ClientTls", "ClosedException", "Compression",
            "ConnectionOptions", "Dispatch", "Endpoint", "HandshakeException", "Handler", "Headers", "HttpHandler",
            "HttpRequest", "HttpResponse", "MessageDroppedException", "Metrics", "ProxyException", "Reconnect",
            "ReconnectingWebSocket", "SendCallback", "Server", "ServerOptions", "ServerTls", "SlowConsumerPolicy",
            "Upgrade", "WebSocket");

    @Test
    void thePublicTypesAreTheListedOnes() throws Exception {
        assertThat(publicTopLevelTypes()).containsExactlyInAnyOrderElementsOf(PUBLIC_TYPES);
        assertThat(PUBLIC_TYPES).hasSizeLessThanOrEqualTo(28);
    }

    @Test
    void theModuleExportsOnePackageAndPassesNothingOn() throws IOException, URISyntaxException {
        ModuleDescriptor module;
        try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
            module = ModuleDescriptor.read(in);
        }
        assertThat(module.name()).isEqualTo("io.pado");
        assertThat(module.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("io.pado");
        assertThat(module.requires()).allSatisfy(r ->
                assertThat(r.modifiers()).doesNotContain(ModuleDescriptor.Requires.Modifier.TRANSITIVE));
    }

    @Test
    void noSignatureShowsTheEngineOrTheRuntime() throws Exception {
        var leaks = new ArrayList<String>();
        for (String name : publicTopLevelTypes()) {
            check(Class.forName("io.pado." + name), leaks);
        }
        assertThat(leaks).isEmpty();
    }

    private static void check(Class<?> type, List<String> leaks) {
        for (Executable e : Stream.concat(Stream.of(type.getDeclaredMethods()),
                Stream.of(type.getDeclaredConstructors())).toList()) {
            if (!visible(e)) {
                continue;
            }
            for (Type t : e.getGenericParameterTypes()) {
                leak(t, type.getSimpleName() + "." + e.getName(), leaks);
            }
            for (Type t : e.getGenericExceptionTypes()) {
                leak(t, type.getSimpleName() + "." + e.getName(), leaks);
            }
            if (e instanceof Method m) {
                leak(m.getGenericReturnType(), type.getSimpleName() + "." + m.getName(), leaks);
            }
        }
        for (var field : type.getDeclaredFields()) {
            if (visible(field)) {
                leak(field.getGenericType(), type.getSimpleName() + "." + field.getName(), leaks);
            }
        }
        for (Class<?> nested : type.getDeclaredClasses()) {
            if (Modifier.isPublic(nested.getModifiers())) {
                check(nested, leaks);
            }
        }
        if (type.getSuperclass() != null) {
            leak(type.getGenericSuperclass(), type.getSimpleName() + " extends", leaks);
        }
        for (Type t : type.getGenericInterfaces()) {
            leak(t, type.getSimpleName() + " implements", leaks);
        }
    }

    private static boolean visible(Member member) {
        int m = member.getModifiers();
        return Modifier.isPublic(m) || Modifier.isProtected(m);
    }

    private static void leak(Type type, String where, List<String> leaks) {
        if (type instanceof ParameterizedType p) {
            leak(p.getRawType(), where, leaks);
            for (Type argument : p.getActualTypeArguments()) {
                leak(argument, where, leaks);
            }
        } else if (type instanceof Class<?> c) {
            String name = c.isArray() ? c.getComponentType().getName() : c.getName();
            if (name.startsWith("io.pado.") && !name.substring("io.pado.".length()).matches("[A-Z][A-Za-z$]*")) {
                leaks.add(where + ": " + name);
            }
        }
    }

    /** Where the module's classes are. */
    private static Path classes() throws URISyntaxException {
        return Path.of(Server.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** The simple names of the public classes compiled into {@code io/pado}, nested ones left out. */
    private static Set<String> publicTopLevelTypes() throws IOException, URISyntaxException, ClassNotFoundException {
        Path dir = classes().resolve("io/pado");
        var names = new TreeSet<String>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String f = file.getFileName().toString();
                if (f.endsWith(".class") && !f.contains("$") && !f.equals("package-info.class")) {
                    String simple = f.substring(0, f.length() - ".class".length());
                    if (Modifier.isPublic(Class.forName("io.pado." + simple).getModifiers())) {
                        names.add(simple);
                    }
                }
            }
        }
        return names;
    }
}
