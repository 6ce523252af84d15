package io.pado.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A connection under test with a fake clock and fixed mask keys; collects events and output. */
final class Engine {
    static final int CLIENT_KEY = 0x37FA213D;

    final Connection connection;
    long nowNanos = 1_000;

    private Engine(Role role, Settings settings, List<Extension> extensions) {
        this.connection = role == Role.SERVER
                ? Connection.server(settings, extensions, () -> nowNanos)
                : Connection.client(settings, extensions, () -> nowNanos, () -> CLIENT_KEY);
    }

    static Engine server() {
        return new Engine(Role.SERVER, Settings.DEFAULT, List.of());
    }

    static Engine server(Settings settings) {
        return new Engine(Role.SERVER, settings, List.of());
    }

    static Engine client() {
        return new Engine(Role.CLIENT, Settings.DEFAULT, List.of());
    }

    static Engine client(Settings settings) {
        return new Engine(Role.CLIENT, settings, List.of());
    }

    static Engine of(Role role, Settings settings, List<Extension> extensions) {
        return new Engine(role, settings, extensions);
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
            ByteBuffer buf = ByteBuffer.wrap(piece);
            connection.receive(buf);
            if (buf.hasRemaining()) {
                throw new AssertionError("receive left bytes unconsumed");
            }
            drainEvents(events);
        }
        if (bytes.length == 0) {
            connection.receive(ByteBuffer.allocate(0));
            drainEvents(events);
        }
        return events;
    }

    /** Feeds the bytes split in two at {@code at}. */
    List<Event> receiveSplitAt(byte[] input, int at) {
        byte[] bytes = input.clone(); // the engine unmasks in place
        var events = new ArrayList<Event>();
        connection.receive(ByteBuffer.wrap(bytes, 0, at).slice());
        drainEvents(events);
        connection.receive(ByteBuffer.wrap(bytes, at, bytes.length - at).slice());
        drainEvents(events);
        return events;
    }

    List<Event> events() {
        var events = new ArrayList<Event>();
        drainEvents(events);
        return events;
    }

    private void drainEvents(List<Event> into) {
        for (Event e; (e = connection.pollEvent()) != null; ) {
            into.add(copy(e));
        }
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

    void advance(Duration d) {
        nowNanos += d.toNanos();
        connection.tick(nowNanos);
    }

    static Event copy(Event e) {
        return switch (e) {
            case Event.Binary b -> new Event.Binary(copy(b.data()));
            case Event.BinaryPart b -> new Event.BinaryPart(copy(b.data()), b.last());
            case Event.Ping p -> new Event.Ping(copy(p.data()));
            case Event.Pong p -> new Event.Pong(copy(p.data()));
            case Event.Text t -> t;
            case Event.TextPart t -> t;
            case Event.Closed c -> c;
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
