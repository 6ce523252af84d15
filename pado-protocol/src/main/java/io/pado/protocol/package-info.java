/**
 * The pado protocol engine: RFC 6455 (WebSocket) and RFC 7692 (permessage-deflate) without sockets, threads or
 * clocks. Bytes go in, events and bytes come out; the runtime owns the socket and the time.
 *
 * <p>One {@link io.pado.protocol.Connection} per connection, driven like this:
 * {@snippet :
 * do {
 *     connection.receive(input);                  // parses until one event is ready, or the input ends
 *     for (Event e; (e = connection.pollEvent()) != null; ) {
 *         handle(e);                              // Upgrade, Opened, Text, Binary, Ping, Closed ...
 *     }
 * } while (input.hasRemaining() || connection.hasWaitingInput());
 * for (ByteBuffer out; (out = connection.pollOutput()) != null; ) {
 *     write(out);                                 // in order; handshake answers, Pongs and Closes are here too
 * }
 * if (connection.tcpCloseDue()) {
 *     closeSocket();                              // after the output above is written
 * }
 * }
 *
 * <p><b>States</b> ({@link io.pado.protocol.Connection.State}). CONNECTING: a server reads HTTP requests and answers
 * each one (a plain request with {@code respond}, an upgrade with {@code accept} or {@code reject}); a client has
 * queued its request and reads the answer. OPEN: messages both ways. LOCAL_CLOSING: we sent a Close and wait for the
 * peer's. REMOTE_CLOSING: the peer sent a Close, or broke the protocol; {@link io.pado.protocol.Event.Closed} is
 * reported and our Close waits for {@code answerClose()}, so that answers to the messages before it go first.
 * CLOSED: over; {@code tcpCloseDue()} says when to close TCP (a client waits for the server to). Timeouts are the
 * caller's: it knows the time, the engine knows the state.
 */
package io.pado.protocol;
