package io.pado.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code pado compare}: polling vs WebSocket, measured (comes with the comparison). */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Run simulated clients over short polling, long polling and WebSocket; print what each cost.")
final class Compare implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("pado compare: not available yet");
        return 1;
    }
}
