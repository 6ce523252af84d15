package io.pado.jakarta;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.WebSocketContainer;
import java.util.Set;

/**
 * One logical endpoint as deployed: its configuration, coders, the way a connection gets its {@link Endpoint}
 * instance, and its open sessions ({@code Session.getOpenSessions()}). Thread-safe.
 */
final class Deployment {

    /** Makes the endpoint instance of a new connection. */
    @FunctionalInterface
    interface Instances {
        Endpoint create() throws InstantiationException;
    }

    final WebSocketContainer container;
    final ContainerSettings settings;
    final EndpointConfig config;
    final CoderSpec coders;
    final Instances instances;
    /** Open sessions, added and removed by the connections' handler threads, read by any thread; concurrent. */
    final Set<PadoSession> sessions;

    Deployment(WebSocketContainer container, ContainerSettings settings, EndpointConfig config, CoderSpec coders,
            Instances instances, Set<PadoSession> sessions) {
        this.sessions = sessions;
        this.container = container;
        this.settings = settings;
        this.config = config;
        this.coders = coders;
        this.instances = instances;
    }
}
