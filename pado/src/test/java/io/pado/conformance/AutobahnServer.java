package io.pado.conformance;

import io.pado.Echo;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.protocol.Limits;
import io.pado.protocol.PerMessageDeflate;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * An echo server for the Autobahn|Testsuite's fuzzing client (scripts/conformance.sh starts it): every message goes
 * back as it came. Limits are raised to the suite's largest messages (16 MiB); it listens on 127.0.0.1 only.
 */
public final class AutobahnServer {

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9002;
        Limits limits = new Limits(32 << 20, 32 << 20, Duration.ofSeconds(5));
        Server server = Server.create(ServerOptions.DEFAULT.withPort(port).withLimits(limits)
                        .withMaxQueuedBytes(256 << 20).withWaterMarks(64 << 20, 128 << 20)
                        .withExtensions(AutobahnServer.deflate()))
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
    static PerMessageDeflate deflate() {
        var memory = PerMessageDeflate.Memory.valueOf(System.getenv().getOrDefault("PADO_DEFLATE_MEMORY", "POOLED"));
        return PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT.withMemory(memory).withMinMessageBytes(0));
    }
}
