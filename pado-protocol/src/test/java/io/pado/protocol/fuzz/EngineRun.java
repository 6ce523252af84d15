package io.pado.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.pado.protocol.ClientHandshake;
import io.pado.protocol.Connection;
import io.pado.protocol.Event;
import io.pado.protocol.FuzzAccess;
import io.pado.protocol.Headers;
import io.pado.protocol.Persistence;
import io.pado.protocol.Role;
import io.pado.protocol.EngineOptions;
import io.pado.protocol.frame.CloseCode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.zip.CRC32C;

/**
 * One run of {@link ConnectionFuzzer}: a {@link Connection} driven as a runtime drives it (the package comment of
 * {@code io.pado.protocol}): each piece of the stream fed until it is read, the events taken after each
 * {@code receive}, an upgrade accepted and a plain request answered, a Closed answered with {@code answerClose()}
 * (at once, or at the next send point as a runtime whose handlers are busy does), the output taken and given back
 * to the buffers as if written, and the application's sends made at their offsets. The end of the stream is the end
 * of TCP ({@code receiveEof}).
 *
 * <p>What holds at every step is checked as it happens; what the run saw ({@link #events}, the bytes written) is
 * kept for {@link WireCheck} and for comparing runs. Events are kept as strings: a data message as its kind, length
 * and bytes (a CRC-32C beyond 32 bytes); with {@link EngineOptions.Delivery#PARTS} the parts of a message are joined
 * and reported as the message once the last one came, so that runs cut differently compare.
 */
final class EngineRun {
    private static final URI URI_OF_CLIENT = URI.create("ws://h.example/chat");
    /** The nonce of every client, so that inputs may carry a 101 with the right accept key themselves. */
    private static final byte[] CLIENT_NONCE = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PLAIN_ANSWER = "ok".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();

    private final Conversation plan;
    private final EngineSetup setup;
    private final RecordingFactory deflate;
    private final LendingBuffers buffers = new LendingBuffers();
    private final Connection connection;
    private int maskKey = 0x1F2E3D4C;

    /** Everything reported, in order (see the class comment). */
    final List<String> events = new ArrayList<>();
    /** What was written before the WebSocket opened (HTTP) and after (frames). */
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private final ByteArrayOutputStream frames = new ByteArrayOutputStream();
    /** What the frames written must be, in order: our sends, Pongs, our Close. */
    final List<WireCheck.Outgoing> outgoing = new ArrayList<>();

    boolean opened;
    /** The Closed reported, if any; its answer may wait for the next send point. */
    Event.Closed closed;
    private boolean answerDue;
    /** Whether we sent a Close (ours, an answer, or by failing), or the connection ended otherwise. */
    private boolean closeSent;
    boolean failedByUs;
    private boolean tcpCloseDue;
    /** A message arriving in parts: its kind and bytes so far; what is left of it at the end stays here. */
    private int partsOpcode = -1;
    private final ByteArrayOutputStream parts = new ByteArrayOutputStream();
    /** Views in the events of the last receive, and their bytes when taken: valid until the next receive. */
    private final List<ByteBuffer> views = new ArrayList<>();
    private final List<byte[]> viewBytes = new ArrayList<>();

    private EngineRun(Conversation plan) {
        this.plan = plan;
        this.setup = plan.setup();
        this.deflate = new RecordingFactory(setup.compression().factory);
        IntSupplier keys = () -> maskKey = maskKey * 0x9E3779B9 + 0x632BE5AB;
        if (setup.role() == Role.SERVER) {
            connection = Connection.server(setup.options());
        } else {
            connection = newClient(setup, deflate, keys);
        }
        connection.useFrameBuffers(buffers);
        drainOutput();
    }

    static Connection newClient(EngineSetup setup, RecordingFactory deflate, IntSupplier maskKeys) {
        ClientHandshake handshake = FuzzAccess.clientHandshake(URI_OF_CLIENT, deflate.asList(), CLIENT_NONCE);
        return Connection.client(setup.options(), handshake, maskKeys);
    }

    /** Feeds the conversation's stream in the pieces between {@code cuts} (sorted offsets), then ends it. */
    static EngineRun run(Conversation plan, int[] cuts) {
        var run = new EngineRun(plan);
        run.drive(cuts);
        return run;
    }

    private void drive(int[] cuts) {
        byte[] stream = plan.stream();
        int from = 0;
        int next = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : stream.length;
            feed(Arrays.copyOfRange(stream, from, to));
            from = to;
            if (next < plan.sends().size() && plan.sends().get(next).offset() == to) {
                while (next < plan.sends().size() && plan.sends().get(next).offset() == to) {
                    send(plan.sends().get(next++));
                }
                afterSends();
            }
        }
        assertThat(next).as("every send made").isEqualTo(plan.sends().size());
        afterSends(); // a Closed still waiting is answered before the end, as the runtime does
        checkViews();
        connection.receiveEof("");
        takeEvents();
        drainOutput();
        checkEnd();
    }

    /** As the runtime feeds a read: receive and take events until the piece is read and nothing waits. */
    private void feed(byte[] piece) {
        ByteBuffer input = ByteBuffer.wrap(piece);
        int rounds = 0;
        do {
            checkViews();
            int before = input.position();
            connection.receive(input);
            assertThat(input.position()).as("position moves forward").isGreaterThanOrEqualTo(before);
            int taken = takeEvents();
            drainOutput();
            if (taken == 0 && input.position() == before && input.hasRemaining() && !connection.hasWaitingInput()) {
                throw new AssertionError("receive made no progress at " + before + " of " + piece.length);
            }
            assertThat(++rounds).as("receive calls for one piece").isLessThanOrEqualTo(2 * piece.length + 16);
        } while (input.hasRemaining() || connection.hasWaitingInput());
    }

    private int takeEvents() {
        int n = 0;
        for (Event e; (e = connection.pollEvent()) != null; n++) {
            take(e);
        }
        return n;
    }

    private void take(Event event) {
        assertThat(closed).as("an event after Closed: %s", event).isNull();
        switch (event) {
            case Event.Request r -> {
                requireOpening(event, Role.SERVER);
                events.add("request " + r.head().method() + " " + r.head().target() + " " + r.body().remaining());
                connection.respond(200, Headers.of(), PLAIN_ANSWER, Persistence.KEEP_ALIVE);
                drainOutput();
            }
            case Event.Upgrade u -> {
                requireOpening(event, Role.SERVER);
                events.add("upgrade " + u.request().head().target());
                FuzzAccess.accept(connection, deflate.asList());
                drainOutput(); // the 101, before the frames
                opened = connection.state() == Connection.State.OPEN;
            }
            case Event.Opened o -> {
                requireOpening(event, Role.CLIENT);
                events.add("opened " + o.subprotocol().orElse(""));
                opened = true;
            }
            case Event.Refused r -> {
                assertThat(opened).as("refused after opening").isFalse();
                events.add("refused " + r.cause().status());
                closeSent = true;
            }
            case Event.Text t -> {
                requireOpen(event);
                assertWellFormed(t.text());
                message(1, t.text().getBytes(StandardCharsets.UTF_8));
            }
            case Event.Binary b -> {
                requireOpen(event);
                message(2, view(b.data()));
            }
            case Event.TextPart t -> {
                requireOpen(event);
                assertWellFormed(t.text());
                part(1, t.text().getBytes(StandardCharsets.UTF_8), t.last());
            }
            case Event.BinaryPart b -> {
                requireOpen(event);
                part(2, view(b.data()), b.last());
            }
            case Event.Ping p -> {
                requireOpen(event);
                byte[] payload = view(p.data());
                events.add("ping " + HEX.formatHex(payload));
                if (!closeSent) {
                    // RFC 6455 §5.5.2: a Pong with the same payload, unless our Close went first
                    outgoing.add(WireCheck.Outgoing.control(0xA, payload));
                }
            }
            case Event.Pong p -> {
                requireOpen(event);
                events.add("pong " + HEX.formatHex(view(p.data())));
            }
            case Event.Closed c -> closed(c);
        }
    }

    private void closed(Event.Closed c) {
        closed = c;
        events.add("closed " + c.code() + " " + c.reason());
        int code = c.code();
        assertThat(code == CloseCode.NO_STATUS_RECEIVED || code == CloseCode.ABNORMAL_CLOSURE
                || CloseCode.isValidOnWire(code)).as("a code that may be reported: %s", c).isTrue();
        if (!opened) {
            // A connection that never became a WebSocket ends with 1006, after its refusal or answer
            assertThat(code).as("Closed before opening").isEqualTo(CloseCode.ABNORMAL_CLOSURE);
            return;
        }
        if (!failedByUs) {
            assertThat(c.reason().getBytes(StandardCharsets.UTF_8)).as("reason of %s", c).hasSizeLessThanOrEqualTo(123);
        }
        if (!closeSent && code != CloseCode.ABNORMAL_CLOSURE) {
            // The peer's Close or violation: our Close answers it once the application saw the event
            assertThat(connection.state()).as("after %s", c).isEqualTo(Connection.State.REMOTE_CLOSING);
            answerDue = true;
            if (!plan.answerLate()) {
                answer();
            }
        }
    }

    /** RFC 6455 §5.5.1: the answer echoes the peer's code (none for 1005), or gives our reason for failing. */
    private void answer() {
        answerDue = false;
        connection.answerClose();
        closeSent = true;
        outgoing.add(WireCheck.Outgoing.close(closed.code(), "", closed.reason()));
        drainOutput();
    }

    private void afterSends() {
        drainOutput();
        checkViews();
        if (answerDue) {
            answer();
        }
    }

    private void requireOpening(Event event, Role role) {
        assertThat(setup.role()).as("%s for a %s", event, setup.role()).isEqualTo(role);
        assertThat(opened).as("%s once open", event).isFalse();
    }

    private void requireOpen(Event event) {
        assertThat(opened).as("%s before opening", event).isTrue();
    }

    private void message(int opcode, byte[] bytes) {
        assertThat(partsOpcode).as("a whole message while one comes in parts").isEqualTo(-1);
        assertThat(bytes.length).as("message over maxMessageBytes").isLessThanOrEqualTo(setup.maxMessageBytes());
        events.add(describe(opcode, bytes));
    }

    private void part(int opcode, byte[] bytes, boolean last) {
        assertThat(partsOpcode == -1 || partsOpcode == opcode).as("parts of one message of one kind").isTrue();
        partsOpcode = opcode;
        parts.writeBytes(bytes);
        assertThat((long) parts.size()).as("message in parts over maxMessageBytes")
                .isLessThanOrEqualTo(setup.maxMessageBytes());
        if (last) {
            events.add(describe(opcode, parts.toByteArray()));
            parts.reset();
            partsOpcode = -1;
        }
    }

    /** The bytes of a buffer in an event, kept to check that they stay until the next receive. */
    private byte[] view(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        views.add(data);
        viewBytes.add(bytes);
        return bytes;
    }

    /** Event.java: a buffer in an event stays valid until the next receive, whatever else the application calls. */
    private void checkViews() {
        for (int i = 0; i < views.size(); i++) {
            byte[] now = new byte[views.get(i).remaining()];
            views.get(i).duplicate().get(now);
            assertThat(now).as("an event's buffer changed before the next receive").isEqualTo(viewBytes.get(i));
        }
        views.clear();
        viewBytes.clear();
    }

    // ----------------------------------------------------------------------------------------------------- sends

    /**
     * One send of the application. The documented exceptions only: {@code IllegalArgumentException} for a control
     * payload over 125 bytes or a close code that may not be sent, {@code IllegalStateException} for a message or
     * control frame once no more may go (RFC 6455 §5.5.1: nothing after our Close).
     */
    private void send(Conversation.Send s) {
        boolean open = opened && !closeSent;
        boolean badArgument = switch (s.kind()) {
            case PING, PONG -> s.payload().length > 125;
            case CLOSE, FAIL -> !CloseCode.isValidOnWire(s.code());
            default -> false;
        };
        boolean stateMatters = s.kind() != Conversation.Kind.CLOSE && s.kind() != Conversation.Kind.FAIL;
        try {
            switch (s.kind()) {
                case TEXT, WIDE_TEXT -> connection.sendText(s.text());
                case BINARY -> connection.sendBinary(ByteBuffer.wrap(s.payload()));
                case BINARY_COPY -> connection.sendBinaryCopy(ByteBuffer.wrap(s.payload()));
                case PING -> connection.sendPing(ByteBuffer.wrap(s.payload()));
                case PONG -> connection.sendPong(ByteBuffer.wrap(s.payload()));
                case CLOSE -> connection.close(s.code(), s.text());
                case FAIL -> connection.fail(s.code(), s.text());
            }
        } catch (IllegalArgumentException e) {
            assertThat(badArgument).as("%s threw %s", s.kind(), e).isTrue();
            return;
        } catch (IllegalStateException e) {
            assertThat(!badArgument && stateMatters && !open).as("%s when open=%s threw %s", s.kind(), open, e)
                    .isTrue();
            return;
        }
        assertThat(badArgument).as("%s with a bad argument did not throw", s.kind()).isFalse();
        assertThat(open || !stateMatters).as("%s accepted when open=%s", s.kind(), open).isTrue();
        if (s.kind() == Conversation.Kind.FAIL) {
            failedByUs = true;
            closeSent = true; // sent now if it still could be; either way the connection is over
        }
        if (open) {
            switch (s.kind()) {
                case TEXT, WIDE_TEXT -> outgoing.add(WireCheck.Outgoing.message(1,
                        s.text().getBytes(StandardCharsets.UTF_8)));
                case BINARY, BINARY_COPY -> outgoing.add(WireCheck.Outgoing.message(2, s.payload()));
                case PING -> outgoing.add(WireCheck.Outgoing.control(0x9, s.payload()));
                case PONG -> outgoing.add(WireCheck.Outgoing.control(0xA, s.payload()));
                case CLOSE, FAIL -> {
                    outgoing.add(WireCheck.Outgoing.close(s.code(), s.text(), s.text()));
                    closeSent = true;
                    answerDue = false; // our Close answers the peer's, if it came
                }
            }
        }
        takeEvents(); // fail reports Closed
    }

    // ---------------------------------------------------------------------------------------------------- output

    /** Takes the output as a runtime writes it, and gives the buffers back as a pooling runtime does once written. */
    private void drainOutput() {
        for (ByteBuffer b; (b = connection.pollOutput()) != null; ) {
            assertThat(tcpCloseDue).as("output after tcpCloseDue").isFalse();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            (opened ? frames : head).writeBytes(bytes);
            buffers.giveBack(b);
        }
        tcpCloseDue = connection.tcpCloseDue();
        if (connection.state() == Connection.State.CLOSED) {
            // Both Closes are exchanged or the connection failed: no codec is needed any more
            assertThat(deflate.holdsNativeMemory()).as("zlib memory held in state CLOSED").isFalse();
        }
    }

    private void checkEnd() {
        assertThat(connection.state()).isEqualTo(Connection.State.CLOSED);
        assertThat(tcpCloseDue).as("tcpCloseDue at the end").isTrue();
        assertThat(deflate.holdsNativeMemory()).as("zlib memory held after the end").isFalse();
        assertThat(buffers.outstanding()).as("frame buffers never given back").isZero();
        // Held at once, at most: a binary message being gathered (the old buffer and the one twice its size while it
        // grows), the message handed out before it, and the application's sends not yet written (compressed or not)
        long sentBytes = plan.sends().stream().mapToLong(s -> s.payload().length * 3L).sum();
        assertThat(buffers.mostLentBytes()).as("frame buffer bytes held at once")
                .isLessThanOrEqualTo(3L * setup.maxMessageBytes() + 2 * sentBytes + (64 << 10));
        if (opened) {
            assertThat(closed).as("the one Closed of an open connection").isNotNull();
        }
        new WireCheck(setup.role(), sendCompression()).check(frames.toByteArray(), outgoing);
    }

    // -------------------------------------------------------------------------------------------------- results

    /** What a receiver of our frames must expect of RSV1 (null: permessage-deflate was not agreed). */
    WireCheck.Compression sendCompression() {
        if (!opened || deflate.agreed().isEmpty()) {
            return null;
        }
        var agreed = deflate.agreed().orElseThrow();
        boolean server = setup.role() == Role.SERVER;
        int window = agreed.parameter(server ? "server_max_window_bits" : "client_max_window_bits")
                .map(p -> Integer.parseInt(p.value())).orElse(15);
        boolean ownNoContext = agreed.parameter(server ? "server_no_context_takeover" : "client_no_context_takeover")
                .isPresent();
        boolean keepsContext = !ownNoContext && window == 15 && (server
                || deflate.options().memory() == io.pado.protocol.PerMessageDeflate.Memory.CONTEXT_TAKEOVER);
        return new WireCheck.Compression(deflate.options().minMessageBytes(), window == 15 ? Long.MAX_VALUE
                : 1L << window, keepsContext);
    }

    /** Whether we decompress what the peer sends, and whether our inflater keeps its context between messages. */
    boolean receivesCompressed() {
        return opened && deflate.agreed().isPresent();
    }

    boolean receiveContextTakeover() {
        String peerNoContext = setup.role() == Role.SERVER ? "client_no_context_takeover"
                : "server_no_context_takeover";
        return deflate.agreed().map(a -> a.parameter(peerNoContext).isEmpty()).orElse(false);
    }

    byte[] head() {
        return head.toByteArray();
    }

    byte[] frames() {
        return frames.toByteArray();
    }

    /** What is left of a message that was coming in parts when the connection ended. */
    byte[] unfinished() {
        return parts.toByteArray();
    }

    static String describe(int opcode, byte[] bytes) {
        String kind = opcode == 1 ? "text " : "binary ";
        if (bytes.length <= 32) {
            return kind + bytes.length + " " + HEX.formatHex(bytes);
        }
        var crc = new CRC32C();
        crc.update(bytes);
        return kind + bytes.length + " crc " + Long.toHexString(crc.getValue());
    }

    /** As {@link #events} keeps them; for the oracle's events. */
    static String describe(Event event) {
        return switch (event) {
            case Event.Text t -> describe(1, t.text().getBytes(StandardCharsets.UTF_8));
            case Event.Binary b -> describe(2, bytes(b.data()));
            case Event.Ping p -> "ping " + HEX.formatHex(bytes(p.data()));
            case Event.Pong p -> "pong " + HEX.formatHex(bytes(p.data()));
            case Event.Closed c -> "closed " + c.code() + " " + c.reason();
            default -> throw new AssertionError("not a frame's event: " + event);
        };
    }

    private static byte[] bytes(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return bytes;
    }

    /** A String that is UTF-8 (no lone surrogate): what it encodes to decodes back to it. */
    private static void assertWellFormed(String text) {
        assertThat(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).as("well-formed text")
                .isEqualTo(text);
    }
}
