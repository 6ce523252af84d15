package io.pado.cluster;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a joining member is about to get, as its {@link JoinOptions.Greeting} sees it.
 *
 * @param topic    the topic
 * @param replay   the first messages it is owed, oldest first (more may follow one by one, then the new ones)
 * @param position the position of the last message in {@code replay}, or where delivery starts if it is empty
 * @param gap      present if it asked to resume and that was impossible
 */
public record Joined(String topic, List<TopicMessage> replay, Position position, Optional<Gap> gap) {
    public Joined {
        Objects.requireNonNull(topic, "topic");
        replay = List.copyOf(replay);
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(gap, "gap");
    }

    /** Whether it asked to resume and gets everything it missed. */
    public boolean resumed() {
        return gap.isEmpty();
    }
}
