package io.pado.cluster;

import java.util.Objects;

/**
 * What {@link Topics} tells the application ({@link TopicsOptions.Builder#listener}), one event at a time, in order,
 * on the thread {@code pado-cluster-events}.
 */
public sealed interface ClusterEvent {

    /** Someone joined or left a topic under a presence name, on this node or another. */
    record PresenceChanged(String topic, Presence member, Change change) implements ClusterEvent {
        public enum Change { JOINED, LEFT }

        public PresenceChanged {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(change, "change");
        }
    }

    /**
     * The broker stopped answering. Publishes wait in this node's queue (bounded); members keep what they have and
     * get what they missed when it is back.
     */
    record BrokerDown(Throwable cause) implements ClusterEvent {
        public BrokerDown {
            Objects.requireNonNull(cause, "cause");
        }
    }

    /** The broker answers again; queued publishes go out in order. */
    record BrokerUp() implements ClusterEvent {
    }

    /** The broker lost a topic's history: its epoch changed, and every member got a {@link Gap}. */
    record HistoryLost(String topic, String oldEpoch, String newEpoch) implements ClusterEvent {
        public HistoryLost {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(oldEpoch, "oldEpoch");
            Objects.requireNonNull(newEpoch, "newEpoch");
        }
    }
}
