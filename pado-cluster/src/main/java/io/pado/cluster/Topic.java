package io.pado.cluster;

import io.pado.Server;
import io.pado.WebSocket;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One topic on this node while it has members or listeners: the broker's follower feeds it ({@link Broker.Sink}),
 * and it sends each message once per format to the live members ({@code Server.broadcast}). A member that is behind
 * has its own catch-up thread that reads the history. Everything that decides who gets which offset happens under
 * one lock; sending happens outside it, the follower's thread being the only one that sends to live members and a
 * member's catch-up thread the only one that sends to it while it is not live, so each member gets the topic's
 * messages in order, each once. Thread-safe.
 */
final class Topic implements Broker.Sink {
    private static final System.Logger LOG = System.getLogger(Topic.class.getName());

    final String name;
    private final BrokerWatch watch;
    private final Server server;
    /** At most this many messages per history read of a catch-up ({@link TopicsOptions#catchUpBatch()}). */
    private final int catchUpBatch;
    /** Told when the broker says the topic's presence changed. */
    private final Consumer<Topic> presenceChanged;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /**
     * Held across a presence refresh (reading this node's names, the broker's roster call, the events) and a
     * release: a refresh that read a name before its member left would otherwise list it again after the release,
     * and two refreshes could apply their rosters in the wrong order.
     */
    final ReentrantLock presenceLock = new ReentrantLock();
    /** Guarded by lock. */
    private final Map<WebSocket, Member> members = new LinkedHashMap<>();
    private final List<Consumer<TopicMessage>> listeners = new CopyOnWriteArrayList<>();
    /** The epoch and the last offset delivered on this node; guarded by lock, epoch null until started. */
    private String epoch;
    private long delivered;
    /** Everyone present, as last read; guarded by lock. */
    private Map<String, Presence> roster = Map.of();
    private volatile boolean stopped;
    private Broker.Follower follower;

    Topic(String name, BrokerWatch watch, Server server, int catchUpBatch, Consumer<Topic> presenceChanged) {
        this.name = name;
        this.watch = watch;
        this.server = server;
        this.catchUpBatch = catchUpBatch;
        this.presenceChanged = presenceChanged;
    }

    /** Starts following; called once, right after construction. */
    void start() {
        follower = watch.broker.follow(name, this);
    }

    /** Stops following, on a thread of its own (the follower's close may wait for its thread). */
    void stop() {
        stopped = true;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        Broker.Follower f = follower;
        if (f != null) {
            Thread.ofVirtual().name("pado-cluster-unfollow-" + name).start(f::close);
        }
    }

    /**
     * Adds the member, behind: its catch-up thread greets it and brings it up to date. Its start is fixed now if the
     * topic is followed already, else as soon as the follower starts (see {@link #awaitStart}).
     */
    void add(Member m) {
        lock.lock();
        try {
            members.put(m.ws, m);
            m.catching = true;
            if (epoch != null) {
                resolveStartLocked(m);
            }
        } finally {
            lock.unlock();
        }
        Thread.ofVirtual().name("pado-cluster-catch-up-" + name).start(() -> catchUp(m));
    }

    /**
     * Waits up to {@code timeoutNanos} for the follower to start, then fixes the member's start if nothing did: so
     * that "new messages from now on" means from when the join returned.
     */
    void awaitStart(Member m, long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (epoch == null && left > 0 && !stopped) {
                left = changed.awaitNanos(left);
            }
            if (epoch != null && m.epoch == null && members.get(m.ws) == m) {
                resolveStartLocked(m);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes the WebSocket; returns its member, if it was one. */
    Member remove(WebSocket ws) {
        lock.lock();
        try {
            Member m = members.remove(ws);
            changed.signalAll();
            return m;
        } finally {
            lock.unlock();
        }
    }

    void listen(Consumer<TopicMessage> listener) {
        listeners.add(listener);
    }

    void unlisten(Consumer<TopicMessage> listener) {
        listeners.remove(listener);
    }

    boolean isEmpty() {
        lock.lock();
        try {
            return members.isEmpty() && listeners.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    boolean hasMember(WebSocket ws) {
        lock.lock();
        try {
            return members.containsKey(ws);
        } finally {
            lock.unlock();
        }
    }

    /** Whether a member of this node holds the presence name. */
    boolean holds(String presence) {
        lock.lock();
        try {
            return members.values().stream().anyMatch(m -> m.options.presence().equals(Optional.of(presence)));
        } finally {
            lock.unlock();
        }
    }

    /** The presence names of this node's open members; drops members whose WebSocket closed. */
    List<String> localNames() {
        lock.lock();
        try {
            members.values().removeIf(m -> !m.ws.isOpen());
            var out = new ArrayList<String>();
            members.values().forEach(m -> m.options.presence().ifPresent(out::add));
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Replaces the roster; returns the changes, for the listener. */
    List<ClusterEvent.PresenceChanged> roster(List<Presence> now) {
        var next = new LinkedHashMap<String, Presence>();
        now.forEach(p -> next.put(p.name(), p));
        var changes = new ArrayList<ClusterEvent.PresenceChanged>();
        lock.lock();
        try {
            roster.values().forEach(p -> {
                if (!p.equals(next.get(p.name()))) {
                    changes.add(new ClusterEvent.PresenceChanged(name, p, ClusterEvent.PresenceChanged.Change.LEFT));
                }
            });
            next.values().forEach(p -> {
                if (!p.equals(roster.get(p.name()))) {
                    changes.add(new ClusterEvent.PresenceChanged(name, p,
                            ClusterEvent.PresenceChanged.Change.JOINED));
                }
            });
            roster = next;
        } finally {
            lock.unlock();
        }
        return changes;
    }

    List<Presence> roster() {
        lock.lock();
        try {
            return List.copyOf(roster.values());
        } finally {
            lock.unlock();
        }
    }

    /** The position of the last message delivered on this node; empty until the follower started. */
    Optional<Position> position() {
        lock.lock();
        try {
            return epoch == null ? Optional.empty() : Optional.of(new Position(epoch, delivered));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void started(String newEpoch, long lastOffset) {
        String old;
        var behind = new ArrayList<Member>();
        lock.lock();
        try {
            old = epoch;
            epoch = newEpoch;
            delivered = lastOffset;
            if (old != null && !old.equals(newEpoch)) {
                // The broker lost the history: everyone is told, then gets the new epoch from its start.
                for (Member m : members.values()) {
                    if (m.epoch != null) {
                        m.pendingGap = new Gap(name, Optional.of(new Position(m.epoch, Math.max(0, m.next - 1))),
                                new Position(newEpoch, 0), Gap.Reason.HISTORY_LOST);
                        m.epoch = newEpoch;
                        m.next = 1;
                        m.owed = true;
                    }
                    m.live = false;
                    if (!m.catching) {
                        m.catching = true;
                        behind.add(m);
                    }
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (old != null && !old.equals(newEpoch)) {
            LOG.log(System.Logger.Level.WARNING, "cluster: topic {0} lost its history (epoch {1} is now {2})", name,
                    old, newEpoch);
            watch.event(new ClusterEvent.HistoryLost(name, old, newEpoch));
        }
        behind.forEach(this::startCatchUp);
    }

    @Override
    public void message(TopicMessage message) {
        var groups = new IdentityHashMap<MessageFormat, List<WebSocket>>();
        var behind = new ArrayList<Member>();
        long o = message.offset();
        lock.lock();
        try {
            if (epoch == null || !epoch.equals(message.position().epoch()) || o <= delivered) {
                return; // not started, or a message this node already delivered
            }
            boolean jumped = o != delivered + 1; // the history was trimmed past this node: live members missed some
            Position missedFrom = new Position(epoch, delivered);
            delivered = o;
            for (Member m : members.values()) {
                if (!m.live || m.next > o || !m.ws.isOpen()) {
                    continue;
                }
                if (jumped || !m.ws.isWritable()) {
                    // Behind: it catches up on its own thread from the history, and the topic goes on without it.
                    m.live = false;
                    m.next = o;
                    m.owed = true;
                    if (jumped) {
                        m.pendingGap = new Gap(name, Optional.of(missedFrom), new Position(epoch, o - 1),
                                Gap.Reason.TRIMMED);
                    }
                    if (!m.catching) {
                        m.catching = true;
                        behind.add(m);
                    }
                    continue;
                }
                groups.computeIfAbsent(m.options.format(), f -> new ArrayList<>()).add(m.ws);
                m.next = o + 1;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        groups.forEach((format, targets) -> {
            int sent = server.broadcast(targets, format.message(message));
            if (sent < targets.size() && LOG.isLoggable(System.Logger.Level.DEBUG)) {
                LOG.log(System.Logger.Level.DEBUG, "cluster: {0} of {1} members of {2} skipped offset {3} (closed or"
                        + " full)", targets.size() - sent, targets.size(), name, o);
            }
        });
        behind.forEach(this::startCatchUp);
        for (Consumer<TopicMessage> listener : listeners) {
            try {
                listener.accept(message);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "cluster: a listener of topic " + name + " threw", e);
            }
        }
    }

    @Override
    public void presence() {
        presenceChanged.accept(this);
    }

    @Override
    public void failed(Exception cause) {
        watch.failed(cause);
    }

    private void startCatchUp(Member m) {
        Thread.ofVirtual().name("pado-cluster-catch-up-" + name).start(() -> catchUp(m));
    }

    /**
     * On the member's catch-up thread: greets it, sends what it is owed from the history in batches (waiting for its
     * send queue between them), and makes it live once it has everything this node delivered. Never sends what the
     * broadcast sends: it stops at the offset delivered when each round began.
     */
    private void catchUp(Member m) {
        var backoff = new Backoff();
        try {
            while (!stopped && m.ws.isOpen()) {
                String ep;
                long target;
                long next;
                Gap gap;
                lock.lock();
                try {
                    while (epoch == null && !stopped && members.get(m.ws) == m) {
                        changed.await(1, TimeUnit.SECONDS);
                    }
                    if (stopped || members.get(m.ws) != m) {
                        return;
                    }
                    ep = epoch;
                    target = delivered;
                    if (m.epoch == null) {
                        resolveStartLocked(m);
                    }
                    next = m.next;
                    gap = m.pendingGap;
                    m.pendingGap = null;
                    if (next > target && gap == null && m.greeted) {
                        m.live = true;
                        m.owed = true;
                        m.catching = false;
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                List<TopicMessage> batch = List.of();
                long floor = next - 1;
                if (next <= target) {
                    try {
                        batch = watch.broker.read(name, next - 1, (int) Math.min(catchUpBatch, target - next + 1));
                        backoff.reset();
                    } catch (IOException | RuntimeException e) {
                        watch.failed(e);
                        restore(m, gap);
                        Thread.sleep(backoff.nextMillis());
                        continue;
                    }
                    batch = batch.stream().filter(x -> x.position().epoch().equals(ep) && x.offset() <= target)
                            .toList();
                    if (batch.isEmpty() || batch.getFirst().offset() > next) {
                        // The history no longer reaches back: say so if it was owed, go on with what is kept.
                        floor = batch.isEmpty() ? target : batch.getFirst().offset() - 1;
                        if (m.owed && gap == null) {
                            gap = new Gap(name, Optional.of(new Position(ep, next - 1)), new Position(ep, floor),
                                    Gap.Reason.TRIMMED);
                        }
                    }
                }
                Position reached = batch.isEmpty() ? new Position(ep, floor) : batch.getLast().position();
                send(m, gap, batch, reached);
                lock.lock();
                try {
                    if (!ep.equals(m.epoch)) {
                        continue; // the history was lost meanwhile: started() reset it
                    }
                    m.next = reached.offset() + 1;
                } finally {
                    lock.unlock();
                }
                awaitWritable(m);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "cluster: catching up a member of " + name + " failed", e);
            m.ws.close(1011, "internal error");
        } finally {
            lock.lock();
            try {
                if (!m.live) {
                    m.catching = false;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Puts a gap taken for a round that failed back, unless a newer one came. */
    private void restore(Member m, Gap gap) {
        if (gap == null) {
            return;
        }
        lock.lock();
        try {
            if (m.pendingGap == null) {
                m.pendingGap = gap;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Where a member that just joined starts, from its options; holds the lock, the topic started. */
    private void resolveStartLocked(Member m) {
        JoinOptions.From from = m.options.from();
        m.epoch = epoch;
        Optional<Position> after = from.after();
        if (after.isPresent() && after.get().epoch().equals(epoch)) {
            m.next = after.get().offset() + 1;
            m.owed = true;
            return;
        }
        m.next = Math.max(1, delivered - from.last() + 1);
        if (after.isPresent()) {
            m.pendingGap = new Gap(name, after, new Position(epoch, m.next - 1), Gap.Reason.HISTORY_LOST);
        }
    }

    /** Sends a round of catch-up: the greeting (first round) or the gap notice, then the messages. */
    private void send(Member m, Gap gap, List<TopicMessage> batch, Position reached) {
        MessageFormat format = m.options.format();
        if (!m.greeted) {
            m.greeted = true;
            var joined = new Joined(name, batch, reached, Optional.ofNullable(gap));
            m.options.greeting().orElseThrow().texts(joined).forEach(m.ws::sendText);
            return;
        }
        if (gap != null) {
            m.ws.sendText(format.gap(gap));
        }
        for (TopicMessage message : batch) {
            m.ws.sendText(format.message(message));
        }
    }

    /** Waits until the member's send queue is below its low-water mark, or it closed (then the loop ends). */
    private static void awaitWritable(Member m) throws InterruptedException {
        try {
            m.ws.whenWritable().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // closed, or still full: the loop looks again (the write timeout closes a peer that reads nothing)
        }
    }
}
