package io.pado.runtime;

import io.pado.protocol.EngineOptions;
import java.util.function.IntFunction;

/**
 * What a {@link Link} needs to know, in the units the loop uses; one per server or client. Immutable.
 *
 * @param engine              the engine's limits and choices
 * @param handshakeTimeoutNanos how long the opening handshake may take, TLS and proxy included
 * @param keepAliveNanos      a server: how long a plain HTTP connection may wait for its next request
 * @param idleTimeoutNanos    0 for none
 * @param closeTimeoutNanos   how long to wait for the peer's Close, or for the server to close TCP
 * @param pingIntervalNanos   0 for no pings
 * @param writeTimeoutNanos   0 for none
 * @param closedFailure       what a send that did not make it before the end fails with, by close code
 */
public record LinkOptions(EngineOptions engine, long handshakeTimeoutNanos, long keepAliveNanos, long idleTimeoutNanos,
        long closeTimeoutNanos, long lowWaterBytes, long highWaterBytes, long maxQueuedBytes, long pingIntervalNanos,
        long pongTimeoutNanos, long writeTimeoutNanos, IntFunction<Exception> closedFailure) {
}
