package io.pado.chat;

import io.pado.Endpoint;
import io.pado.Headers;
import io.pado.HttpResponse;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.HttpRequest;
import io.pado.cluster.Topics;
import io.pado.cluster.TopicsOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pado chat: the {@code /chat} WebSocket endpoint ({@code superchat} and {@code chat} subprotocols), the web page
 * at {@code /}, the same chat over short and long polling at {@code /poll/…}, and the polling-vs-WebSocket comparison
 * at {@code /compare}, all on one port. Reads are GETs and change nothing; writes ({@code /poll/send},
 * {@code /compare/run}) are form POSTs, refused with 403 from a page of another origin, by the rule of {@code /chat}.
 * {@link #stop()} closes every WebSocket with 1001 (going away).
 *
 * {@snippet :
 * try (ChatServer chat = ChatServer.start(ChatOptions.builder().port(0).build())) {
 *     System.out.println("open " + chat.url());
 * }
 * }
 */
public final class ChatServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ChatServer.class.getName());
    static final int DEFAULT_PORT = 8080;
    /** Messages a room's topic keeps at least, whatever the history replayed on a join. */
    static final int MIN_BROKER_HISTORY = 1000;

    private final Server server;
    private final Rooms rooms;
    private final ChatHandler chat;
    private final ChatOptions options;
    private final Set<String> origins;
    private final Topics topics;
    private final MetricsPage metrics;

    private ChatServer(Server server, Rooms rooms, ChatHandler chat, ChatOptions options, Set<String> origins,
            Topics topics, MetricsPage metrics) {
        this.server = server;
        this.topics = topics;
        this.metrics = metrics;
        this.rooms = rooms;
        this.chat = chat;
        this.options = options;
        this.origins = origins;
    }

    /** Starts the chat; with port 0 it picks a free port ({@link #port()}). */
    public static ChatServer start(ChatOptions options) throws IOException {
        var serverOptions = ServerOptions.builder()
                .host(options.host())
                .port(options.port())
                .connection(c -> c
                        .maxFrameBytes(options.maxFrameBytes())
                        .maxMessageBytes(options.maxFrameBytes())
                        .closeTimeout(Duration.ofSeconds(5)))
                .build();
        Server server = Server.create(serverOptions);
        // Rooms need the topics, and hear their events: the listener finds them once they exist.
        var events = new AtomicReference<Rooms>();
        Topics topics = Topics.start(server, TopicsOptions.builder()
                .broker(options.broker().orElse(URI.create("memory:local")))
                // The broker keeps more than a join replays: a node that falls a burst behind reads it from there.
                .historyPerTopic(Math.max(options.historySize(), MIN_BROKER_HISTORY))
                .presenceTtl(options.presenceTtl())
                .listener(event -> {
                    Rooms r = events.get();
                    if (r != null) {
                        r.accept(event);
                    }
                })
                .build());
        var rooms = new Rooms(options.historySize(), server::broadcast, topics);
        events.set(rooms);
        var chat = new ChatHandler(rooms, options, System::nanoTime);
        var polling = new Polling(rooms, options);
        var files = new WebFiles();
        var comparisons = new ComparisonRuns();
        // Same origin (the page this server serves, by whatever name it is reached), plus --allow-origin ones; a
        // client that speaks neither subprotocol is refused at the handshake (400) with their names.
        Set<String> origins = options.allowedOrigins();
        Endpoint endpoint = Endpoint.builder("/chat", chat)
                .subprotocols("superchat", "chat")
                .subprotocolRule(Endpoint.SubprotocolRule.REQUIRED)
                .originRule(Endpoint.OriginRule.SAME_ORIGIN)
                .allowedOrigins(origins.toArray(String[]::new))
                .build();
        server.endpoint(endpoint);
        var metrics = new MetricsPage(server);
        server.http(request -> answer(request, endpoint, files, polling, comparisons, metrics)).start();
        var started = new ChatServer(server, rooms, chat, options, origins, topics, metrics);
        comparisons.target(started.url(), rooms);
        LOG.log(System.Logger.Level.INFO, "pado chat on {0}", started.url());
        return started;
    }

    /** The paths that change something: POSTs only, and only from the page's own origin (or an allowed one). */
    private static final Set<String> WRITES = Set.of("/poll/send", "/compare/run");
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD");

    private static HttpResponse answer(HttpRequest request, Endpoint chat, WebFiles files, Polling polling,
            ComparisonRuns comparisons, MetricsPage metrics) throws Exception {
        String path = request.path();
        boolean write = WRITES.contains(path);
        if (write ? !request.method().equals("POST") : !READ_METHODS.contains(request.method())) {
            // RFC 9110 §15.5.6: a 405 says which methods the resource takes
            String allow = write ? "POST" : "GET, HEAD";
            return new HttpResponse(405, Headers.of("Allow", allow, "Content-Type", "text/plain; charset=utf-8"),
                    ("Method Not Allowed: " + path + " takes " + allow + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Query parameters = Query.parse(request.query());
        if (write) {
            HttpResponse refusal = refuseWrite(request, chat);
            if (refusal != null) {
                return refusal;
            }
            parameters = Query.parse(Optional.of(request.bodyText()));
        }
        if (path.startsWith("/poll/")) {
            return polling.handle(path, parameters);
        }
        if (path.startsWith("/compare/")) {
            return comparisons.handle(path, parameters);
        }
        if (path.equals("/metrics")) {
            return metrics.answer();
        }
        return files.get(path).orElseGet(HttpResponse::notFound);
    }

    /**
     * Why a POST is not taken, or null: a browser sends {@code Origin} with every POST, and one from another site's
     * page is refused by the same rule as the {@code /chat} WebSocket (a forged write, RFC 6454 §7.3); the body is
     * a form.
     */
    private static HttpResponse refuseWrite(HttpRequest request, Endpoint chat) {
        String host = request.headers().first("Host").orElse("");
        if (host.indexOf(':', host.lastIndexOf(']') + 1) < 0) {
            host += ":80";
        }
        if (!chat.allowsOrigin(request.headers().first("Origin"), host)) {
            return HttpResponse.text(403, "Forbidden: origin not allowed\n");
        }
        String type = request.headers().first("Content-Type").orElse("");
        if (!type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return HttpResponse.text(415, "Unsupported Media Type: send application/x-www-form-urlencoded\n");
        }
        return null;
    }

    public int port() {
        return server.port();
    }

    /**
     * Answers {@code GET /metrics} from now on with the server's meters (connections, messages, refusals, close
     * codes…) in Prometheus's text format: {@code pado chat --metrics}. Returns this server.
     */
    public ChatServer serveMetrics() {
        metrics.enable();
        return this;
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8080/}. */
    public URI url() {
        String host = options.host().equals("0.0.0.0") ? "127.0.0.1" : options.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /** The origins {@code /chat} accepts from browsers besides the page's own. */
    public Set<String> allowedOrigins() {
        return origins;
    }

    /** Rooms and their member counts. */
    public Map<String, Integer> rooms() {
        return rooms.census();
    }

    Rooms roomRegistry() {
        return rooms;
    }

    int connections() {
        return chat.connections();
    }

    /** Closes every WebSocket with 1001 and stops; long polls still held are answered at once. */
    public void stop() {
        rooms.wakeAll();
        topics.close(); // other nodes drop this one's members now, not after the presence TTL
        server.stop();
        LOG.log(System.Logger.Level.INFO, "pado chat stopped");
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * {@code --port N} (else {@code PADO_PORT}, else 8080) and {@code --broker nats://HOST:PORT} or
     * {@code redis://HOST:PORT} (else {@code --redis}, {@code PADO_BROKER}, {@code PADO_REDIS}, else none), and
     * {@code --metrics} (Prometheus's text at {@code /metrics}); prints the URL to open; Ctrl-C stops it cleanly.
     */
    public static void main(String[] args) throws IOException {
        var options = ChatOptions.builder().port(port(args, System.getenv()));
        String broker = broker(args, System.getenv());
        if (broker != null) {
            options.broker(URI.create(broker));
        }
        ChatServer chat = start(options.build());
        if (java.util.List.of(args).contains("--metrics")) {
            chat.serveMetrics();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(chat::stop, "pado-shutdown"));
        System.out.println("pado chat: open " + chat.url() + "  (comparison: " + chat.url() + "compare)");
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

    /**
     * The {@code --broker} address, else {@code --redis} (its older name), else {@code PADO_BROKER}, else
     * {@code PADO_REDIS}, else null (this process alone).
     */
    static String broker(String[] args, Map<String, String> env) {
        for (String flag : new String[] {"--broker", "--redis"}) {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals(flag) && i + 1 < args.length) {
                    return args[i + 1];
                }
                if (args[i].startsWith(flag + "=")) {
                    return args[i].substring(flag.length() + 1);
                }
            }
        }
        for (String name : new String[] {"PADO_BROKER", "PADO_REDIS"}) {
            String fromEnv = env.get(name);
            if (fromEnv != null && !fromEnv.isBlank()) {
                return fromEnv.trim();
            }
        }
        return null;
    }

    static int parsePort(String s) {
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
}
