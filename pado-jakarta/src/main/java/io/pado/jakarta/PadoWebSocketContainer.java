package io.pado.jakarta;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.HandshakeException;
import io.pado.WebSocket;
import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.net.URI;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * A Jakarta {@link WebSocketContainer} whose clients are pado {@link Client}s: {@code connectToServer} opens a
 * connection, waits for the opening handshake and the endpoint's {@code onOpen}, and returns the {@link Session}.
 * Obtain one with {@code ContainerProvider.getWebSocketContainer()} (the container's pado options are then
 * {@link ClientOptions#DEFAULT}), or with {@link #create(ClientOptions)} to choose them.
 *
 * <p>The options given are the base of every connection; a connection's {@link ClientEndpointConfig} adds its
 * subprotocols, the headers its configurator's {@code beforeRequest} puts in, permessage-deflate when it lists that
 * extension, and its {@code SSLContext}. Connections that ask for the same share one pado client (one event-loop
 * thread); its thread ends when the last of them has closed.
 *
 * <p>Thread-safe. Endpoint callbacks run on virtual threads and may block, e.g. on {@code getBasicRemote()} sends;
 * {@link io.pado.Dispatch#EVENT_LOOP} is not allowed.
 *
 * {@snippet :
 * WebSocketContainer container = ContainerProvider.getWebSocketContainer();
 * Session session = container.connectToServer(ChatClient.class, URI.create("ws://127.0.0.1:8080/chat"));
 * session.getBasicRemote().sendText("hello");
 * }
 */
public final class PadoWebSocketContainer extends ContainerBase {
    /** Header fields pado writes itself (RFC 6455 §4.1), which a configurator's additions cannot replace. */
    private static final Set<String> HANDSHAKE_FIELDS = Set.of("host", "upgrade", "connection", "content-length",
            "transfer-encoding", "origin");

    private final ClientPool pool;
    /** Client sessions by endpoint class, for {@code Session.getOpenSessions()}. */
    private final Map<Class<?>, Set<PadoSession>> sessions = new ConcurrentHashMap<>();

    private PadoWebSocketContainer(ClientOptions options, ContainerSettings settings) {
        super(options.connection(), settings);
        this.pool = new ClientPool(options);
    }

    /**
     * A container whose connections start from {@code options}.
     *
     * @throws IllegalArgumentException if the options' dispatch is {@link io.pado.Dispatch#EVENT_LOOP}, or they turn
     *                                  partial messages on
     */
    public static PadoWebSocketContainer create(ClientOptions options) {
        Objects.requireNonNull(options, "options");
        return new PadoWebSocketContainer(options, new ContainerSettings(options.connection().maxMessageBytes()));
    }

    /** The client side of a server container, sharing its settings. */
    static PadoWebSocketContainer sharing(ClientOptions options, ContainerSettings settings) {
        return new PadoWebSocketContainer(options, settings);
    }

    /** Closes every connection with 1001 (going away), waiting for their closing handshakes, and the timer thread. */
    public void close() {
        pool.close();
        settings.close();
    }

    @Override
    public Session connectToServer(Object annotatedEndpointInstance, URI path) throws DeploymentException,
            IOException {
        Objects.requireNonNull(annotatedEndpointInstance, "annotatedEndpointInstance");
        if (annotatedEndpointInstance instanceof Endpoint endpoint) {
            return connectToServer(endpoint, ClientEndpointConfig.Builder.create().build(), path);
        }
        Class<?> type = annotatedEndpointInstance.getClass();
        ClientEndpointConfig config = annotatedConfig(type);
        AnnotatedModel model = AnnotatedModel.of(type, coders(config), Set.of());
        return connect(type, config, () -> new AnnotatedEndpoint(model, annotatedEndpointInstance), path);
    }

    @Override
    public Session connectToServer(Class<?> annotatedEndpointClass, URI path) throws DeploymentException,
            IOException {
        Objects.requireNonNull(annotatedEndpointClass, "annotatedEndpointClass");
        if (Endpoint.class.isAssignableFrom(annotatedEndpointClass)) {
            return connectToServer(annotatedEndpointClass.asSubclass(Endpoint.class),
                    ClientEndpointConfig.Builder.create().build(), path);
        }
        ClientEndpointConfig config = annotatedConfig(annotatedEndpointClass);
        AnnotatedModel model = AnnotatedModel.of(annotatedEndpointClass, coders(config), Set.of());
        var defaults = new PadoServerConfigurator();
        return connect(annotatedEndpointClass, config,
                () -> new AnnotatedEndpoint(model, defaults.getEndpointInstance(annotatedEndpointClass)), path);
    }

    @Override
    public Session connectToServer(Endpoint endpointInstance, ClientEndpointConfig config, URI path)
            throws DeploymentException, IOException {
        Objects.requireNonNull(endpointInstance, "endpointInstance");
        Objects.requireNonNull(config, "config");
        return connect(endpointInstance.getClass(), config, () -> endpointInstance, path);
    }

    @Override
    public Session connectToServer(Class<? extends Endpoint> endpointClass, ClientEndpointConfig config, URI path)
            throws DeploymentException, IOException {
        Objects.requireNonNull(endpointClass, "endpointClass");
        Objects.requireNonNull(config, "config");
        var defaults = new PadoServerConfigurator();
        return connect(endpointClass, config, () -> defaults.getEndpointInstance(endpointClass), path);
    }

    private static ClientEndpointConfig annotatedConfig(Class<?> type) throws DeploymentException {
        ClientEndpoint annotation = type.getAnnotation(ClientEndpoint.class);
        if (annotation == null) {
            throw new DeploymentException(type.getName() + " is not annotated with @ClientEndpoint");
        }
        ClientEndpointConfig.Configurator configurator;
        try {
            configurator = annotation.configurator().getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new DeploymentException("cannot make the configurator " + annotation.configurator().getName(), e);
        }
        return ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(Arrays.asList(annotation.subprotocols()))
                .decoders(Arrays.asList(annotation.decoders()))
                .encoders(Arrays.asList(annotation.encoders()))
                .configurator(configurator)
                .build();
    }

    private static CoderSpec coders(ClientEndpointConfig config) throws DeploymentException {
        return CoderSpec.of(config.getDecoders(), config.getEncoders());
    }

    private Session connect(Class<?> endpointClass, ClientEndpointConfig config, Deployment.Instances instances,
            URI uri) throws DeploymentException, IOException {
        Objects.requireNonNull(uri, "path");
        // Each connection has its own configuration; connections of one endpoint class share their session set.
        var deployment = new Deployment(this, settings, config, coders(config), instances,
                sessions.computeIfAbsent(endpointClass, c -> ConcurrentHashMap.newKeySet()));
        ClientPool.Key key = handshakeKey(config);
        Client client;
        try {
            client = pool.acquire(key);
        } catch (IllegalArgumentException e) {
            throw new DeploymentException("bad handshake request: " + e.getMessage(), e);
        }
        var opened = new CompletableFuture<PadoSession>();
        var handler = new SessionHandler(deployment,
                ws -> handshake(ws, uri, config),
                session -> config.getConfigurator().afterResponse(
                        () -> Handshake.headerMap(session.webSocket().handshakeHeaders())),
                opened::complete,
                session -> pool.release(key));
        WebSocket ws;
        try {
            ws = client.connect(uri, handler).get();
        } catch (IllegalArgumentException e) {
            pool.release(key);
            throw new DeploymentException("cannot connect to " + uri + ": " + e.getMessage(), e);
        } catch (ExecutionException e) {
            pool.release(key);
            Throwable cause = e.getCause();
            if (cause instanceof HandshakeException refused) {
                throw new DeploymentException("the opening handshake with " + uri + " failed: " + refused.getMessage()
                        + (refused.status() == 0 ? "" : " (status " + refused.status() + ")"), refused);
            }
            throw cause instanceof IOException io ? io : new IOException(cause);
        } catch (InterruptedException e) {
            pool.release(key);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to " + uri, e);
        }
        try {
            PadoSession session = opened.get();
            if (session == null) {
                throw new DeploymentException("no endpoint instance for " + endpointClass.getName()
                        + " (see the log)");
            }
            return session;
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            ws.abort();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening " + uri, e);
        }
    }

    /** What the handshake asks for: the configured subprotocols and extensions, changed by {@code beforeRequest}. */
    private static ClientPool.Key handshakeKey(ClientEndpointConfig config) {
        var headers = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
        if (!config.getPreferredSubprotocols().isEmpty()) {
            headers.put("Sec-WebSocket-Protocol", new ArrayList<>(List.of(
                    String.join(", ", config.getPreferredSubprotocols()))));
        }
        if (!config.getExtensions().isEmpty()) {
            headers.put("Sec-WebSocket-Extensions", new ArrayList<>(
                    config.getExtensions().stream().map(Object::toString).toList()));
        }
        config.getConfigurator().beforeRequest(headers);
        var subprotocols = new ArrayList<String>();
        var fields = new ArrayList<Map.Entry<String, String>>();
        Optional<String> origin = Optional.empty();
        boolean compress = false;
        for (Map.Entry<String, List<String>> field : headers.entrySet()) {
            String name = field.getKey();
            List<String> values = field.getValue() == null ? List.of() : field.getValue();
            if (name.equalsIgnoreCase("Sec-WebSocket-Protocol")) {
                values.forEach(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .forEach(subprotocols::add));
            } else if (name.equalsIgnoreCase("Sec-WebSocket-Extensions")) {
                compress = SimpleExtension.parse(values).stream()
                        .anyMatch(x -> x.getName().equals(SimpleExtension.PERMESSAGE_DEFLATE));
            } else if (name.equalsIgnoreCase("Origin")) {
                origin = values.stream().findFirst();
            } else if (!HANDSHAKE_FIELDS.contains(name.toLowerCase(java.util.Locale.ROOT))
                    && !name.regionMatches(true, 0, "Sec-WebSocket-", 0, 14)) {
                values.forEach(v -> fields.add(new AbstractMap.SimpleImmutableEntry<>(name, v)));
            }
        }
        return new ClientPool.Key(subprotocols, fields, origin, compress, config.getSSLContext());
    }

    private static Handshake handshake(WebSocket ws, URI uri, ClientEndpointConfig config) {
        List<Extension> extensions = SimpleExtension.parse(ws.handshakeHeaders().all("Sec-WebSocket-Extensions"));
        return new Handshake(uri, uri.getRawQuery(), Map.of(), config.getUserProperties(), extensions,
                "wss".equalsIgnoreCase(uri.getScheme()));
    }

    /** permessage-deflate (RFC 7692), which a connection offers when its configuration lists it. */
    @Override
    public Set<Extension> getInstalledExtensions() {
        return Set.of(SimpleExtension.named(SimpleExtension.PERMESSAGE_DEFLATE));
    }
}
