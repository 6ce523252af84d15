/**
 * The Jakarta WebSocket API (2.2) on pado: {@code @ServerEndpoint} and {@code @ClientEndpoint} classes, programmatic
 * {@code Endpoint}s, encoders and decoders, run by pado's server and client. Servers are deployed with
 * {@link io.pado.jakarta.PadoServerContainer}; clients find {@link io.pado.jakarta.PadoContainerProvider} through
 * {@code ContainerProvider.getWebSocketContainer()}.
 *
 * <p>Endpoint classes are called by reflection: a named module that holds endpoints, encoders, decoders or
 * configurators must export (or open) their packages to {@code io.pado.jakarta}.
 */
module io.pado.jakarta {
    requires transitive io.pado;
    requires transitive jakarta.websocket;
    requires transitive jakarta.websocket.client;

    exports io.pado.jakarta;

    provides jakarta.websocket.ContainerProvider with io.pado.jakarta.PadoContainerProvider;
    provides jakarta.websocket.server.ServerEndpointConfig.Configurator
            with io.pado.jakarta.PadoServerConfigurator;
}
