package io.pado;

/**
 * What a send does when the peer reads slower than the application writes, so that the connection's outbound queue
 * grows: fail the send, make the sender wait, drop the message, or close the connection. Chosen in
 * {@link ConnectionOptions} (server-wide or client-wide), and per {@link Endpoint} on a server
 * ({@link Endpoint.Builder#slowConsumerPolicy}).
 *
 * <p>Whatever the policy, a peer that takes none of the queued bytes for the write timeout is not reading at all:
 * pado closes it with 1008 "slow consumer" ({@link ConnectionOptions#writeTimeout()}). The queue never holds more
 * than {@link ConnectionOptions#maxQueuedBytes()}.
 *
 * <table>
 *   <caption>When each policy acts</caption>
 *   <tr><th>policy</th><th>acts when a send would take the queue past</th><th>what happens to the send</th></tr>
 *   <tr><td>{@link #FAIL_SEND}</td><td>{@code maxQueuedBytes}</td><td>fails with {@link java.io.IOException}</td></tr>
 *   <tr><td>{@link #BLOCK}</td><td>{@code highWaterBytes}</td>
 *       <td>waits for the low-water mark, then is queued</td></tr>
 *   <tr><td>{@link #DROP}</td><td>{@code highWaterBytes}</td><td>fails with {@link MessageDroppedException}</td></tr>
 *   <tr><td>{@link #CLOSE_POLICY_VIOLATION}, {@link #CLOSE_TRY_AGAIN_LATER}</td><td>{@code maxQueuedBytes}</td>
 *       <td>fails with {@link ClosedException}; the connection closes with 1008 or 1013</td></tr>
 * </table>
 */
public enum SlowConsumerPolicy {
    /**
     * The default: a send that would take the queue past {@code maxQueuedBytes} fails at once with an
     * {@link java.io.IOException}; the connection stays open and later sends may succeed. The write timeout closes a
     * peer that stops reading.
     */
    FAIL_SEND,
    /**
     * The sending thread waits until the queue has drained to {@code lowWaterBytes} whenever a send would take it
     * past {@code highWaterBytes}, so a fast producer runs at the consumer's speed and memory stays bounded. Cheap on
     * a virtual thread (the default {@link Dispatch}). A send made on an event-loop thread cannot wait (it would stop
     * the loop that drains the queue): there it behaves as {@link #FAIL_SEND}. A broadcast never waits: a full
     * connection misses the message. If the connection closes meanwhile, the send fails with {@link ClosedException}.
     */
    BLOCK,
    /**
     * For data where the latest value wins (prices, positions, presence): a send that would take the queue past
     * {@code highWaterBytes} is dropped, its future failed with {@link MessageDroppedException}, and the connection
     * stays open; once the peer catches up, the next messages go through. Keeps the queue, and so the delay of what
     * does get through, short.
     */
    DROP,
    /**
     * A send that would take the queue past {@code maxQueuedBytes} closes the connection with 1008 (policy
     * violation).
     */
    CLOSE_POLICY_VIOLATION,
    /**
     * A send that would take the queue past {@code maxQueuedBytes} closes the connection with 1013 (try again later),
     * which tells a well-behaved client that reconnecting later is welcome.
     */
    CLOSE_TRY_AGAIN_LATER
}
