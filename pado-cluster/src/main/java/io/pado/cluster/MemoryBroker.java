package io.pado.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Topics in this process: {@link Broker#memory}. Each topic keeps its last messages in a ring under its lock;
 * followers are virtual threads that wait on the topic's condition. Nothing blocks on a network, nothing fails.
 */
final class MemoryBroker implements Broker {
    private final int historyPerTopic;
    private final Map<String, Log> logs = new ConcurrentHashMap<>();
    private volatile boolean closed;

    MemoryBroker(int historyPerTopic) {
        if (historyPerTopic < 1) {
            throw new IllegalArgumentException("historyPerTopic must be positive: " + historyPerTopic);
        }
        this.historyPerTopic = historyPerTopic;
    }

    /** One topic: its history, presence, and a condition its followers wait on. */
    private final class Log {
        final String topic;
        final String epoch = Epochs.next();
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        /** Guarded by lock. */
        final ArrayDeque<TopicMessage> history = new ArrayDeque<>();
        long last;
        long presenceVersion;
        final Map<String, Entry> present = new LinkedHashMap<>();

        Log(String topic) {
            this.topic = topic;
        }
    }

    private record Entry(String node, long deadlineNanos) {
    }

    private Log log(String topic) {
        return logs.computeIfAbsent(topic, Log::new);
    }

    @Override
    public List<Position> append(String topic, List<Draft> drafts, Attempt attempt) {
        Log log = log(topic);
        var out = new ArrayList<Position>(drafts.size());
        log.lock.lock();
        try {
            for (Draft d : drafts) {
                Position kept = attempt == Attempt.RETRY ? find(log, d.id()) : null;
                if (kept == null) {
                    kept = new Position(log.epoch, ++log.last);
                    if (log.history.size() == historyPerTopic) {
                        log.history.removeFirst();
                    }
                    log.history.addLast(new TopicMessage(topic, kept, d.id(), d.data()));
                }
                out.add(kept);
            }
            log.changed.signalAll();
        } finally {
            log.lock.unlock();
        }
        return out;
    }

    private static Position find(Log log, String id) {
        for (TopicMessage m : log.history) {
            if (m.id().equals(id)) {
                return m.position();
            }
        }
        return null;
    }

    @Override
    public Head head(String topic) {
        Log log = log(topic);
        log.lock.lock();
        try {
            long first = log.history.isEmpty() ? log.last + 1 : log.history.peekFirst().offset();
            return new Head(log.epoch, first, log.last);
        } finally {
            log.lock.unlock();
        }
    }

    @Override
    public List<TopicMessage> read(String topic, long afterOffset, int max) {
        Log log = log(topic);
        log.lock.lock();
        try {
            return readLocked(log, afterOffset, max);
        } finally {
            log.lock.unlock();
        }
    }

    private static List<TopicMessage> readLocked(Log log, long afterOffset, int max) {
        var out = new ArrayList<TopicMessage>();
        for (TopicMessage m : log.history) {
            if (m.offset() > afterOffset && out.size() < max) {
                out.add(m);
            }
        }
        return out;
    }

    @Override
    public Follower follow(String topic, Sink sink) {
        Log log = log(topic);
        var stop = new boolean[1];
        Thread thread = Thread.ofVirtual().name("pado-cluster-follow-" + topic).start(() -> {
            long after;
            long presenceSeen;
            log.lock.lock();
            try {
                after = log.last;
                presenceSeen = log.presenceVersion;
            } finally {
                log.lock.unlock();
            }
            sink.started(log.epoch, after);
            while (!closed) {
                List<TopicMessage> batch;
                boolean presence;
                log.lock.lock();
                try {
                    while (!stop[0] && !closed && log.last == after && log.presenceVersion == presenceSeen) {
                        log.changed.await(1, TimeUnit.SECONDS);
                    }
                    if (stop[0]) {
                        return;
                    }
                    batch = readLocked(log, after, 256);
                    presence = log.presenceVersion != presenceSeen;
                    presenceSeen = log.presenceVersion;
                } catch (InterruptedException e) {
                    return;
                } finally {
                    log.lock.unlock();
                }
                for (TopicMessage m : batch) {
                    sink.message(m);
                    after = m.offset();
                }
                if (presence) {
                    sink.presence();
                }
            }
        });
        return () -> {
            log.lock.lock();
            try {
                stop[0] = true;
                log.changed.signalAll();
            } finally {
                log.lock.unlock();
            }
            if (Thread.currentThread() != thread) {
                try {
                    thread.join(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    @Override
    public boolean claim(String topic, String name, String node, Duration ttl) {
        Log log = log(topic);
        log.lock.lock();
        try {
            long now = System.nanoTime();
            Entry held = log.present.get(name);
            if (held != null && !held.node().equals(node) && held.deadlineNanos() - now > 0) {
                return false;
            }
            log.present.put(name, new Entry(node, now + ttl.toNanos()));
            presenceChangedLocked(log);
            return true;
        } finally {
            log.lock.unlock();
        }
    }

    @Override
    public void release(String topic, String name, String node) {
        Log log = log(topic);
        log.lock.lock();
        try {
            Entry held = log.present.get(name);
            if (held != null && held.node().equals(node)) {
                log.present.remove(name);
                presenceChangedLocked(log);
            }
        } finally {
            log.lock.unlock();
        }
    }

    @Override
    public List<Presence> roster(String topic, String node, Collection<String> mine, Duration ttl) {
        Log log = log(topic);
        log.lock.lock();
        try {
            long now = System.nanoTime();
            var wanted = new HashSet<>(mine);
            boolean changed = log.present.entrySet().removeIf(e -> e.getValue().deadlineNanos() - now <= 0
                    || e.getValue().node().equals(node) && !wanted.contains(e.getKey()));
            for (String name : mine) {
                Entry held = log.present.get(name);
                if (held == null || held.node().equals(node)) {
                    changed |= held == null;
                    log.present.put(name, new Entry(node, now + ttl.toNanos()));
                }
            }
            if (changed) {
                presenceChangedLocked(log);
            }
            var out = new ArrayList<Presence>(log.present.size());
            log.present.forEach((name, e) -> out.add(new Presence(name, e.node())));
            return out;
        } finally {
            log.lock.unlock();
        }
    }

    private static void presenceChangedLocked(Log log) {
        log.presenceVersion++;
        log.changed.signalAll();
    }

    @Override
    public void ping() {
    }

    @Override
    public String describe() {
        return "memory";
    }

    @Override
    public void close() {
        closed = true;
        for (Log log : logs.values()) {
            log.lock.lock();
            try {
                log.changed.signalAll();
            } finally {
                log.lock.unlock();
            }
        }
    }
}
