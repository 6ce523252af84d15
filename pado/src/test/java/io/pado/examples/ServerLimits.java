package io.pado.examples;

import io.pado.ServerOptions;
import java.time.Duration;

/** docs/GUIDE.md, "Limits and timeouts": options for a server that takes large messages from many clients. */
public final class ServerLimits {
    private ServerLimits() {
    }

    public static ServerOptions options() {
        // tag::limits[]
        var options = ServerOptions.builder()
                .connection(c -> c
                        .maxMessageBytes(16 << 20)                          // 16 MiB frames and messages
                        .idleTimeout(Duration.ofMinutes(5)))
                .maxConnectionsPerAddress(50)                               // per remote IP
                .handshakeRate(200, Duration.ofSeconds(1))                  // upgrades per second, whole server
                .build();
        // end::limits[]
        return options;
    }
}
