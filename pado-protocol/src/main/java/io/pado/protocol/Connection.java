package io.pado.protocol;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The RFC 6455 state machine of one open WebSocket connection, after the opening handshake. STUB: signatures only.
 */
public final class Connection {

    public enum State { OPEN, CLOSING, CLOSED }

    /** Whether a part is the last of its message. */
    public enum Fin { MORE, LAST }

    public static Connection server(Settings settings, List<Extension> extensions, LongSupplier nanoClock) {
        throw new UnsupportedOperationException();
    }

    public static Connection client(Settings settings, List<Extension> extensions, LongSupplier nanoClock,
            IntSupplier maskKeys) {
        throw new UnsupportedOperationException();
    }

    public Role role() { throw new UnsupportedOperationException(); }
    public State state() { throw new UnsupportedOperationException(); }
    public boolean isOutputOpen() { throw new UnsupportedOperationException(); }
    public void receive(ByteBuffer data) { throw new UnsupportedOperationException(); }
    public void receiveEof() { throw new UnsupportedOperationException(); }
    public void tick(long nowNanos) { throw new UnsupportedOperationException(); }
    public long nextDeadlineNanos() { throw new UnsupportedOperationException(); }
    public Event pollEvent() { throw new UnsupportedOperationException(); }
    public void sendText(CharSequence text) { throw new UnsupportedOperationException(); }
    public void sendBinary(ByteBuffer data) { throw new UnsupportedOperationException(); }
    public void sendTextPart(CharSequence text, Fin fin) { throw new UnsupportedOperationException(); }
    public void sendBinaryPart(ByteBuffer data, Fin fin) { throw new UnsupportedOperationException(); }
    public void sendPing(ByteBuffer data) { throw new UnsupportedOperationException(); }
    public void sendPong(ByteBuffer data) { throw new UnsupportedOperationException(); }
    public void close(int code, String reason) { throw new UnsupportedOperationException(); }
    public void fail(CloseCode code, String reason) { throw new UnsupportedOperationException(); }
    public static ByteBuffer encodeServerText(CharSequence text) { throw new UnsupportedOperationException(); }
    public static ByteBuffer encodeServerBinary(ByteBuffer data) { throw new UnsupportedOperationException(); }
    public void sendEncoded(ByteBuffer frame) { throw new UnsupportedOperationException(); }
    public ByteBuffer pollOutput() { throw new UnsupportedOperationException(); }
    public boolean hasOutput() { throw new UnsupportedOperationException(); }
    public boolean tcpCloseDue() { throw new UnsupportedOperationException(); }
}
