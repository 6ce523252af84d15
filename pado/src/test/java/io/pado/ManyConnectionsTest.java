package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pado client against the pado server under many concurrent connections, every payload byte checked. */
class ManyConnectionsTest {
    static final int CONNECTIONS = 1000;
    static final int MESSAGES = 20;

    /** Checks each echo against what was sent on that connection, in order. */
    static final class Checker implements Handler {
        final ConcurrentLinkedQueue<Object> expected = new ConcurrentLinkedQueue<>();
        final CountDownLatch done;
        final AtomicInteger mismatches;

        Checker(CountDownLatch done, AtomicInteger mismatches) {
            this.done = done;
            this.mismatches = mismatches;
        }

        @Override
        public void onText(WebSocket ws, String text) {
            check(text.equals(expected.poll()));
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            Object want = expected.poll();
            check(want instanceof byte[] b && Arrays.equals(b, Recorder.bytes(data)));
        }

        private void check(boolean ok) {
            if (!ok) {
                mismatches.incrementAndGet();
            }
            done.countDown();
        }
    }

    @Test
    @Timeout(120)
    void thousandConnectionsEchoEveryByte() throws Exception {
        long maxFds = ((com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        // Client and server sockets live in this JVM: two descriptors per connection.
        RequiredTool.checkThat(maxFds > 2 * CONNECTIONS + 300, "a file descriptor limit above "
                + (2 * CONNECTIONS + 300) + " (ulimit -n; scripts/test raises it), have " + maxFds);

        try (Server server = Server.create(ServerOptions.DEFAULT).endpoint("/echo", new Echo()).start();
                Client client = Client.create(ClientOptions.builder().eventLoops(2).build())) {
            var uri = URI.create("ws://127.0.0.1:" + server.port() + "/echo");
            var done = new CountDownLatch(CONNECTIONS * MESSAGES);
            var mismatches = new AtomicInteger();
            List<Checker> checkers = new ArrayList<>();
            List<CompletableFuture<WebSocket>> connecting = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                var checker = new Checker(done, mismatches);
                checkers.add(checker);
                connecting.add(client.connect(uri, checker));
            }
            CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            var random = new Random(1234);
            for (int m = 0; m < MESSAGES; m++) {
                for (int i = 0; i < CONNECTIONS; i++) {
                    WebSocket ws = connecting.get(i).join();
                    int size = random.nextInt(m % 5 == 0 ? 70_000 : 600);
                    if ((m + i) % 2 == 0) {
                        byte[] data = new byte[size];
                        random.nextBytes(data);
                        checkers.get(i).expected.add(data);
                        ws.sendBinary(ByteBuffer.wrap(data));
                    } else {
                        var text = new StringBuilder(size);
                        for (int c = 0; c < size; c++) {
                            text.append((char) ('a' + random.nextInt(26)));
                        }
                        if (size > 0) {
                            text.setCharAt(0, '한');
                        }
                        checkers.get(i).expected.add(text.toString());
                        ws.sendText(text);
                    }
                }
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).as("all echoes within 60 s, " + done.getCount()
                    + " missing").isTrue();
            assertThat(mismatches.get()).isZero();
            for (var f : connecting) {
                f.join().close(1000, "done");
            }
        }
    }
}
