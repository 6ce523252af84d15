package io.pado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * pado's plain HTTP side against real HTTP clients run as processes: curl and Python's {@code http.client}. Each makes
 * several requests (GET, a POST by length, a chunked POST, HEAD) and all of them go over one TCP connection.
 */
class HttpClientsInteropTest {
    private Server server;

    @BeforeEach
    void start() throws IOException {
        server = Server.create(ServerOptions.builder().eventLoops(1).build())
                .http(request -> HttpResponse.text(200, request.method() + " " + request.target() + " ["
                        + request.bodyText().length() + "] " + abbreviate(request.bodyText())))
                .start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private static String abbreviate(String body) {
        return body.length() <= 20 ? body : body.substring(0, 20);
    }

    @Test
    void curlReusesOneConnectionForEveryRequest() throws Exception {
        assumeTrue(onPath("curl"), "needs curl");
        String base = "http://127.0.0.1:" + server.port();
        String big = "x".repeat(2000); // over 1 KiB: curl asks for 100-continue first
        // One curl, four transfers; -w prints the status and the connections each one opened
        String format = "\n%{http_code} connects=%{num_connects}\n";
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--http1.1", "--max-time", "10",
                "-w", format, base + "/a",
                "--next", "-sS", "-w", format, "-d", "room=a&text=b", base + "/form",
                "--next", "-sS", "-w", format, "-H", "Transfer-Encoding: chunked", "--data-binary", "chunked!",
                base + "/chunks",
                "--next", "-sS", "-w", format, "-d", big, base + "/big",
                "--next", "-sS", "-w", format, "-I", base + "/head"));
        String out = run(command);
        assertThat(out).contains("GET /a [0] \n200 connects=1\n")
                .contains("POST /form [13] room=a&text=b\n200 connects=0\n")
                .contains("POST /chunks [8] chunked!\n200 connects=0\n")
                .contains("POST /big [2000] " + big.substring(0, 20) + "\n200 connects=0\n")
                .containsIgnoringCase("Content-Length: " + "HEAD /head [0] ".length())
                .endsWith("200 connects=0\n");
    }

    @Test
    void pythonHttpClientReusesOneConnectionForEveryRequest() throws Exception {
        assumeTrue(onPath("python3"), "needs python3");
        String script = """
                import http.client, sys
                c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
                ports = set()
                def ask(method, path, body=None, headers={}):
                    c.request(method, path, body=body, headers=headers)
                    ports.add(c.sock.getsockname()[1])  # a new connection would have a new local port
                    r = c.getresponse()
                    print(r.status, r.getheader("Connection"), r.read().decode())
                ask("GET", "/a")
                ask("POST", "/form", b"room=a&text=b", {"Content-Type": "application/x-www-form-urlencoded"})
                ask("POST", "/chunks", iter([b"chun", b"ked!"]))  # no length: http.client sends it chunked
                ask("HEAD", "/head")
                ask("GET", "/last")
                print("connections", len(ports))
                """;
        Path file = Files.createDirectories(Path.of("target", "interop")).resolve("http_client_check.py");
        Files.writeString(file, script);
        String out = run(List.of("python3", file.toString(), Integer.toString(server.port())));
        assertThat(out.lines()).containsExactly(
                "200 None GET /a [0] ",
                "200 None POST /form [13] room=a&text=b",
                "200 None POST /chunks [8] chunked!",
                "200 None ",
                "200 None GET /last [0] ",
                "connections 1");
    }

    private static boolean onPath(String program) {
        try {
            Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs {@code command} to its end (within 30 s) and returns its output; fails unless it exits with 0. */
    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command.getFirst() + " did not end");
        }
        String text = new String(out, StandardCharsets.UTF_8).replace("\r\n", "\n");
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }
}
