package io.pado.cluster;

import java.util.Objects;

/**
 * A member listed in a topic's presence.
 *
 * @param name the name it joined under ({@link JoinOptions#withPresence})
 * @param node the node that holds its WebSocket ({@link Topics#node()})
 */
public record Presence(String name, String node) {
    public Presence {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(node, "node");
    }
}
