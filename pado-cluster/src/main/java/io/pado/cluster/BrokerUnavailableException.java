package io.pado.cluster;

import java.io.IOException;

/**
 * The broker cannot take a publish: it is down and this node's queue of publishes waiting for it is full, or the
 * {@link Topics} was closed first. The message was not published.
 */
public final class BrokerUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    public BrokerUnavailableException(String message) {
        super(message);
    }
}
