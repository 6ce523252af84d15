package io.pado.jakarta;

import io.pado.ClientOptions;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;

/**
 * How {@code ContainerProvider.getWebSocketContainer()} finds pado: this class is listed in
 * {@code META-INF/services/jakarta.websocket.ContainerProvider} (and provided by the module {@code io.pado.jakarta}).
 * Each call makes a new {@link PadoWebSocketContainer} with {@link ClientOptions#DEFAULT}; use
 * {@link PadoWebSocketContainer#create(ClientOptions)} to choose pado's options.
 */
public final class PadoContainerProvider extends ContainerProvider {

    /** The provider; public for {@link java.util.ServiceLoader}. */
    public PadoContainerProvider() {
    }

    @Override
    protected WebSocketContainer getContainer() {
        return PadoWebSocketContainer.create(ClientOptions.DEFAULT);
    }
}
