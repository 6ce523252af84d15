package io.pado.chat;

import io.pado.Endpoint;
import io.pado.Handler;
import io.pado.HttpResponse;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The runnable demo until the chat arrives: an echo endpoint at {@code /echo} and, at {@code /}, a page that talks
 * to it, both on {@code 127.0.0.1:8080}. The port comes from {@code --port N}, else {@code PADO_PORT}, else 8080.
 * Ctrl-C stops the server, which closes every WebSocket with 1001 (going away).
 */
public final class EchoDemo {
    static final int DEFAULT_PORT = 8080;

    private EchoDemo() {
    }

    public static void main(String[] args) throws IOException {
        int port = port(args, System.getenv());
        byte[] page = resource("index.html");
        Server server = Server.create(ServerOptions.DEFAULT.withPort(port))
                .endpoint(Endpoint.of("/echo", new Echo()))
                .http(request -> request.path().equals("/")
                        ? HttpResponse.ok("text/html; charset=utf-8", page)
                        : HttpResponse.notFound())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "pado-shutdown"));
        System.out.println("pado echo demo: open http://127.0.0.1:" + server.port() + "/");
    }

    /** Sends every message back as it came. */
    static final class Echo implements Handler {
        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data); // a private copy with the default dispatch: safe to send back as is
        }
    }

    static int port(String[] args, Map<String, String> env) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                return parsePort(args[i + 1]);
            }
            if (args[i].startsWith("--port=")) {
                return parsePort(args[i].substring("--port=".length()));
            }
        }
        String fromEnv = env.get("PADO_PORT");
        return fromEnv == null || fromEnv.isBlank() ? DEFAULT_PORT : parsePort(fromEnv.trim());
    }

    private static int parsePort(String s) {
        try {
            int port = Integer.parseInt(s);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("not a port number: " + s);
    }

    private static byte[] resource(String name) {
        try (InputStream in = EchoDemo.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
