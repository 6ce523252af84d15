package io.pado.conformance;

import io.pado.Compression;
import io.pado.ConnectionOptions;
import io.pado.Echo;
import io.pado.Server;
import io.pado.ServerOptions;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * An echo server for the Autobahn|Testsuite's fuzzing client (scripts/conformance.sh starts it): every message goes
 * back as it came. Limits are raised to the suite's largest messages (16 MiB); it listens on 127.0.0.1 only.
 */
public final class AutobahnServer {

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9002;
        Server server = Server.create(ServerOptions.builder().port(port).connection(connection()).build())
                .endpoint("/", new Echo())
                .start();
        System.out.println("autobahn echo server on ws://127.0.0.1:" + server.port() + "/");
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        new CountDownLatch(1).await();
    }

    /**
     * permessage-deflate for sections 12 and 13: every message compressed, in the memory mode named by
     * {@code PADO_DEFLATE_MEMORY} (POOLED by default, or CONTEXT_TAKEOVER).
     */
    /** Limits raised to the suite's largest messages, and permessage-deflate in the mode PADO_DEFLATE_MEMORY says. */
    static ConnectionOptions connection() {
        var memory = Compression.Memory.valueOf(System.getenv().getOrDefault("PADO_DEFLATE_MEMORY", "POOLED"));
        return ConnectionOptions.builder()
                .maxMessageBytes(32 << 20)
                .maxQueuedBytes(256 << 20)
                .waterMarks(64 << 20, 128 << 20)
                .compression(Compression.DEFAULT.withMemory(memory).withMinMessageBytes(0))
                .build();
    }
}
