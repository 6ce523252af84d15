package io.pado.cli;

import io.pado.chat.ChatOptions;
import io.pado.chat.ChatServer;
import io.pado.chat.Comparison;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pado compare}: starts a chat server on a free port and measures the five transports against it. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Run simulated clients over short polling and long polling (each with a TCP connection per "
                + "request and with keep-alive) and WebSocket against an embedded chat server, and print what each "
                + "cost, measured on the wire.")
final class Compare implements Callable<Integer> {
    @Option(names = "--clients", defaultValue = "20", description = "clients per transport (default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--seconds", defaultValue = "5", description = "how long to run (default ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--rate", defaultValue = "10",
            description = "messages per second published (default ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--interval-ms", defaultValue = "250",
            description = "short-polling interval (default ${DEFAULT-VALUE})")
    long intervalMillis;

    @Override
    public Integer call() throws Exception {
        var plan = new Comparison.Plan(clients, Duration.ofMillis((long) (seconds * 1000)), rate,
                Duration.ofMillis(intervalMillis));
        try (var server = ChatServer.start(ChatOptions.builder().port(0).rate(1000, 1000, 1000).build())) {
            System.out.printf("pado compare: %d clients per transport, %d messages/s for %.1f s, polling every %d ms%n",
                    clients, rate, seconds, intervalMillis);
            System.out.print(Comparison.table(Comparison.run(server, plan)));
        }
        return 0;
    }
}
