package io.pado.jakarta;

import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * pado's default {@link ServerEndpointConfig.Configurator}: what a configurator that overrides nothing does. The
 * Jakarta API finds it with {@link java.util.ServiceLoader} when a configurator calls {@code super}.
 *
 * <ul>
 *   <li>subprotocol: the first of the client's, in the client's order, that the endpoint supports; none (the empty
 *       string) if there is no such one;</li>
 *   <li>extensions: those the client asked for that are installed, in the client's order;</li>
 *   <li>origin: every origin is allowed, as in Tyrus and Jetty (override {@code checkOrigin} to check it);</li>
 *   <li>handshake: not modified;</li>
 *   <li>endpoint instance: a new one per connection, made with the class's public no-argument constructor.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class PadoServerConfigurator extends ServerEndpointConfig.Configurator {

    /** The configurator; public for {@link java.util.ServiceLoader}. */
    public PadoServerConfigurator() {
    }

    @Override
    public ServerEndpointConfig.Configurator getContainerDefaultConfigurator() {
        return this;
    }

    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        for (String offered : requested) {
            if (supported.contains(offered)) {
                return offered;
            }
        }
        return "";
    }

    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        var chosen = new ArrayList<Extension>();
        for (Extension offered : requested) {
            if (installed.stream().anyMatch(e -> e.getName().equals(offered.getName()))) {
                chosen.add(offered);
            }
        }
        return chosen;
    }

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return true;
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
    }

    /**
     * A new instance made with the public no-argument constructor.
     *
     * @throws InstantiationException if there is no such constructor or it threw
     */
    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        try {
            return endpointClass.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw instantiation(endpointClass, e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw instantiation(endpointClass, e);
        }
    }

    private static InstantiationException instantiation(Class<?> type, Throwable cause) {
        var e = new InstantiationException("cannot make a " + type.getName() + " with its public no-argument "
                + "constructor: " + cause);
        e.initCause(cause);
        return e;
    }
}
