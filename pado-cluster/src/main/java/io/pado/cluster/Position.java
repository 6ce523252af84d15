package io.pado.cluster;

import java.util.Objects;

/**
 * Where a message stands in its topic: the topic's {@code epoch} and the message's {@code offset} in it. Offsets
 * count a topic's messages from 1, one by one, in the order every member receives them. The epoch names one
 * unbroken history: it changes only when the broker lost the topic's history (a Redis restarted without its data, a
 * NATS stream deleted), and then offsets count from 1 again. A client that keeps the position of the last message
 * it saw can resume there on any node ({@link JoinOptions#resumeAfter}).
 *
 * @param epoch  the history's name, opaque, never blank
 * @param offset the message's number, from 1; 0 means "before the first message"
 */
public record Position(String epoch, long offset) {
    public Position {
        Objects.requireNonNull(epoch, "epoch");
        if (epoch.isBlank() || offset < 0) {
            throw new IllegalArgumentException("bad position: epoch '" + epoch + "', offset " + offset);
        }
    }
}
