package io.pado.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.pado.chat.Comparison.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ComparisonTest {
    @Test
    void pollingRunsWithAndWithoutKeepAliveBesideWebSocket() throws Exception {
        int clients = 3;
        List<Comparison.Result> results;
        try (var server = ChatServer.start(ChatOptions.builder().port(0).rate(1000, 1000, 1000).build())) {
            long start = System.nanoTime();
            results = Comparison.run(server, new Comparison.Plan(clients, Duration.ofSeconds(3), 10,
                    Duration.ofMillis(100)));
            // Clients stop with the publisher: a long poll that came late is woken too, not held for 25 s
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
        Map<Transport, Comparison.Result> by = results.stream()
                .collect(Collectors.toMap(Comparison.Result::transport, Function.identity()));
        assertThat(by).containsOnlyKeys(Transport.values());
        for (Comparison.Result r : results) {
            assertThat(r.messages()).as(r.transport() + " received the stream").isPositive();
            assertThat(r.headerBytes()).as(r.transport().name()).isPositive();
        }
        // Without keep-alive every request is a connection; with it, each client keeps one for all of its requests
        for (Transport t : List.of(Transport.SHORT_POLLING, Transport.LONG_POLLING)) {
            assertThat(by.get(t).connections()).as(t.name()).isEqualTo(by.get(t).requests()).isGreaterThan(clients);
        }
        for (Transport t : List.of(Transport.SHORT_POLLING_KEEP_ALIVE, Transport.LONG_POLLING_KEEP_ALIVE)) {
            assertThat(by.get(t).connections()).as(t.name()).isEqualTo(clients);
            assertThat(by.get(t).requests()).as(t.name()).isGreaterThan(clients);
        }
        assertThat(by.get(Transport.WEBSOCKET).connections()).isEqualTo(clients);
        assertThat(Comparison.table(results)).contains("short, keep-alive", "long, keep-alive", "websocket");
    }
}
