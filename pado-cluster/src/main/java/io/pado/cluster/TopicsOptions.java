package io.pado.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How a node's {@link Topics} behave: which broker they share, how much history a topic keeps, how long a silent
 * node stays present, how many publishes may wait for a broker that is down, and who hears about it. Immutable;
 * built with {@link #builder()}, changed with {@link #toBuilder()}.
 *
 * {@snippet :
 * var options = TopicsOptions.builder()
 *         .broker(URI.create("nats://127.0.0.1:4222"))
 *         .historyPerTopic(10_000)
 *         .listener(event -> System.out.println(event))
 *         .build();
 * }
 *
 * <p>The defaults: the {@code memory:local} broker (this node alone), 1,000 messages per topic, presence entries that
 * live 10 s (refreshed every third of that), 10,000 queued publishes, catch-up reads of 100 messages, a random
 * node name, and a listener that ignores events.
 */
public final class TopicsOptions {

    /** The defaults listed above. */
    public static final TopicsOptions DEFAULT = builder().build();

    private final URI brokerAddress;
    private final Optional<Broker> broker;
    private final int historyPerTopic;
    private final Duration presenceTtl;
    private final int maxQueuedPublishes;
    private final int catchUpBatch;
    private final String node;
    private final Consumer<ClusterEvent> listener;

    private TopicsOptions(Builder b) {
        brokerAddress = Objects.requireNonNull(b.brokerAddress, "brokerAddress");
        broker = Objects.requireNonNull(b.broker, "broker");
        historyPerTopic = require(b.historyPerTopic, 1, 100_000_000, "historyPerTopic");
        presenceTtl = Objects.requireNonNull(b.presenceTtl, "presenceTtl");
        if (presenceTtl.toMillis() < 300 || presenceTtl.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("presenceTtl must be 300 ms to 1 h: " + presenceTtl);
        }
        maxQueuedPublishes = require(b.maxQueuedPublishes, 1, 10_000_000, "maxQueuedPublishes");
        catchUpBatch = require(b.catchUpBatch, 1, 10_000, "catchUpBatch");
        node = Objects.requireNonNull(b.node, "node");
        if (!node.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("a node name is 1 to 64 of A-Z a-z 0-9 _ -: '" + node + "'");
        }
        listener = Objects.requireNonNull(b.listener, "listener");
    }

    private static int require(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + " to " + max + ": " + value);
        }
        return value;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The broker's address, opened by {@link Topics#start} unless a {@link #broker()} was given. */
    public URI brokerAddress() {
        return brokerAddress;
    }

    /** A broker given as an object (then {@link #brokerAddress()} is not used); the topics close it. */
    public Optional<Broker> broker() {
        return broker;
    }

    /** Messages each topic keeps, for members that resume or fall behind (brokers opened from an address). */
    public int historyPerTopic() {
        return historyPerTopic;
    }

    /** How long a node's presence entries outlive its last refresh: a killed node's members vanish after this. */
    public Duration presenceTtl() {
        return presenceTtl;
    }

    /** Publishes that may wait on this node (for a broker that is down or slow); past this, a publish fails. */
    public int maxQueuedPublishes() {
        return maxQueuedPublishes;
    }

    /** Messages read from the history per round when a member catches up; also the most a greeting replays. */
    public int catchUpBatch() {
        return catchUpBatch;
    }

    /** This node's name, unique among the nodes that share the broker; it prefixes message ids. */
    public String node() {
        return node;
    }

    /** Who hears {@link ClusterEvent}s. */
    public Consumer<ClusterEvent> listener() {
        return listener;
    }

    @Override
    public String toString() {
        return "TopicsOptions[broker=" + broker.map(Broker::describe).orElse(brokerAddress.toString())
                + ", historyPerTopic=" + historyPerTopic + ", presenceTtl=" + presenceTtl + ", maxQueuedPublishes="
                + maxQueuedPublishes + ", catchUpBatch=" + catchUpBatch + ", node=" + node + "]";
    }

    /** Builds {@link TopicsOptions}; not thread-safe. {@link #build()} checks the values. */
    public static final class Builder {
        private URI brokerAddress = URI.create("memory:local");
        private Optional<Broker> broker = Optional.empty();
        private int historyPerTopic = 1000;
        private Duration presenceTtl = Duration.ofSeconds(10);
        private int maxQueuedPublishes = 10_000;
        private int catchUpBatch = 100;
        private String node = Epochs.next();
        private Consumer<ClusterEvent> listener = event -> { };

        private Builder() {
        }

        private Builder(TopicsOptions o) {
            brokerAddress = o.brokerAddress;
            broker = o.broker;
            historyPerTopic = o.historyPerTopic;
            presenceTtl = o.presenceTtl;
            maxQueuedPublishes = o.maxQueuedPublishes;
            catchUpBatch = o.catchUpBatch;
            node = o.node;
            listener = o.listener;
        }

        /** {@code memory:local} (default), {@code nats://host:port}, {@code redis://host:port}: see {@link Broker}. */
        public Builder broker(URI address) {
            this.brokerAddress = address;
            this.broker = Optional.empty();
            return this;
        }

        /** A broker object, e.g. one of your own; the topics close it when they close. */
        public Builder broker(Broker broker) {
            this.broker = Optional.of(broker);
            return this;
        }

        /** See {@link TopicsOptions#historyPerTopic()}; default 1,000. */
        public Builder historyPerTopic(int messages) {
            this.historyPerTopic = messages;
            return this;
        }

        /** See {@link TopicsOptions#presenceTtl()}; default 10 s. */
        public Builder presenceTtl(Duration ttl) {
            this.presenceTtl = ttl;
            return this;
        }

        /** See {@link TopicsOptions#maxQueuedPublishes()}; default 10,000. */
        public Builder maxQueuedPublishes(int max) {
            this.maxQueuedPublishes = max;
            return this;
        }

        /** See {@link TopicsOptions#catchUpBatch()}; default 100. */
        public Builder catchUpBatch(int messages) {
            this.catchUpBatch = messages;
            return this;
        }

        /** See {@link TopicsOptions#node()}; default random. */
        public Builder node(String name) {
            this.node = name;
            return this;
        }

        /** See {@link TopicsOptions#listener()}. */
        public Builder listener(Consumer<ClusterEvent> listener) {
            this.listener = listener;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException if a value is out of range
         * @throws NullPointerException     if a value is null
         */
        public TopicsOptions build() {
            return new TopicsOptions(this);
        }
    }
}
