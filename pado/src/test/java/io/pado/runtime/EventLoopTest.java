package io.pado.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class EventLoopTest {

    @Test
    void aCommandQueuedAfterTheLoopEndedStillRuns() throws Exception {
        var loop = new EventLoop("pado-loop-test", true);
        loop.start();
        loop.shutdown();
        assertThat(loop.awaitTermination(10_000)).isTrue();

        // A send that raced with the end: its command must still settle its future, not leave it pending.
        var settled = new CompletableFuture<Void>();
        loop.execute(() -> settled.complete(null));
        assertThat(settled).succeedsWithin(Duration.ofSeconds(1));
    }
}
