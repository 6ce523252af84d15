package io.pado.jakarta;

import io.pado.ClientOptions;
import io.pado.Dispatch;
import io.pado.Endpoint;
import io.pado.Server;
import io.pado.ServerOptions;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Extension;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Jakarta {@link ServerContainer} on a pado {@link Server}: it deploys {@code @ServerEndpoint} classes and
 * programmatic {@link ServerEndpointConfig}s as pado endpoints, on one port that can also serve plain HTTP
 * ({@code container.server().http(…)}). It is also a client container (the {@link jakarta.websocket.WebSocketContainer}
 * methods), whose connections use {@link ClientOptions#DEFAULT}.
 *
 * <p><b>Model.</b> Create it with pado's server options, add endpoints, {@link #start()} it, {@link #close()} it.
 * pado does the protocol: the handshake's checks, permessage-deflate (with
 * {@link io.pado.ConnectionOptions#compression()}), limits, timeouts, back-pressure. Paths may be templates
 * ({@code /rooms/{room}}); an exact path wins over a template, and among templates the first added. Each endpoint's
 * configurator runs in pado's upgrade check, before the server answers: it checks the origin, chooses the
 * subprotocol and modifies the handshake. Each connection gets a new endpoint instance (or what the configurator's
 * {@code getEndpointInstance} returns) and a {@link Session} whose callbacks run one at a time on virtual threads, so
 * they may block.
 *
 * <p><b>Threads.</b> All methods are thread-safe. Endpoints may be added before or after {@link #start()}.
 *
 * {@snippet :
 * @ServerEndpoint("/chat")
 * public class Chat {
 *     @OnMessage
 *     public void onMessage(String message, Session session) throws IOException {
 *         for (Session peer : session.getOpenSessions()) {
 *             peer.getBasicRemote().sendText(message);
 *         }
 *     }
 * }
 *
 * var container = PadoServerContainer.create(ServerOptions.builder().port(8080).build());
 * container.addEndpoint(Chat.class);
 * container.start();
 * }
 */
public final class PadoServerContainer extends ContainerBase implements ServerContainer, AutoCloseable {
    private final Server server;
    private final ServerOptions options;
    private final PadoWebSocketContainer client;
    private final ReentrantLock lock = new ReentrantLock();
    /** The deployed paths, variables written {@code {}}; under {@link #lock}. */
    private final Map<String, ServerEndpointConfig> deployed = new HashMap<>();

    private PadoServerContainer(ServerOptions options) {
        super(options.connection(), new ContainerSettings(options.connection().maxMessageBytes()));
        this.options = options;
        this.server = Server.create(options);
        this.client = PadoWebSocketContainer.sharing(ClientOptions.DEFAULT, settings);
    }

    /**
     * A container on a new pado server with these options, not yet listening.
     *
     * @throws IllegalArgumentException if the options' dispatch is {@link Dispatch#EVENT_LOOP} (Jakarta endpoints
     *                                  block, as the basic remote does), or they turn partial messages on
     */
    public static PadoServerContainer create(ServerOptions options) {
        return new PadoServerContainer(Objects.requireNonNull(options, "options"));
    }

    /** The pado server: set its HTTP handler, read its port or connection count, broadcast. */
    public Server server() {
        return server;
    }

    /**
     * Starts listening. Returns this container.
     *
     * @throws IOException if the port cannot be bound
     */
    public PadoServerContainer start() throws IOException {
        server.start();
        return this;
    }

    /** The port the server listens on ({@link Server#port()}). */
    public int port() {
        return server.port();
    }

    /**
     * Stops the server (every session gets 1001, going away, and its {@code onClose}), closes the client
     * connections and ends the timer thread.
     */
    @Override
    public void close() {
        server.stop();
        client.close();
        settings.close();
    }

    /**
     * Deploys an {@code @ServerEndpoint} class at the path its annotation gives.
     *
     * @throws DeploymentException if the class is not annotated, breaks a rule of the specification (the message
     *                             says which), or its path is taken
     */
    @Override
    public void addEndpoint(Class<?> endpointClass) throws DeploymentException {
        Objects.requireNonNull(endpointClass, "endpointClass");
        ServerEndpoint annotation = endpointClass.getAnnotation(ServerEndpoint.class);
        if (annotation == null) {
            throw new DeploymentException(endpointClass.getName() + " is not annotated with @ServerEndpoint");
        }
        ServerEndpointConfig.Configurator configurator;
        if (annotation.configurator() == ServerEndpointConfig.Configurator.class) {
            configurator = new PadoServerConfigurator();
        } else {
            try {
                configurator = annotation.configurator().getConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new DeploymentException("cannot make the configurator " + annotation.configurator().getName(),
                        e);
            }
        }
        addEndpoint(ServerEndpointConfig.Builder.create(endpointClass, annotation.value())
                .subprotocols(Arrays.asList(annotation.subprotocols()))
                .decoders(Arrays.asList(annotation.decoders()))
                .encoders(Arrays.asList(annotation.encoders()))
                .configurator(configurator)
                .build());
    }

    /**
     * Deploys an endpoint configuration: a programmatic {@link jakarta.websocket.Endpoint} subclass, or an annotated
     * class at the configuration's path.
     *
     * @throws DeploymentException if the path breaks §3.1.1 or is taken, or the endpoint class or a coder breaks a
     *                             rule of the specification
     */
    @Override
    public void addEndpoint(ServerEndpointConfig config) throws DeploymentException {
        Objects.requireNonNull(config, "config");
        String path = config.getPath();
        Set<String> variables = PathTemplate.variables(path);
        CoderSpec coders = CoderSpec.of(config.getDecoders(), config.getEncoders());
        ServerEndpointConfig.Configurator configurator = configurator(config);
        Class<?> type = config.getEndpointClass();
        Deployment.Instances instances;
        if (jakarta.websocket.Endpoint.class.isAssignableFrom(type)) {
            instances = () -> (jakarta.websocket.Endpoint) configurator.getEndpointInstance(type);
        } else {
            AnnotatedModel model = AnnotatedModel.of(type, coders, variables);
            instances = () -> new AnnotatedEndpoint(model, configurator.getEndpointInstance(type));
        }
        var deployment = new Deployment(this, settings, config, coders, instances, ConcurrentHashMap.newKeySet());
        Endpoint endpoint = padoEndpoint(config, deployment);
        // Jakarta WebSocket §3.1.1: two endpoints at one path, or at equivalent templates, make an invalid application
        String shape = path.replaceAll("\\{[^/]*}", "{}");
        lock.lock();
        try {
            if (deployed.containsKey(shape)) {
                throw new DeploymentException("an endpoint is already deployed at " + deployed.get(shape).getPath()
                        + ": " + deployed.get(shape).getEndpointClass().getName());
            }
            deployed.put(shape, config);
            server.endpoint(endpoint);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The pado endpoint of a deployment: its upgrade check runs the configurator's steps ({@link ServerUpgrade}) and
     * attaches what the session will know of its handshake. Every origin gets that far, since the configurator
     * decides ({@code checkOrigin} allows all by default, as in Tyrus and Jetty); pado's own subprotocol choice is
     * left empty for the configurator to make.
     */
    private Endpoint padoEndpoint(ServerEndpointConfig config, Deployment deployment) {
        var steps = new ServerUpgrade(config, installedExtensions(), options.tls().isPresent());
        var handler = new SessionHandler(deployment, ws -> (Handshake) ws.attachment(), session -> {
        }, session -> {
        }, session -> {
        });
        return Endpoint.builder(config.getPath(), handler)
                .originRule(Endpoint.OriginRule.LISTED)
                .upgradeCheck(upgrade -> steps.check(UpgradeView.of(upgrade)))
                .build();
    }

    /** The extensions pado agrees on: permessage-deflate when the server's options turn compression on. */
    private List<Extension> installedExtensions() {
        return options.connection().compression().isPresent()
                ? List.of(SimpleExtension.named(SimpleExtension.PERMESSAGE_DEFLATE)) : List.of();
    }

    /**
     * The configurator of {@code config}: the configured one, or pado's default when it is the API's base class
     * (whose methods would look the default up with a ServiceLoader, and find whichever container is first).
     */
    static ServerEndpointConfig.Configurator configurator(ServerEndpointConfig config) {
        ServerEndpointConfig.Configurator configured = config.getConfigurator();
        return configured == null || configured.getClass() == ServerEndpointConfig.Configurator.class
                ? new PadoServerConfigurator() : configured;
    }

    /**
     * Not supported: pado has no Servlet requests to upgrade; deploy with {@link #addEndpoint} instead.
     *
     * @throws DeploymentException always
     */
    @Override
    public void upgradeHttpToWebSocket(Object httpServletRequest, Object httpServletResponse,
            ServerEndpointConfig sec, Map<String, String> pathParameters) throws DeploymentException {
        throw new DeploymentException("pado has no Servlet requests to upgrade: deploy the endpoint with addEndpoint");
    }

    // ---- the client side, shared settings

    @Override
    public Session connectToServer(Object annotatedEndpointInstance, URI path) throws DeploymentException,
            IOException {
        return client.connectToServer(annotatedEndpointInstance, path);
    }

    @Override
    public Session connectToServer(Class<?> annotatedEndpointClass, URI path) throws DeploymentException,
            IOException {
        return client.connectToServer(annotatedEndpointClass, path);
    }

    @Override
    public Session connectToServer(jakarta.websocket.Endpoint endpointInstance, ClientEndpointConfig config, URI path)
            throws DeploymentException, IOException {
        return client.connectToServer(endpointInstance, config, path);
    }

    @Override
    public Session connectToServer(Class<? extends jakarta.websocket.Endpoint> endpointClass,
            ClientEndpointConfig config, URI path) throws DeploymentException, IOException {
        return client.connectToServer(endpointClass, config, path);
    }

    /** permessage-deflate when the server's options turn compression on; nothing else. */
    @Override
    public Set<Extension> getInstalledExtensions() {
        return Set.copyOf(installedExtensions());
    }
}
