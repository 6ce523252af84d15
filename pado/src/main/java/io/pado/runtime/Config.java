package io.pado.runtime;

import io.pado.ClientOptions;
import io.pado.ConnectionOptions;
import io.pado.Dispatch;
import io.pado.ServerOptions;
import io.pado.protocol.Limits;
import io.pado.protocol.Settings;

/**
 * What a {@link Link} needs from the options, in the units the loop uses. Immutable.
 *
 * @param idleTimeoutNanos  0 for none
 * @param pingIntervalNanos 0 for no pings
 * @param writeTimeoutNanos 0 for none
 */
public record Config(Dispatch dispatch, Settings settings, int maxHeadBytes, long handshakeTimeoutNanos,
        long idleTimeoutNanos, long closeTimeoutNanos, long lowWaterBytes, long highWaterBytes,
        long maxQueuedBytes, long pingIntervalNanos, long pongTimeoutNanos,
        long writeTimeoutNanos) {

    public static Config of(ServerOptions o) {
        return of(o.connection(), o.maxRequestHeadBytes());
    }

    public static Config of(ClientOptions o) {
        return of(o.connection(), o.maxResponseHeadBytes());
    }

    private static Config of(ConnectionOptions c, int maxHeadBytes) {
        var limits = new Limits(c.maxFrameBytes(), c.maxMessageBytes(), c.closeTimeout());
        return new Config(c.dispatch(), Settings.DEFAULT.withLimits(limits), maxHeadBytes,
                c.handshakeTimeout().toNanos(), c.idleTimeout().toNanos(), c.closeTimeout().toNanos(),
                c.lowWaterBytes(), c.highWaterBytes(), c.maxQueuedBytes(), c.pingInterval().toNanos(),
                c.pongTimeout().toNanos(), c.writeTimeout().toNanos());
    }
}
