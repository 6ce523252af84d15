package io.pado.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
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

    @Test
    void aConnectQueuedWhileTheLoopEndsIsRefusedNotLeftOwnedByNobody() throws Exception {
        var loop = new EventLoop("pado-loop-test", true);
        loop.start();
        var registered = new CompletableFuture<SelectionKey>();
        try (SocketChannel channel = SocketChannel.open()) {
            channel.configureBlocking(false);
            // A link the loop aborts as it ends; while it aborts, a connect arrives (a client closed mid-dial).
            var member = new LoopMember() {
                @Override
                void ready(SelectionKey key) {
                }

                @Override
                void abort(Throwable cause) {
                    loop.execute(() -> {
                        try {
                            registered.complete(loop.register(channel, SelectionKey.OP_CONNECT, this));
                        } catch (IOException | RuntimeException e) {
                            registered.completeExceptionally(e);
                        }
                    });
                }
            };
            loop.execute(() -> loop.add(member));
            loop.shutdown();
            assertThat(loop.awaitTermination(10_000)).isTrue();

            assertThat(registered).failsWithin(Duration.ofSeconds(1))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(IOException.class);
        }
    }
}
