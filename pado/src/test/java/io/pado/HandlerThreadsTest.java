package io.pado;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class HandlerThreadsTest {

    @Test
    void aTaskGoesToAThreadThatWaitsInsteadOfANewOne() throws Exception {
        var threads = new HandlerThreads("test-handler");
        var first = new AtomicReference<Thread>();
        var second = new AtomicReference<Thread>();
        var done = new CountDownLatch(1);
        threads.run(() -> first.set(Thread.currentThread()));
        Await.until("the first thread to wait for work", () -> threads.waiting() == 1);
        threads.run(() -> {
            second.set(Thread.currentThread());
            done.countDown();
        });
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(second.get()).isSameAs(first.get());
        assertThat(first.get().isVirtual()).isTrue();
        assertThat(first.get().getName()).isEqualTo("test-handler");
        threads.close();
    }

    @Test
    void aTaskThatBlocksDoesNotHoldUpTheNext() throws Exception {
        var threads = new HandlerThreads("test-handler");
        var release = new CountDownLatch(1);
        var blocked = new CountDownLatch(1);
        var ran = new CountDownLatch(1);
        threads.run(() -> {
            blocked.countDown();
            awaitQuietly(release);
        });
        assertThat(blocked.await(20, TimeUnit.SECONDS)).isTrue();
        threads.run(ran::countDown);
        assertThat(ran.await(20, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        threads.close();
    }

    @Test
    void atMostMaxWaitingThreadsWaitAndTheRestEnd() throws Exception {
        var threads = new HandlerThreads("test-handler");
        int many = HandlerThreads.MAX_WAITING + 36;
        var release = new CountDownLatch(1);
        var started = new CountDownLatch(many);
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < many; i++) {
            threads.run(() -> {
                ran.add(Thread.currentThread());
                started.countDown();
                awaitQuietly(release); // all of them at once: no thread waits, each task gets a thread of its own
            });
        }
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasSize(many);
        release.countDown();
        Await.until("the threads beyond the limit to end",
                () -> ran.stream().filter(Thread::isAlive).count() == HandlerThreads.MAX_WAITING
                        && threads.waiting() == HandlerThreads.MAX_WAITING);
        threads.close();
    }

    @Test
    void closeEndsTheWaitingThreads() throws Exception {
        var threads = new HandlerThreads("test-handler");
        List<Thread> ran = new CopyOnWriteArrayList<>();
        var release = new CountDownLatch(1);
        var started = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            threads.run(() -> {
                ran.add(Thread.currentThread());
                started.countDown();
                awaitQuietly(release);
            });
        }
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        Await.until("three threads to wait", () -> threads.waiting() == 3);
        threads.close();
        for (Thread t : ran) {
            assertThat(t.join(java.time.Duration.ofSeconds(20))).as("ended: " + t).isTrue();
        }
        assertThat(threads.waiting()).isZero();
        // After close a task still runs, on a thread of its own that then ends
        var after = new CountDownLatch(1);
        var afterThread = new AtomicReference<Thread>();
        threads.run(() -> {
            afterThread.set(Thread.currentThread());
            after.countDown();
        });
        assertThat(after.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(afterThread.get().join(java.time.Duration.ofSeconds(20))).isTrue();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
