package io.pado.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a server command in the foreground until Ctrl-C, whose shutdown hook stops the server (1001). */
final class Serving {
    private Serving() {
    }

    /** Registers the stop action for Ctrl-C and blocks the calling thread until the JVM exits. */
    static void untilInterrupted(Runnable stop) {
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "pado-shutdown"));
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
