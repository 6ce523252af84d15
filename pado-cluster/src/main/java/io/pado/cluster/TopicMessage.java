package io.pado.cluster;

import java.util.Objects;

/**
 * A message published to a topic, as members receive it.
 *
 * @param topic    the topic's name
 * @param position its epoch and offset
 * @param id       the id the publishing node gave it, unique across nodes; a message published again after an
 *                 ambiguous broker failure keeps its id, which is how the broker keeps one copy
 * @param data     the text published
 */
public record TopicMessage(String topic, Position position, String id, String data) {
    public TopicMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(data, "data");
    }

    /** The message's offset in its topic. */
    public long offset() {
        return position.offset();
    }
}
