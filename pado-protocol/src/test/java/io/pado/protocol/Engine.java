package io.pado.protocol;

import io.pado.protocol.extension.Extension;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An open connection under test with fixed mask keys, driven the way a runtime drives it: receive until the input is
 * read, take each event, and answer a Close once its event was taken (as a runtime whose handlers ran already does).
 * Collects events (their buffers copied, since the engine reuses them) and output.
 */
final class Engine {
    static final int CLIENT_KEY = 0x37FA213D;

    final Connection connection;

    private Engine(Connection connection) {
        this.connection = connection;
    }

    static Engine server() {
        return of(Role.SERVER, EngineOptions.DEFAULT, List.of());
    }

    static Engine server(EngineOptions settings) {
        return of(Role.SERVER, settings, List.of());
    }

    static Engine client() {
        return of(Role.CLIENT, EngineOptions.DEFAULT, List.of());
    }

    static Engine client(EngineOptions settings) {
        return of(Role.CLIENT, settings, List.of());
    }

    static Engine of(Role role, EngineOptions settings, List<Extension> extensions) {
        return new Engine(Connection.open(role, settings, extensions, role == Role.CLIENT ? () -> CLIENT_KEY : null));
    }

    /** EngineOptions with these frame and message limits. */
    static EngineOptions limits(int maxFrameBytes, int maxMessageBytes) {
        return EngineOptions.DEFAULT.withMaxMessageBytes(maxMessageBytes).withMaxFrameBytes(maxFrameBytes);
    }

    /** Feeds all bytes at once; returns the events, their buffers copied. */
    List<Event> receive(byte[] bytes) {
        return receiveSplit(bytes, Math.max(1, bytes.length));
    }

    /** Feeds the bytes in pieces of {@code pieceBytes}, each in a fresh buffer; returns the events. */
    List<Event> receiveSplit(byte[] bytes, int pieceBytes) {
        var events = new ArrayList<Event>();
        for (int at = 0; at < bytes.length; at += pieceBytes) {
            int n = Math.min(pieceBytes, bytes.length - at);
            byte[] piece = new byte[n];
            System.arraycopy(bytes, at, piece, 0, n);
            feed(ByteBuffer.wrap(piece), events);
        }
        if (bytes.length == 0) {
            feed(ByteBuffer.allocate(0), events);
        }
        return events;
    }

    /** Feeds the bytes split in two at {@code at}. */
    List<Event> receiveSplitAt(byte[] input, int at) {
        byte[] bytes = input.clone(); // the engine unmasks in place
        var events = new ArrayList<Event>();
        feed(ByteBuffer.wrap(bytes, 0, at).slice(), events);
        feed(ByteBuffer.wrap(bytes, at, bytes.length - at).slice(), events);
        return events;
    }

    /** Feeds one buffer the way a runtime does: receive and take the events until the buffer is read. */
    void feed(ByteBuffer buf, List<Event> into) {
        do {
            int before = buf.position();
            connection.receive(buf);
            int taken = drainEvents(into);
            if (taken == 0 && buf.position() == before && buf.hasRemaining() && !connection.hasWaitingInput()) {
                throw new AssertionError("receive made no progress");
            }
        } while (buf.hasRemaining() || connection.hasWaitingInput());
    }

    List<Event> events() {
        var events = new ArrayList<Event>();
        drainEvents(events);
        return events;
    }

    private int drainEvents(List<Event> into) {
        int n = 0;
        for (Event e; (e = connection.pollEvent()) != null; n++) {
            into.add(copy(e));
            if (e instanceof Event.Closed) {
                connection.answerClose();
            }
        }
        return n;
    }

    /** Everything the engine wants written, concatenated. */
    byte[] output() {
        var out = new ByteArrayOutputStream();
        for (ByteBuffer b; (b = connection.pollOutput()) != null; ) {
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            out.write(bytes, 0, bytes.length);
        }
        return out.toByteArray();
    }

    static Event copy(Event e) {
        return switch (e) {
            case Event.Binary b -> new Event.Binary(copy(b.data()));
            case Event.BinaryPart b -> new Event.BinaryPart(copy(b.data()), b.last());
            case Event.Ping p -> new Event.Ping(copy(p.data()));
            case Event.Pong p -> new Event.Pong(copy(p.data()));
            case Event.Request r -> new Event.Request(r.head(), copy(r.body()));
            case Event.Text t -> t;
            case Event.TextPart t -> t;
            case Event.Closed c -> c;
            case Event.Upgrade u -> u;
            case Event.Opened o -> o;
            case Event.Refused r -> r;
        };
    }

    static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate());
        return c.flip();
    }

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
