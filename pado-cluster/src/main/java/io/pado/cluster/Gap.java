package io.pado.cluster;

import java.util.Objects;
import java.util.Optional;

/**
 * Messages a member should have had and cannot get: the history no longer reaches back to where it was. Sent to
 * the member (rendered by its {@link MessageFormat}) instead of a silent hole; what follows starts at
 * {@code resumedAt}. The client's answer is to reload whatever it builds from the topic.
 *
 * @param topic     the topic
 * @param lastSeen  the position the member had, if it had one (a resume, or live delivery until it fell behind)
 * @param resumedAt the position after which delivery goes on: the member gets the messages after it
 * @param reason    why recovery is impossible
 */
public record Gap(String topic, Optional<Position> lastSeen, Position resumedAt, Reason reason) {

    /** Why the messages cannot be had. */
    public enum Reason {
        /** The broker trimmed them: the topic keeps its last {@code historyPerTopic} messages. */
        TRIMMED,
        /** The broker lost the topic's history; the epoch changed and offsets count from 1 again. */
        HISTORY_LOST
    }

    public Gap {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(lastSeen, "lastSeen");
        Objects.requireNonNull(resumedAt, "resumedAt");
        Objects.requireNonNull(reason, "reason");
    }
}
