package io.pado.cluster;

import io.pado.Server;
import io.pado.WebSocket;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Topics that span every node sharing one {@link Broker}: WebSockets {@link #join} and {@link #leave} them,
 * {@link #publish} sends a message from any node to every member on every node.
 *
 * <p><b>Model.</b> Each topic is one ordered history in the broker. A message gets the next offset of its topic's
 * current epoch when the broker takes it; each node follows the topics its members are in and sends every message,
 * in offset order, once per {@link MessageFormat} to all its live members ({@link Server#broadcast}: encoded once per
 * node and format). So every member on every node sees one order per topic, each message once. A member whose send
 * queue is over its high-water mark is taken out of the broadcast: its own catch-up thread sends it what it missed
 * from the history when it drains, so one slow reader never holds up the topic, and it gets everything or a
 * {@link Gap} notice, never a silent hole. A client that kept the {@link Position} of the last message it saw can
 * join on any node with {@link JoinOptions#resumeAfter} and gets exactly what came after it, or a {@link Gap} if the
 * history no longer reaches back. Members may be listed in a topic's presence under a name unique across nodes.
 *
 * <p><b>Acknowledged.</b> A publish's future completes with the message's position only once the broker holds it in
 * the topic's history (see {@link Broker} for how durable that is with each broker); from then on every member
 * gets it. While the broker is down, publishes wait in this node's queue, in order, up to
 * {@link TopicsOptions#maxQueuedPublishes()}, and go out when it is back; a publish whose outcome was unknown is
 * retried under the same id and stored once. Messages queued on a node die with it: they were never acknowledged.
 *
 * <p><b>Threads.</b> All methods are thread-safe and may be called from handler callbacks. {@link #join},
 * {@link #presence} and {@link #history} may block on a broker round trip (fine on pado's virtual threads). Messages
 * reach members from the broker's follower thread (live) and from per-member catch-up threads; events reach the
 * {@link TopicsOptions#listener()} on {@code pado-cluster-events}; the housekeeping thread
 * {@code pado-cluster-beat} refreshes presence and watches a broker that is down.
 *
 * <p><b>Buffers.</b> Messages are strings; a topic's frame is built once per format and shared by the members
 * (pado copies nothing per member). Nothing the caller passes is kept beyond the call, but the message text.
 *
 * {@snippet :
 * Topics topics = Topics.start(server, TopicsOptions.builder().broker(URI.create("nats://127.0.0.1:4222")).build());
 * // in a handler:
 * topics.join(ws, "prices");                                    // new messages from now on
 * topics.publish("prices", "{\"EURUSD\":1.0841}").join();       // acknowledged: the broker has it
 * // onClose:
 * topics.leaveAll(ws);
 * }
 */
public final class Topics implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Topics.class.getName());
    private static final long WATCH_MILLIS = 100;
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Server server;
    private final Broker broker;
    private final TopicsOptions options;
    private final BrokerWatch watch;
    private final String node;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final Map<String, PublishQueue> queues = new ConcurrentHashMap<>();
    /** Presence names a join is claiming now, by topic (see {@link #join}). */
    private final Map<String, Set<String>> claiming = new ConcurrentHashMap<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong said = new AtomicLong();
    /** Topics whose presence the beat thread reads at once (added before the watch is signalled). */
    private final Set<Topic> presenceDue = ConcurrentHashMap.newKeySet();
    private final Thread beat;

    private Topics(Server server, Broker broker, TopicsOptions options) {
        this.server = server;
        this.broker = broker;
        this.options = options;
        this.watch = new BrokerWatch(broker, options.listener());
        this.node = options.node();
        this.beat = Thread.ofPlatform().name("pado-cluster-beat").daemon().unstarted(this::beatLoop);
    }

    /**
     * Topics for the WebSockets of {@code server} (used for its {@link Server#broadcast}), over the broker the
     * options name, which is opened now and closed by {@link #close()}.
     *
     * @throws IOException if the broker cannot be reached
     */
    public static Topics start(Server server, TopicsOptions options) throws IOException {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(options, "options");
        Broker broker = options.broker().isPresent() ? options.broker().get()
                : Broker.open(options.brokerAddress(), options.historyPerTopic());
        var topics = new Topics(server, broker, options);
        topics.beat.start();
        LOG.log(System.Logger.Level.INFO, "cluster: node {0} shares topics through {1}", topics.node,
                broker.describe());
        return topics;
    }

    /** This node's name ({@link TopicsOptions#node()}). */
    public String node() {
        return node;
    }

    /** Joins {@code ws} to the topic with {@link JoinOptions#DEFAULT}: new messages from now on. */
    public void join(WebSocket ws, String topic) throws IOException {
        join(ws, topic, JoinOptions.DEFAULT);
    }

    /**
     * Joins {@code ws} to the topic: with a presence name, that name is claimed first, across nodes; then the
     * member is greeted and caught up from where {@code options} say, on a thread of its own, and gets every new
     * message after that. Joining again replaces the previous join of that WebSocket to the topic. Returns once the
     * member is in the topic, and where it starts is fixed (unless the broker is down): a message published after
     * this returns reaches it. Its greeting and catch-up follow on their own thread.
     *
     * <p>While the broker is down, the presence name is checked on this node only (the roster claims it when the
     * broker is back), and the member gets its greeting when the broker answers.
     *
     * @throws NameTakenException if a live member, on any node, holds the presence name
     * @throws IOException        never for a broker that is down; reserved for brokers that refuse
     */
    public void join(WebSocket ws, String topic, JoinOptions options) throws IOException {
        Objects.requireNonNull(ws, "ws");
        Objects.requireNonNull(options, "options");
        checkName(topic);
        checkOpen();
        Optional<String> name = options.presence();
        var member = new Member(ws, options);
        Topic t;
        // A name being claimed counts as this node's: a roster refresh meanwhile must not withdraw it.
        name.ifPresent(n -> claiming.computeIfAbsent(topic, k -> ConcurrentHashMap.newKeySet()).add(n));
        try {
            if (name.isPresent()) {
                Topic existing = topics.get(topic);
                if (existing != null && existing.holds(name.get()) && !existing.hasMember(ws)) {
                    throw new NameTakenException("'" + name.get() + "' is taken in " + topic);
                }
                if (watch.isUp()) {
                    try {
                        if (!broker.claim(topic, name.get(), node, this.options.presenceTtl())) {
                            throw new NameTakenException("'" + name.get() + "' is taken in " + topic);
                        }
                    } catch (NameTakenException e) {
                        throw e;
                    } catch (IOException | RuntimeException e) {
                        watch.failed(e); // unique on this node until the broker is back; the roster claims it then
                    }
                }
            }
            t = topics.compute(topic, (k, existing) -> {
                Topic target = existing;
                if (target == null) {
                    target = newTopic(k);
                    target.start();
                }
                target.add(member);
                return target;
            });
        } finally {
            name.ifPresent(n -> claiming.computeIfPresent(topic, (k, names) -> {
                names.remove(n);
                return names.isEmpty() ? null : names;
            }));
        }
        if (watch.isUp()) {
            try {
                t.awaitStart(member, START_TIMEOUT_NANOS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (name.isPresent()) {
            refreshPresence(t);
        }
    }

    /** Takes {@code ws} out of the topic (and its presence name, at once on every node). Does nothing if absent. */
    public void leave(WebSocket ws, String topic) {
        Objects.requireNonNull(ws, "ws");
        var removed = new Member[1];
        var left = new Topic[1];
        topics.computeIfPresent(topic, (k, t) -> {
            removed[0] = t.remove(ws);
            left[0] = t;
            if (t.isEmpty()) {
                t.stop();
                return null;
            }
            return t;
        });
        if (removed[0] != null && removed[0].options.presence().isPresent()) {
            String name = removed[0].options.presence().get();
            Topic t = left[0];
            t.presenceLock.lock();
            try {
                if (!watch.isClosed() && watch.isUp()) {
                    broker.release(topic, name, node);
                }
            } catch (IOException | RuntimeException e) {
                watch.failed(e); // the roster drops it when the broker is back, or its entry expires
            } finally {
                t.presenceLock.unlock();
            }
            refreshPresence(t);
        }
    }

    /** Takes {@code ws} out of every topic it is in; call it from {@link io.pado.Handler#onClose}. */
    public void leaveAll(WebSocket ws) {
        for (Topic t : List.copyOf(topics.values())) {
            if (t.hasMember(ws)) {
                leave(ws, t.name);
            }
        }
    }

    /**
     * Publishes {@code data} to the topic, from this node, to every member on every node. The future completes with
     * the message's position once the broker holds it (acknowledged), and fails with
     * {@link BrokerUnavailableException} if this node's queue is full or the topics close first. Publishes of one
     * node to one topic are stored in call order while the broker works; around a broker failure, a node's
     * messages in flight may be stored in another order, never twice. The future completes on a thread of the
     * topics: chain blocking work with the {@code …Async} methods.
     */
    public CompletableFuture<Position> publish(String topic, String data) {
        checkName(topic);
        Objects.requireNonNull(data, "data");
        var done = new CompletableFuture<Position>();
        if (watch.isClosed()) {
            done.completeExceptionally(new BrokerUnavailableException("the topics are closed"));
            return done;
        }
        if (queued.incrementAndGet() > options.maxQueuedPublishes()) {
            queued.decrementAndGet();
            done.completeExceptionally(new BrokerUnavailableException(options.maxQueuedPublishes()
                    + " publishes wait on this node for " + broker.describe()
                    + (watch.isUp() ? "" : ", which is down") + "; try later"));
            return done;
        }
        String id = node + "-" + said.incrementAndGet();
        queues.computeIfAbsent(topic, t -> new PublishQueue(t, watch, queued)).add(new Broker.Draft(id, data), done);
        return done;
    }

    /**
     * Up to {@code max} messages of the topic's history after {@code afterOffset} (of its current epoch), oldest
     * first; the first may come later than {@code afterOffset + 1} if older ones were trimmed. Blocks for a broker
     * round trip.
     *
     * @throws IOException if the broker is down
     */
    public List<TopicMessage> history(String topic, long afterOffset, int max) throws IOException {
        checkName(topic);
        try {
            return broker.read(topic, afterOffset, max);
        } catch (IOException | RuntimeException e) {
            watch.failed(e);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /**
     * The position of the topic's newest message: as delivered on this node if it follows the topic, else as the
     * broker has it (which gives the topic an epoch if it had none).
     *
     * @throws IOException if the topic is not followed here and the broker is down
     */
    public Position position(String topic) throws IOException {
        checkName(topic);
        Topic t = topics.get(topic);
        Optional<Position> here = t == null ? Optional.empty() : t.position();
        if (here.isPresent()) {
            return here.get();
        }
        try {
            Broker.Head head = broker.head(topic);
            return new Position(head.epoch(), head.lastOffset());
        } catch (IOException | RuntimeException e) {
            watch.failed(e);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /**
     * Who is present in the topic on every node, read from the broker (which refreshes this node's view of the
     * topic, if it follows it); while the broker is down, this node's last view.
     *
     * @throws IOException if the view must be read and the broker is down
     */
    public List<Presence> presence(String topic) throws IOException {
        checkName(topic);
        Topic t = topics.get(topic);
        if (t != null) {
            refreshPresence(t); // its view may not have been read yet
            return t.roster();
        }
        try {
            return List.copyOf(broker.roster(topic, node, List.of(), options.presenceTtl()));
        } catch (IOException | RuntimeException e) {
            watch.failed(e);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /**
     * Calls {@code listener} with every message of the topic delivered on this node, in order, on the follower's
     * thread, after its members got it; it must not block. The node follows the topic while it has members or
     * listeners. Close the returned handle to stop.
     */
    public AutoCloseable listen(String topic, Consumer<TopicMessage> listener) {
        checkName(topic);
        Objects.requireNonNull(listener, "listener");
        checkOpen();
        topics.compute(topic, (k, existing) -> {
            Topic target = existing;
            if (target == null) {
                target = newTopic(k);
                target.start();
            }
            target.listen(listener);
            return target;
        });
        return () -> topics.computeIfPresent(topic, (k, t) -> {
            t.unlisten(listener);
            if (t.isEmpty()) {
                t.stop();
                return null;
            }
            return t;
        });
    }

    /** Whether the broker answered the last time this node asked. */
    public boolean isBrokerUp() {
        return watch.isUp();
    }

    /**
     * Stops: followers end, presence entries of this node are withdrawn from every topic at once (other nodes need
     * not wait for them to expire), publishes still queued fail with {@link BrokerUnavailableException}, and the
     * broker is closed. Members are not closed: their WebSockets belong to the server.
     */
    @Override
    public void close() {
        if (watch.isClosed()) {
            return;
        }
        watch.close();
        for (Topic t : List.copyOf(topics.values())) {
            t.stop();
            if (watch.isUp() && !t.localNames().isEmpty()) {
                t.presenceLock.lock(); // after a refresh still under way, which could list the names again
                try {
                    broker.roster(t.name, node, List.of(), options.presenceTtl());
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "cluster: could not withdraw node {0} from {1}: {2}; its"
                            + " members vanish when their entries expire", node, t.name, e.getMessage());
                } finally {
                    t.presenceLock.unlock();
                }
            }
        }
        topics.clear();
        try {
            beat.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        broker.close();
        watch.endEvents();
        LOG.log(System.Logger.Level.INFO, "cluster: node {0} left {1}", node, broker.describe());
    }

    private Topic newTopic(String name) {
        return new Topic(name, watch, server, options.catchUpBatch(), this::presenceChanged);
    }

    /** A follower says the topic's presence changed: the beat thread reads it at once. */
    private void presenceChanged(Topic t) {
        presenceDue.add(t);
        watch.signal();
    }

    private void refreshPresence(Topic t) {
        if (!watch.isUp() || watch.isClosed()) {
            return;
        }
        t.presenceLock.lock();
        try {
            var mine = new java.util.LinkedHashSet<>(t.localNames());
            mine.addAll(claiming.getOrDefault(t.name, Set.of()));
            List<Presence> now = broker.roster(t.name, node, mine, options.presenceTtl());
            t.roster(now).forEach(watch::event);
        } catch (IOException | RuntimeException e) {
            watch.failed(e);
        } finally {
            t.presenceLock.unlock();
        }
    }

    /** Refreshes presence every third of the TTL (and at once when a follower says it changed); pings when down. */
    private void beatLoop() {
        long beatNanos = options.presenceTtl().toNanos() / 3;
        long nextBeat = System.nanoTime();
        while (!watch.isClosed()) {
            if (watch.pingIfDown()) {
                nextBeat = System.nanoTime(); // say who is here at once
            }
            long now = System.nanoTime();
            if (watch.isUp()) {
                var due = new ArrayList<Topic>();
                if (now - nextBeat >= 0) {
                    nextBeat = now + beatNanos;
                    due.addAll(topics.values());
                    presenceDue.clear();
                } else {
                    for (Topic t : List.copyOf(presenceDue)) {
                        presenceDue.remove(t);
                        due.add(t);
                    }
                }
                due.forEach(this::refreshPresence);
            }
            long wait = watch.isUp() ? Math.max(1, nextBeat - System.nanoTime())
                    : TimeUnit.MILLISECONDS.toNanos(WATCH_MILLIS);
            try {
                watch.await(wait, () -> !presenceDue.isEmpty());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void checkOpen() {
        if (watch.isClosed()) {
            throw new IllegalStateException("the topics are closed");
        }
    }

    private static void checkName(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty() || topic.length() > 200 || topic.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("a topic name is 1 to 200 characters, no control characters: '"
                    + topic + "'");
        }
    }
}
