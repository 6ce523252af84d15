package io.pado.runtime;

import io.pado.ClientOptions;
import io.pado.Dispatch;
import io.pado.ServerOptions;
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
        return new Config(o.dispatch(), Settings.DEFAULT.withLimits(o.limits()), o.maxRequestHeadBytes(),
                o.handshakeTimeout().toNanos(), o.idleTimeout().toNanos(), o.limits().closeTimeout().toNanos(),
                o.lowWaterBytes(), o.highWaterBytes(), o.maxQueuedBytes(), o.pingInterval().toNanos(),
                o.pongTimeout().toNanos(), o.writeTimeout().toNanos());
    }

    public static Config of(ClientOptions o) {
        return new Config(o.dispatch(), Settings.DEFAULT.withLimits(o.limits()), o.maxResponseHeadBytes(),
                o.handshakeTimeout().toNanos(), o.idleTimeout().toNanos(), o.limits().closeTimeout().toNanos(),
                o.lowWaterBytes(), o.highWaterBytes(), o.maxQueuedBytes(), o.pingInterval().toNanos(),
                o.pongTimeout().toNanos(), o.writeTimeout().toNanos());
    }
}
