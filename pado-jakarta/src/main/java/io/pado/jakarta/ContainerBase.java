package io.pado.jakarta;

import io.pado.ConnectionOptions;
import io.pado.Dispatch;
import jakarta.websocket.WebSocketContainer;

/**
 * What the server and the client container share: the rule that Jakarta endpoints may block and take whole messages,
 * and the {@link WebSocketContainer} defaults, which live in a {@link ContainerSettings} (a server container's client
 * side uses its server's). Thread-safe.
 */
abstract sealed class ContainerBase implements WebSocketContainer permits PadoServerContainer, PadoWebSocketContainer {
    final ContainerSettings settings;

    /**
     * @throws IllegalArgumentException if {@code connection}'s dispatch is {@link Dispatch#EVENT_LOOP} (Jakarta
     *                                  endpoints block, as the basic remote does), or it turns partial messages on
     */
    ContainerBase(ConnectionOptions connection, ContainerSettings settings) {
        if (connection.dispatch() != Dispatch.VIRTUAL_THREADS) {
            throw new IllegalArgumentException("Jakarta endpoints may block: dispatch must be VIRTUAL_THREADS, not "
                    + connection.dispatch());
        }
        if (connection.partialMessages()) {
            // pado-jakarta reads whole messages; MessageHandler.Partial gets each one as its last part
            throw new IllegalArgumentException("Jakarta endpoints take whole messages: partialMessages must be off");
        }
        this.settings = settings;
    }

    @Override
    public long getDefaultAsyncSendTimeout() {
        return settings.asyncSendTimeoutMillis();
    }

    @Override
    public void setAsyncSendTimeout(long timeoutMillis) {
        settings.asyncSendTimeoutMillis(timeoutMillis);
    }

    @Override
    public long getDefaultMaxSessionIdleTimeout() {
        return settings.maxSessionIdleTimeoutMillis();
    }

    @Override
    public void setDefaultMaxSessionIdleTimeout(long timeout) {
        settings.maxSessionIdleTimeoutMillis(timeout);
    }

    @Override
    public int getDefaultMaxBinaryMessageBufferSize() {
        return settings.maxBinaryMessageBufferSize();
    }

    @Override
    public void setDefaultMaxBinaryMessageBufferSize(int max) {
        settings.maxBinaryMessageBufferSize(max);
    }

    @Override
    public int getDefaultMaxTextMessageBufferSize() {
        return settings.maxTextMessageBufferSize();
    }

    @Override
    public void setDefaultMaxTextMessageBufferSize(int max) {
        settings.maxTextMessageBufferSize(max);
    }
}
