package io.pado.cli;

import io.pado.chat.ChatOptions;
import io.pado.chat.ChatServer;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pado chat}: the chat server with its page at {@code /} (the README's main job). */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Start the chat server: page at /, WebSocket at /chat (subprotocols superchat, chat), "
                + "polling at /poll/..., comparison at /compare. Ctrl-C closes every WebSocket with 1001.")
final class Chat implements Callable<Integer> {
    @Option(names = "--port", description = "port (0 picks a free one; default: $PADO_PORT, else 8080)")
    Integer port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to listen on (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--allow-origin",
            description = "browser origin allowed to use /chat (repeatable; default: same origin)")
    Set<String> origins = Set.of();

    @Option(names = {"--broker", "--redis"}, description = "share rooms with other chat nodes through this broker, "
            + "nats://127.0.0.1:4222 (NATS JetStream) or redis://127.0.0.1:6379 (default: $PADO_BROKER, else "
            + "$PADO_REDIS, else this process alone); --redis is its older name")
    URI broker;

    @Option(names = "--metrics", description = "serve the server's meters at /metrics, in Prometheus's text format")
    boolean metrics;

    @Override
    public Integer call() throws Exception {
        int chosen = port != null ? port : Serve.envPort();
        var options = ChatOptions.builder().host(host).port(chosen).allowedOrigins(origins);
        URI shared = broker != null ? broker : fromEnv("PADO_BROKER", "PADO_REDIS");
        if (shared != null) {
            options.broker(shared);
        }
        ChatServer chat = ChatServer.start(options.build());
        System.out.println("pado chat: open " + chat.url() + "  (polling vs WebSocket: " + chat.url() + "compare)");
        if (metrics) {
            chat.serveMetrics();
            System.out.println("pado chat: meters at " + chat.url() + "metrics");
        }
        System.out.flush();
        Serving.untilInterrupted(chat::stop);
        return 0;
    }

    /** The first of these environment variables that is set, as an address; null if none is. */
    private static URI fromEnv(String... names) {
        for (String name : names) {
            String value = System.getenv(name);
            if (value != null && !value.isBlank()) {
                return URI.create(value.trim());
            }
        }
        return null;
    }
}
