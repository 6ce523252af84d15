package io.pado.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code pado} command: {@code connect} (a WebSocket client for the terminal), {@code serve} (an echo or
 * static-file server), {@code chat} (the chat server) and {@code compare} (polling vs WebSocket, measured).
 * Exit status: 0 success, 1 connection or handshake failure, 2 bad usage, 3 the peer closed with an error code.
 */
@Command(name = "pado", mixinStandardHelpOptions = true, version = "pado 0.1.0-SNAPSHOT",
        description = "WebSocket tools built on pado.",
        subcommands = {Connect.class, Serve.class, Chat.class, Compare.class})
public final class Pado implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Pado()).execute(args));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: connect, serve, chat or compare");
    }
}
