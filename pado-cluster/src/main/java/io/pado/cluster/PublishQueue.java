package io.pado.cluster;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One topic's publishes on this node, in call order: a virtual thread drains them to the broker in batches, and
 * completes each future with the message's position once the broker has it. A batch that fails is retried, in the
 * same order and with the same ids, as {@link Broker.Attempt#RETRY} (the broker keeps one copy of a message whose
 * first try it did take), until the broker takes it or the topics close. Thread-safe.
 */
final class PublishQueue {
    private static final int MAX_BATCH = 64;

    private record Pending(Broker.Draft draft, CompletableFuture<Position> done) {
    }

    private final String topic;
    private final BrokerWatch watch;
    /** Publishes waiting on this node, all topics: each is counted off here once it is stored or failed. */
    private final AtomicInteger queued;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock. */
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean draining;

    PublishQueue(String topic, BrokerWatch watch, AtomicInteger queued) {
        this.topic = topic;
        this.watch = watch;
        this.queued = queued;
    }

    void add(Broker.Draft draft, CompletableFuture<Position> done) {
        boolean start;
        lock.lock();
        try {
            queue.add(new Pending(draft, done));
            start = !draining;
            draining = true;
        } finally {
            lock.unlock();
        }
        if (start) {
            Thread.ofVirtual().name("pado-cluster-publish-" + topic).start(this::drain);
        }
    }

    private void drain() {
        var backoff = new Backoff();
        Broker.Attempt attempt = Broker.Attempt.FIRST;
        while (true) {
            var batch = new ArrayList<Pending>(MAX_BATCH);
            lock.lock();
            try {
                for (Pending p : queue) {
                    if (batch.size() == MAX_BATCH) {
                        break;
                    }
                    batch.add(p);
                }
                if (batch.isEmpty() || watch.isClosed()) {
                    draining = false;
                    failAllLocked();
                    return;
                }
            } finally {
                lock.unlock();
            }
            List<Position> positions;
            try {
                positions = watch.broker.append(topic, batch.stream().map(Pending::draft).toList(), attempt);
            } catch (IOException | RuntimeException e) {
                // Unknown whether the broker took them: the retry says so, and the broker keeps one copy.
                attempt = Broker.Attempt.RETRY;
                watch.failed(e);
                try {
                    watch.awaitUp(backoff.nextMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                continue;
            }
            backoff.reset();
            attempt = Broker.Attempt.FIRST;
            lock.lock();
            try {
                for (int i = 0; i < batch.size(); i++) {
                    queue.poll();
                }
            } finally {
                lock.unlock();
            }
            queued.addAndGet(-batch.size());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(positions.get(i));
            }
        }
    }

    /** After close: every publish still waiting fails. Holds the lock. */
    private void failAllLocked() {
        int n = queue.size();
        if (n == 0) {
            return;
        }
        for (Pending p : queue) {
            p.done().completeExceptionally(new BrokerUnavailableException("the topics closed before the broker took"
                    + " the message"));
        }
        queue.clear();
        queued.addAndGet(-n);
    }
}
