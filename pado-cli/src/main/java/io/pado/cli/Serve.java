package io.pado.cli;

import io.pado.Handler;
import io.pado.HttpResponse;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import io.pado.HttpRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pado serve}: a WebSocket echo server at one path ({@code --path}), and optionally a directory's files. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a WebSocket echo at --path (/ by default) and, with --dir, static files over HTTP on the"
                + " same port.")
final class Serve implements Callable<Integer> {
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8", "js", "text/javascript; charset=utf-8", "json", "application/json",
            "png", "image/png", "svg", "image/svg+xml", "txt", "text/plain; charset=utf-8");

    @Option(names = "--port", description = "port (0 picks a free one; default: $PADO_PORT, else 8080)")
    Integer port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to listen on (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--dir", description = "directory whose files are served over HTTP (index.html for /)")
    Path dir;

    @Option(names = "--path", defaultValue = "/", description = "WebSocket echo path (default ${DEFAULT-VALUE})")
    String path;

    @Override
    public Integer call() throws IOException {
        Path root = dir == null ? null : dir.toAbsolutePath().normalize();
        if (root != null && !Files.isDirectory(root)) {
            System.err.println("pado serve: not a directory: " + dir);
            return 2;
        }
        Server server = Server.create(ServerOptions.builder().host(host).port(port != null ? port : envPort()).build())
                .endpoint(path, new Echo())
                .http(request -> root == null ? HttpResponse.text(200, "pado echo: connect a WebSocket to " + path
                        + "\n") : file(root, request))
                .start();
        System.out.println("pado serve: echo on ws://" + host + ":" + server.port() + path
                + (root == null ? "" : ", files from " + root + " on http://" + host + ":" + server.port() + "/"));
        System.out.flush();
        Serving.untilInterrupted(server::stop);
        return 0;
    }

    static int envPort() {
        String env = System.getenv("PADO_PORT");
        return env == null || env.isBlank() ? 8080 : Integer.parseInt(env.trim());
    }

    private static HttpResponse file(Path root, HttpRequest request) throws IOException {
        String name = java.net.URLDecoder.decode(request.path(), java.nio.charset.StandardCharsets.UTF_8);
        Path file = root.resolve(name.substring(1)).normalize();
        if (!file.startsWith(root)) {
            return HttpResponse.text(403, "Forbidden\n"); // ../ out of the directory
        }
        if (Files.isDirectory(file)) {
            file = file.resolve("index.html");
        }
        if (!Files.isRegularFile(file)) {
            return HttpResponse.notFound();
        }
        String fileName = file.getFileName().toString();
        String ext = fileName.substring(fileName.lastIndexOf('.') + 1);
        return HttpResponse.ok(TYPES.getOrDefault(ext, "application/octet-stream"), Files.readAllBytes(file));
    }

    /** Sends every message back as it came. */
    static final class Echo implements Handler {
        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data); // a private copy with the default dispatch
        }
    }
}
