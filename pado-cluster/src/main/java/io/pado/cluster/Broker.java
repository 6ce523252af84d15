package io.pado.cluster;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Where topics live between nodes: their history, in order, and who is present. This is the service provider
 * interface behind {@link Topics}; pado has three, made by the factories below: {@link #memory} (this process only),
 * {@link #nats} (NATS JetStream) and {@link #redis} (Redis Streams, standalone or Redis Cluster).
 *
 * <p><b>The contract.</b> Each topic has an epoch and a history of messages numbered 1, 2, 3… in that epoch. An
 * {@link #append} returns only once the messages are in the history, as durable as the broker is configured to
 * keep it: that is what "acknowledged" means. The history keeps at least the last {@code historyPerTopic} messages
 * of each topic and loses older ones from the front only; if the broker loses a topic's history, the topic gets a
 * new epoch. A message appended again with {@link Attempt#RETRY} and an id the history still has is not stored
 * twice: its first position is returned.
 *
 * <p><b>Threads.</b> Implementations are thread-safe. Every method but {@link #follow} may block on the network
 * (callers use virtual threads); a failed round trip throws {@link IOException}, after which the caller retries.
 */
public interface Broker extends AutoCloseable {

    /** A message to append: the id its node gave it, and its text. */
    record Draft(String id, String data) {
        public Draft {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(data, "data");
        }
    }

    /**
     * A topic's history now.
     *
     * @param epoch       the history's name
     * @param firstOffset the oldest message kept ({@code lastOffset + 1} if none is)
     * @param lastOffset  the newest message (0 if there was none in this epoch)
     */
    record Head(String epoch, long firstOffset, long lastOffset) {
        public Head {
            Objects.requireNonNull(epoch, "epoch");
        }
    }

    /** Whether an append is the first try of its messages, or a retry after a failure whose outcome is unknown. */
    enum Attempt { FIRST, RETRY }

    /** Where a {@link Follower} puts what it reads: called from one thread at a time, in order. */
    interface Sink {
        /**
         * The follower is at the end of the topic's history: messages after {@code lastOffset} in {@code epoch}
         * follow. Called first, and again if the epoch changes (the history was lost), then with offset 0.
         */
        void started(String epoch, long lastOffset);

        /** The next message in the topic's order. A jump in offsets means the history was trimmed meanwhile. */
        void message(TopicMessage message);

        /** Presence in the topic may have changed on some node: read the roster. */
        void presence();

        /** The broker failed under the follower; it retries on its own, from where it was. */
        void failed(Exception cause);
    }

    /** A topic being followed; {@link #close()} stops it (the sink may get one more call). */
    interface Follower extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * One node's in-memory topics: nothing leaves the process, nothing survives it. The epoch is new every time.
     *
     * @param historyPerTopic messages kept per topic
     */
    static Broker memory(int historyPerTopic) {
        return new MemoryBroker(historyPerTopic);
    }

    /**
     * NATS JetStream at {@code uri} ({@code nats://host:port}): one stream per topic (subject
     * {@code pado.topic.<topic>}, file storage, the last {@code historyPerTopic} messages, duplicates detected by
     * message id), consumers that resume by sequence, presence in a key-value bucket. Needs jnats.
     *
     * @throws IOException if the server cannot be reached or has no JetStream
     */
    static Broker nats(URI uri, int historyPerTopic) throws IOException {
        return NatsBroker.connect(uri, historyPerTopic);
    }

    /**
     * Redis at {@code uri} ({@code redis://host:port}, standalone or any node of a Redis Cluster): a stream per
     * topic read by id, appended by a Lua script that is passed every key it touches, all of a topic's keys in one
     * cluster slot ({@code pado:{topic}:…}). Needs Jedis. Durable as the server's AOF is configured
     * ({@code appendfsync always} to lose nothing acknowledged).
     *
     * @throws IOException if the server cannot be reached
     */
    static Broker redis(URI uri, int historyPerTopic) throws IOException {
        return RedisBroker.connect(uri, historyPerTopic);
    }

    /**
     * The broker an address names: {@code memory:local}, {@code nats://…} or {@code redis://…}.
     *
     * @throws IllegalArgumentException for another scheme
     * @throws IOException              if the broker cannot be reached
     */
    static Broker open(URI uri, int historyPerTopic) throws IOException {
        return switch (String.valueOf(uri.getScheme())) {
            case "memory" -> memory(historyPerTopic);
            case "nats" -> nats(uri, historyPerTopic);
            case "redis" -> redis(uri, historyPerTopic);
            default -> throw new IllegalArgumentException(
                    "not a broker address (memory:local, nats://, redis://): " + uri);
        };
    }

    /**
     * Appends the drafts to the topic's history, in order, and returns their positions once they are in it
     * (acknowledged). With {@link Attempt#RETRY}, drafts whose ids the history has are not appended again.
     */
    List<Position> append(String topic, List<Draft> drafts, Attempt attempt) throws IOException;

    /** The topic's history now; gives the topic an epoch if it has none yet. */
    Head head(String topic) throws IOException;

    /**
     * Up to {@code max} messages of the current epoch after {@code afterOffset}, oldest first. The first may come
     * later than {@code afterOffset + 1} if the history was trimmed; the list is empty if nothing is after it.
     */
    List<TopicMessage> read(String topic, long afterOffset, int max) throws IOException;

    /**
     * Follows the topic from the end of its history, on a thread of the broker's, until closed; see {@link Sink}.
     * Never throws for a broker that is down: the follower retries, resuming by offset, and tells the sink.
     */
    Follower follow(String topic, Sink sink);

    /**
     * Lists {@code name} in the topic as held by {@code node}, unless a live member of another node holds it
     * (returns false). An entry lives {@code ttl} unless its node refreshes it ({@link #roster}).
     */
    boolean claim(String topic, String name, String node, Duration ttl) throws IOException;

    /** Removes {@code name} from the topic if {@code node} holds it. */
    void release(String topic, String name, String node) throws IOException;

    /**
     * Makes {@code node}'s entries in the topic exactly {@code mine} (refreshed for another {@code ttl}; names
     * another live node holds are skipped), drops entries that expired, and returns everyone listed.
     */
    List<Presence> roster(String topic, String node, Collection<String> mine, Duration ttl) throws IOException;

    /** One round trip, to tell whether the broker answers. */
    void ping() throws IOException;

    /** What this broker is, for logs: its kind and address. */
    String describe();

    /** Disconnects; followers stop. */
    @Override
    void close();
}
