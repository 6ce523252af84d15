package io.pado;

/**
 * Where a connection's {@link Handler} callbacks run. Either way, the callbacks of one connection run one at a
 * time, in the order the events happened.
 */
public enum Dispatch {
    /**
     * Each connection's callbacks run on virtual threads, one at a time: a handler may block (on I/O, a lock, a
     * database call, {@link WebSocket#awaitWritable()}) without holding up any other connection. Received data is
     * copied off the event loop first. The default.
     */
    VIRTUAL_THREADS,
    /**
     * Callbacks run directly on the event loop that owns the socket: the lowest latency and no copy of received
     * data, but a handler that blocks stalls every connection of that loop. Only for handlers that never block.
     */
    EVENT_LOOP
}
