package io.pado.protocol;

import io.pado.protocol.frame.CloseCode;
import io.pado.protocol.extension.ExtensionFactory;
import io.pado.protocol.FrameOracle.FrameSpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link Connection}, both roles, with and without permessage-deflate: frame streams that are valid, broken in
 * one rule (opcode, FIN, RSV, mask, length, UTF-8, close code), or mutated byte by byte, fed in random pieces.
 * Streams not mutated byte by byte are checked against {@link FrameOracle}, a separate reading of the RFC: the same
 * events and the right close code. For every stream: {@code receive} never throws, no message over the limit is
 * delivered, exactly one Closed comes last, and what the engine writes is valid traffic that ends in a Close with
 * that code. Tries: {@code -Dfuzz.tries=N}, see docs/RELIABILITY.md.
 */
class ConnectionFuzzTest {
    private static final PerMessageDeflate POOLED = PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT);
    private static final PerMessageDeflate CONTEXT = PerMessageDeflate.create(
            PerMessageDeflate.Options.DEFAULT.withMemory(PerMessageDeflate.Memory.CONTEXT_TAKEOVER));
    private static final long MAX_NANOS_PER_STREAM = Duration.ofSeconds(5).toNanos();

    enum Compression { NONE, POOLED, CONTEXT_TAKEOVER }

    /** The engine to fuzz: its role, limits, delivery and extension. */
    record Setup(Role role, Limits limits, EngineOptions.Delivery delivery, Compression compression) {
        Engine engine() {
            if (compression == Compression.NONE) {
                return Engine.of(role, settings(), List.of());
            }
            PerMessageDeflate factory = compression == Compression.POOLED ? POOLED : CONTEXT;
            ExtensionFactory.Accepted accepted = factory.acceptOffers(factory.clientOffers()).orElseThrow();
            if (role == Role.SERVER) {
                return Engine.of(role, settings(), List.of(accepted.extension()));
            }
            accepted.extension().close();
            return Engine.of(role, settings(), List.of(factory.acceptResponse(accepted.response())));
        }

        EngineOptions settings() {
            return limits.settings().withDelivery(delivery);
        }
    }

    /** What the peer sends: a message (cut into frames, maybe compressed) or a single frame as it is. */
    sealed interface Item {
    }

    record Message(int opcode, byte[] payload, boolean compress, List<Integer> fragmentBytes, List<FrameSpec> between)
            implements Item {
    }

    record Single(FrameSpec frame) implements Item {
    }

    /** One change to one frame that breaks (or, for the length forms, keeps) the rules. */
    enum Change { NONE, FLIP_FIN, RSV1, RSV2, RSV3, OPCODE, MASK, LENGTH16, LENGTH64 }

    record Stream(List<Item> items, Change change, int changeAt, int changeValue, List<Fuzz.Mutation> mutations) {
    }

    // ------------------------------------------------------------------------------------------------ properties

    @Property
    void engineSurvivesAnyFrameStream(@ForAll("setups") Setup setup, @ForAll("streams") Stream stream,
            @ForAll("cuts") List<Integer> cuts, @ForAll int maskKey) {
        List<FrameSpec> frames = frames(stream, setup);
        byte[] clean = encode(frames, setup.role(), maskKey);
        byte[] bytes = Fuzz.mutate(clean, stream.mutations());

        long started = System.nanoTime();
        Engine whole = setup.engine();
        List<Event> wholeEvents = feed(whole, new byte[][] {bytes.clone()});
        Engine split = setup.engine();
        List<Event> splitEvents = feed(split, Fuzz.pieces(bytes, cuts));
        assertThat(System.nanoTime() - started).as("time for one stream").isLessThan(MAX_NANOS_PER_STREAM);

        Event last = wholeEvents.getLast();
        Statistics.collect(setup.compression() == Compression.NONE ? "plain" : "deflate",
                last instanceof Event.Closed c ? c.code() : "none");
        assertSane(setup, whole, wholeEvents);
        assertSane(setup, split, splitEvents);
        if (setup.delivery() == EngineOptions.Delivery.MESSAGES && setup.compression() == Compression.NONE) {
            assertThat(splitEvents).as("any split gives the same events").isEqualTo(wholeEvents);
        } else if (setup.delivery() == EngineOptions.Delivery.MESSAGES) {
            // zlib reports corrupt data before or after the output it made from it, depending on how much input it
            // had: that one failure may differ by split (see docs/RELIABILITY.md); all else is the same
            assertThat(splitEvents.subList(0, splitEvents.size() - 1)).as("any split gives the same events")
                    .isEqualTo(wholeEvents.subList(0, wholeEvents.size() - 1));
            Event.Closed a = (Event.Closed) last;
            Event.Closed b = (Event.Closed) splitEvents.getLast();
            if (!a.equals(b)) {
                assertThat(List.of(a, b)).as("whole, split")
                        .contains(new Event.Closed(1007, "invalid compressed data"));
                assertThat(List.of(a.code(), b.code())).allMatch(c -> c == 1007 || c == 1009);
            }
        }
        if (setup.delivery() == EngineOptions.Delivery.MESSAGES && bytes == clean) {
            var expected = new FrameOracle(setup.limits(), setup.compression() != Compression.NONE,
                    setup.compression() == Compression.CONTEXT_TAKEOVER)
                    .receive(frames);
            List<Event> before = wholeEvents.subList(0, wholeEvents.size() - 1);
            assertThat(before).as("events before Closed, frames %s", describe(frames)).isEqualTo(expected.events());
            assertThat(((Event.Closed) last).code()).as("close code %s, frames %s", last, describe(frames))
                    .isIn(expected.closeCodes());
        }
    }

    /** Valid traffic round-trips: what one engine sends, the other receives, in any split. */
    @Property
    void validTrafficRoundTrips(@ForAll("setups") Setup setup, @ForAll("messages") List<Message> messages,
            @ForAll("cuts") List<Integer> cuts, @ForAll boolean fragmented) {
        Setup senderSetup = new Setup(setup.role() == Role.SERVER ? Role.CLIENT : Role.SERVER, Limits.DEFAULT,
                EngineOptions.Delivery.MESSAGES, setup.compression());
        Engine sender = senderSetup.engine();
        Engine receiver =
                new Setup(setup.role(), Limits.DEFAULT, EngineOptions.Delivery.MESSAGES, setup.compression()).engine();
        var expected = new ArrayList<Event>();
        var traffic = new java.io.ByteArrayOutputStream();
        boolean masked = senderSetup.role() == Role.CLIENT;
        for (Message m : messages) {
            byte[] payload = m.opcode() == 1 ? new String(m.payload(), StandardCharsets.UTF_8)
                    .getBytes(StandardCharsets.UTF_8) : m.payload();
            if (payload.length > Limits.DEFAULT.maxMessageBytes()) {
                continue;
            }
            if (m.opcode() == 1) {
                String text = new String(payload, StandardCharsets.UTF_8);
                if (fragmented && setup.compression() == Compression.NONE) {
                    // Two fragments cut on a code point, as other peers send them (pado sends messages whole)
                    int cut = text.offsetByCodePoints(0, text.codePointCount(0, text.length()) / 2);
                    RawFrame first = RawFrame.text(text.substring(0, cut)).fin(false);
                    RawFrame second = RawFrame.continuation(text.substring(cut));
                    traffic.writeBytes(sender.output());
                    traffic.writeBytes(masked ? first.maskedWith(cut).bytes() : first.bytes());
                    traffic.writeBytes(masked ? second.maskedWith(~cut).bytes() : second.bytes());
                } else {
                    sender.connection.sendText(text);
                }
                expected.add(new Event.Text(text));
            } else {
                sender.connection.sendBinary(ByteBuffer.wrap(payload));
                expected.add(new Event.Binary(ByteBuffer.wrap(payload)));
            }
        }
        sender.connection.close(1000, "bye");
        expected.add(new Event.Closed(1000, "bye"));
        traffic.writeBytes(sender.output());
        assertThat(feed(receiver, Fuzz.pieces(traffic.toByteArray(), cuts))).isEqualTo(expected);
        sender.connection.receiveEof("");
    }

    // ----------------------------------------------------------------------------------------------- invariants

    /** Feeds the pieces, then the end of input; returns every event, buffers copied. */
    static List<Event> feed(Engine engine, byte[][] pieces) {
        var events = new ArrayList<Event>();
        for (byte[] piece : pieces) {
            engine.feed(ByteBuffer.wrap(piece), events);
        }
        engine.connection.receiveEof("");
        events.addAll(engine.events());
        return events;
    }

    private static void assertSane(Setup setup, Engine engine, List<Event> events) {
        int max = setup.limits().maxMessageBytes();
        long partBytes = 0;
        int pings = 0;
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            switch (e) {
                case Event.Text t ->
                        assertThat(t.text().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(max);
                case Event.Binary b -> assertThat(b.data().remaining()).isLessThanOrEqualTo(max);
                case Event.TextPart t -> {
                    partBytes += t.text().getBytes(StandardCharsets.UTF_8).length;
                    assertThat(partBytes).as("message delivered in parts").isLessThanOrEqualTo(max);
                    partBytes = t.last() ? 0 : partBytes;
                }
                case Event.BinaryPart b -> {
                    partBytes += b.data().remaining();
                    assertThat(partBytes).as("message delivered in parts").isLessThanOrEqualTo(max);
                    partBytes = b.last() ? 0 : partBytes;
                }
                case Event.Ping p -> pings++;
                case Event.Pong p -> { }
                case Event.Closed c -> assertThat(i).as("Closed is the last event").isEqualTo(events.size() - 1);
                case Event.Request r -> throw new AssertionError("an open connection reads no request: " + r);
                case Event.Upgrade u -> throw new AssertionError("an open connection reads no request: " + u);
                case Event.Opened o -> throw new AssertionError("already open: " + o);
                case Event.Refused r -> throw new AssertionError("already open: " + r);
            }
        }
        Event.Closed closed = (Event.Closed) events.getLast();
        int code = closed.code();
        assertThat(code == 1005 || code == 1006 || CloseCode.isValidOnWire(code)).as("code %d", code).isTrue();
        assertThat(Outbound.truncateReason(closed.reason())).hasSizeLessThanOrEqualTo(123);
        assertThat(engine.connection.state()).isEqualTo(Connection.State.CLOSED);
        // What it wrote is valid traffic for the other role: a Pong per Ping, then a Close with the same code
        Engine peer = setup.role() == Role.SERVER ? Engine.client() : Engine.server();
        List<Event> peerEvents = peer.receive(engine.output());
        assertThat(peerEvents.stream().filter(Event.Pong.class::isInstance).count()).isEqualTo(pings);
        List<Event> peerCloses = peerEvents.stream().filter(Event.Closed.class::isInstance).toList();
        if (code == 1006) {
            assertThat(peerCloses).isEmpty();
        } else {
            assertThat(peerCloses).containsExactly(new Event.Closed(code, peerCloses.isEmpty() ? ""
                    : ((Event.Closed) peerCloses.getFirst()).reason()));
        }
    }

    // ------------------------------------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Setup> setups() {
        Arbitrary<Limits> limits = Arbitraries.of(Limits.DEFAULT, new Limits(125, 125),
                new Limits(256, 1024), new Limits(4096, 20_000));
        return Combinators.combine(Arbitraries.of(Role.class), limits,
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(EngineOptions.Delivery.MESSAGES)),
                        Tuple.of(1, Arbitraries.just(EngineOptions.Delivery.PARTS))),
                Arbitraries.of(Compression.class)).as(Setup::new);
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Fuzz.cuts();
    }

    @Provide
    Arbitrary<List<Message>> messages() {
        return message().list().ofMaxSize(5);
    }

    @Provide
    Arbitrary<Stream> streams() {
        Arbitrary<Item> item = Arbitraries.frequencyOf(
                Tuple.of(4, message().map(m -> (Item) m)),
                Tuple.of(2, controlFrame().map(f -> (Item) new Single(f))),
                Tuple.of(1, rawFrame().map(f -> (Item) new Single(f))));
        Arbitrary<Change> change = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(Change.NONE)),
                Tuple.of(4, Arbitraries.of(Change.class)));
        return Combinators.combine(item.list().ofMaxSize(6), change, Arbitraries.integers().between(0, 1000),
                        Arbitraries.integers().between(0, 15), Fuzz.mutations(3))
                .as(Stream::new);
    }

    private static Arbitrary<Message> message() {
        return Combinators.combine(Arbitraries.of(1, 2), textPayload(), binaryPayload(),
                        Arbitraries.of(true, true, false),
                        Arbitraries.integers().between(0, 400).list().ofMaxSize(4),
                        controlFrame().filter(f -> f.opcode() != 8).list().ofMaxSize(2))
                .as((op, text, binary, compress, sizes, between) ->
                        new Message(op, op == 1 ? text : binary, compress, sizes, between));
    }

    private static Arbitrary<byte[]> binaryPayload() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)),
                Tuple.of(2, Arbitraries.of(125, 126, 127, 1023, 1025, 4097, 20_001, 65_535, 65_536, 70_000)
                        .map(n -> filled(n, 0x5A))),
                // a decompression bomb when compressed: a few hundred bytes that inflate to 2 MiB
                Tuple.of(1, Arbitraries.just(filled(2 << 20, 0))));
    }

    private static Arbitrary<byte[]> textPayload() {
        Arbitrary<byte[]> valid = Arbitraries.strings().ofMaxLength(200).map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> sequences = Arbitraries.of(
                        bytes(0xC3, 0xA9), bytes(0xF0, 0x9F, 0x98, 0x80), bytes(0xE2, 0x82, 0xAC), bytes('a'),
                        bytes(0xC0, 0x80), bytes(0xED, 0xA0, 0x80), bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xFF),
                        bytes(0xE2, 0x82), bytes(0x80), bytes(0xF0, 0x90), bytes(0xE0, 0x80), bytes(0xF5))
                .list().ofMaxSize(30).map(ConnectionFuzzTest::concat);
        return Arbitraries.frequencyOf(Tuple.of(3, valid), Tuple.of(2, sequences));
    }

    private static Arbitrary<FrameSpec> controlFrame() {
        Arbitrary<byte[]> small = Arbitraries.bytes().array(byte[].class).ofMaxSize(125);
        Arbitrary<FrameSpec> ping = small.map(p -> FrameSpec.of(9, true, p));
        Arbitrary<FrameSpec> pong = small.map(p -> FrameSpec.of(10, true, p));
        Arbitrary<FrameSpec> tooLong = Arbitraries.of(9, 10, 8).map(op -> FrameSpec.of(op, true, filled(126, 1)));
        Arbitrary<Integer> code = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(1000, 1001, 1003, 1007, 1011, 1014, 3000, 4999)),
                Tuple.of(1, Arbitraries.of(0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535)));
        Arbitrary<byte[]> reason = textPayload().filter(b -> b.length <= 123);
        Arbitrary<FrameSpec> close = Combinators.combine(code, reason).as((c, r) -> {
            byte[] p = Arrays.copyOf(bytes(c >> 8, c & 0xFF), 2 + r.length);
            System.arraycopy(r, 0, p, 2, r.length);
            return FrameSpec.of(8, true, p);
        });
        Arbitrary<FrameSpec> oddClose = Arbitraries.of(FrameSpec.of(8, true, new byte[0]),
                FrameSpec.of(8, true, new byte[] {3}));
        return Arbitraries.frequencyOf(Tuple.of(3, ping), Tuple.of(2, pong), Tuple.of(1, tooLong),
                Tuple.of(1, close), Tuple.of(1, oddClose));
    }

    private static Arbitrary<FrameSpec> rawFrame() {
        return Combinators.combine(Arbitraries.integers().between(0, 15), Arbitraries.of(true, false),
                        Arbitraries.of(0, 0x40, 0x20, 0x10, 0x70),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(20))
                .as((op, fin, rsv, payload) -> new FrameSpec(op, fin, rsv, payload, false, 0));
    }

    // ------------------------------------------------------------------------------------------------- encoding

    /** The stream's frames: messages compressed (when negotiated) and cut, then the one change applied. */
    static List<FrameSpec> frames(Stream stream, Setup setup) {
        var frames = new ArrayList<FrameSpec>();
        for (Item item : stream.items()) {
            switch (item) {
                case Single s -> frames.add(s.frame());
                case Message m -> {
                    boolean compress = m.compress() && setup.compression() != Compression.NONE;
                    byte[] payload = compress ? deflate(m.payload()) : m.payload();
                    int from = 0;
                    int opcode = m.opcode();
                    int sizeIndex = 0;
                    do {
                        int size = sizeIndex < m.fragmentBytes().size() ? m.fragmentBytes().get(sizeIndex++)
                                : payload.length - from;
                        int to = Math.min(payload.length, from + size);
                        boolean last = to == payload.length;
                        frames.add(new FrameSpec(opcode, last, opcode != 0 && compress ? 0x40 : 0,
                                Arrays.copyOfRange(payload, from, to), false, 0));
                        if (opcode != 0) {
                            frames.addAll(last ? List.of() : m.between());
                        }
                        opcode = 0;
                        from = to;
                    } while (from < payload.length);
                }
            }
        }
        if (stream.change() != Change.NONE && !frames.isEmpty()) {
            int at = stream.changeAt() % frames.size();
            FrameSpec f = frames.get(at);
            frames.set(at, switch (stream.change()) {
                case NONE -> f;
                case FLIP_FIN -> new FrameSpec(f.opcode(), !f.fin(), f.rsv(), f.payload(), f.wrongMask(), 0);
                case RSV1 -> new FrameSpec(f.opcode(), f.fin(), f.rsv() ^ 0x40, f.payload(), f.wrongMask(), 0);
                case RSV2 -> new FrameSpec(f.opcode(), f.fin(), f.rsv() ^ 0x20, f.payload(), f.wrongMask(), 0);
                case RSV3 -> new FrameSpec(f.opcode(), f.fin(), f.rsv() ^ 0x10, f.payload(), f.wrongMask(), 0);
                case OPCODE -> new FrameSpec(stream.changeValue(), f.fin(), f.rsv(), f.payload(), f.wrongMask(), 0);
                case MASK -> new FrameSpec(f.opcode(), f.fin(), f.rsv(), f.payload(), !f.wrongMask(), 0);
                case LENGTH16 -> new FrameSpec(f.opcode(), f.fin(), f.rsv(), f.payload(), f.wrongMask(), 16);
                case LENGTH64 -> new FrameSpec(f.opcode(), f.fin(), f.rsv(), f.payload(), f.wrongMask(), 64);
            });
        }
        return frames;
    }

    static byte[] encode(List<FrameSpec> frames, Role receiver, int maskKey) {
        var out = new ByteArrayOutputStream();
        for (FrameSpec f : frames) {
            byte[] bytes = f.encode(receiver, maskKey++);
            out.write(bytes, 0, bytes.length);
        }
        return out.toByteArray();
    }

    /** RFC 7692 §7.2.1: one message, its own deflate stream, sync-flushed, without the 4-byte tail. */
    static byte[] deflate(byte[] message) {
        var deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(message);
            var out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH)) > 0) {
                out.write(buffer, 0, n);
            }
            byte[] all = out.toByteArray();
            return Arrays.copyOf(all, all.length - 4);
        } finally {
            deflater.end();
        }
    }

    static String describe(List<FrameSpec> frames) {
        return frames.stream().map(f -> "\n  op=" + f.opcode() + " fin=" + f.fin() + " rsv=" + f.rsv()
                + " wrongMask=" + f.wrongMask() + " form=" + f.lengthForm() + " payload="
                + java.util.HexFormat.of().formatHex(f.payload(), 0, Math.min(f.payload().length, 64))
                + (f.payload().length > 64 ? "... (" + f.payload().length + " bytes)" : "")).toList().toString();
    }

    static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static byte[] filled(int n, int value) {
        byte[] bytes = new byte[n];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static byte[] concat(List<byte[]> parts) {
        var out = new ByteArrayOutputStream();
        parts.forEach(p -> out.write(p, 0, p.length));
        return out.toByteArray();
    }
}
