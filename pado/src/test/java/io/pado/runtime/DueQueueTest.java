package io.pado.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DueQueueTest {

    /** A member that counts how often the loop asked it, and is due again {@code againNanos} later (0: never). */
    static final class Member extends LoopMember {
        final AtomicInteger asked = new AtomicInteger();
        final long againNanos;
        final CountDownLatch askedOnce;

        Member(long againNanos, CountDownLatch askedOnce) {
            this.againNanos = againNanos;
            this.askedOnce = askedOnce;
        }

        @Override
        void ready(SelectionKey key) {
        }

        @Override
        long checkTimeouts(long nowNanos) {
            asked.incrementAndGet();
            if (askedOnce != null) {
                askedOnce.countDown();
            }
            return againNanos == 0 ? Long.MAX_VALUE : nowNanos + againNanos;
        }

        @Override
        void abort(Throwable cause) {
        }
    }

    @Test
    void membersComeOutInTheOrderOfTheirLastTimeWhateverWasMovedOrRemoved() {
        long seed = System.nanoTime();
        var random = new Random(seed);
        var queue = new DueQueue();
        Map<Member, Long> expected = new HashMap<>();
        List<Member> all = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            all.add(new Member(0, null));
        }
        for (int op = 0; op < 20_000; op++) {
            Member m = all.get(random.nextInt(all.size()));
            if (random.nextInt(5) == 0) {
                queue.remove(m);
                expected.remove(m);
            } else {
                long t = random.nextInt(1_000_000);
                queue.schedule(m, t);
                expected.put(m, t);
            }
            assertThat(queue.size()).as("seed %d", seed).isEqualTo(expected.size());
        }
        List<Long> order = new ArrayList<>();
        for (Member m; (m = (Member) queue.pollDue(Long.MAX_VALUE - 1)) != null; ) {
            assertThat(m.dueIndex).isEqualTo(-1);
            order.add(expected.remove(m));
        }
        assertThat(expected).as("seed %d", seed).isEmpty();
        assertThat(order).as("seed %d", seed).isSortedAccordingTo(Comparator.naturalOrder());
    }

    @Test
    void onlyWhatIsDueComesOut() {
        var queue = new DueQueue();
        var early = new Member(0, null);
        var late = new Member(0, null);
        queue.schedule(late, 200);
        queue.schedule(early, 100);
        assertThat(queue.firstDue()).isEqualTo(100);
        assertThat(queue.pollDue(99)).isNull();
        assertThat(queue.pollDue(150)).isSameAs(early);
        assertThat(queue.pollDue(150)).isNull();
        assertThat(queue.dueOf(late)).isEqualTo(200);
        assertThat(queue.dueOf(early)).isEqualTo(DueQueue.NEVER);
        queue.schedule(late, 50); // moved earlier
        assertThat(queue.pollDue(60)).isSameAs(late);
        assertThat(queue.firstDue()).isEqualTo(DueQueue.NEVER);
    }

    @Test
    void theLoopAsksOnlyTheLinksWhoseTimeHasComeNotEveryLinkItHolds() throws Exception {
        var loop = new EventLoop("pado-loop-due-test", true);
        loop.start();
        try {
            var dueSoon = new CountDownLatch(3 * 10); // each of the ten asked three times
            List<Member> idle = new ArrayList<>();
            List<Member> busy = new ArrayList<>();
            var added = new CountDownLatch(1);
            loop.execute(() -> {
                long now = System.nanoTime();
                for (int i = 0; i < 20_000; i++) {
                    var m = new Member(TimeUnit.HOURS.toNanos(1), null);
                    idle.add(m);
                    loop.add(m);
                    loop.deadline(m, now + TimeUnit.HOURS.toNanos(1));
                }
                for (int i = 0; i < 10; i++) {
                    var m = new Member(TimeUnit.MILLISECONDS.toNanos(10), dueSoon);
                    busy.add(m);
                    loop.add(m);
                    loop.deadline(m, now + TimeUnit.MILLISECONDS.toNanos(10));
                }
                added.countDown();
            });
            assertThat(added.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(dueSoon.await(10, TimeUnit.SECONDS)).isTrue();
            var counted = new CountDownLatch(1);
            int[] askedIdle = {0};
            loop.execute(() -> {
                askedIdle[0] = idle.stream().mapToInt(m -> m.asked.get()).sum();
                counted.countDown();
            });
            assertThat(counted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(askedIdle[0]).isZero();
            assertThat(busy).allMatch(m -> m.asked.get() >= 3);
        } finally {
            loop.shutdown();
            loop.awaitTermination(10_000);
        }
    }

    @Test
    void aRemovedLinkIsNeverAskedAndLeavesTheQueue() throws Exception {
        var loop = new EventLoop("pado-loop-due-test", true);
        loop.start();
        try {
            var gone = new Member(TimeUnit.MILLISECONDS.toNanos(1), null);
            var stays = new CountDownLatch(2);
            var witness = new Member(TimeUnit.MILLISECONDS.toNanos(5), stays);
            loop.execute(() -> {
                long now = System.nanoTime();
                loop.add(gone);
                loop.deadline(gone, now + TimeUnit.MILLISECONDS.toNanos(1));
                loop.remove(gone);
                loop.add(witness);
                loop.deadline(witness, now + TimeUnit.MILLISECONDS.toNanos(2));
            });
            assertThat(stays.await(10, TimeUnit.SECONDS)).isTrue();
            var counted = new CountDownLatch(1);
            int[] due = {-1};
            loop.execute(() -> {
                due[0] = loop.dueCount();
                counted.countDown();
            });
            assertThat(counted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(gone.asked.get()).isZero();
            assertThat(due[0]).isEqualTo(1);
        } finally {
            loop.shutdown();
            loop.awaitTermination(10_000);
        }
    }
}
