package io.pado.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pado.protocol.Connection;
import io.pado.protocol.FuzzAccess;
import io.pado.protocol.Role;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Coverage-guided fuzzing (Jazzer) of the whole engine: the input drives one {@link Connection}, server or client,
 * with or without permessage-deflate, as a runtime does ({@link EngineRun}), from the opening handshake (the input's,
 * or a valid one the target writes) to the end of TCP, with the application's sends in between. Input: byte 0 the
 * engine ({@link EngineSetup}), byte 1 the cuts and the sends ({@link Conversation}), the rest what the peer sends.
 * Regression inputs: {@code src/test/resources/io/pado/protocol/fuzz/ConnectionFuzzerInputs/engine}.
 *
 * <p>What must hold, in each run: {@code receive} never throws; sends throw only what they document; an open
 * connection reports exactly one {@code Closed}, last, with a code that may be reported (1005 and 1006 included, and
 * 1006 only at the end of TCP); no message, nor the parts of one, over {@code maxMessageBytes}; text is well-formed;
 * a buffer in an event keeps its bytes until the next {@code receive}; no output once {@code tcpCloseDue()}; no zlib
 * memory held once CLOSED; every frame buffer taken is given back; and what the engine wrote is valid for its peer
 * ({@link WireCheck}): our messages as sent (inflated as agreed), a Pong per Ping with its payload unless our Close
 * went first, and our Close last, with our code or the one it answers. Across runs: whole (cut only where the
 * application sends), cut where byte 1 says, and a byte at a time, the same events and the same bytes written.
 * With the valid opening, the events are {@code FrameOracle}'s, an independent reading of RFC 6455 and RFC 7692.
 *
 * <p><b>The one difference allowed</b> between runs, and between a run and the oracle, is where RFC 7692 meets
 * zlib: when a compressed payload is corrupt, zlib reports the error from a call that may also have inflated the
 * bytes before it, and that output is then lost; cut elsewhere, the same output comes from an earlier call and is
 * checked first. So the message that holds the corrupt data may end in {@code 1007 invalid compressed data} in one
 * reading and, in the other, in what its output causes: 1007 (bad UTF-8) or 1009 (over the limit). Everything
 * before that message is the same, and so is what was written up to the Close that reports it; with parts, what was
 * reported of that message is a prefix of the other's. Nothing else may differ.
 */
class ConnectionFuzzer {
    private static final String CORRUPT = "closed 1007 invalid compressed data";

    @FuzzTest
    void engine(byte[] data) {
        Conversation plan = Conversation.of(data);
        EngineRun whole = EngineRun.run(plan, plan.sendCuts());
        assertSameReading("cut anywhere", whole, EngineRun.run(plan, plan.randomCuts()));
        assertSameReading("a byte at a time", whole, EngineRun.run(plan, plan.everyByte()));
        if (plan.setup().validOpening() && !(whole.failedByUs && !whole.opened)) {
            assertValidOpening(plan, whole);
            assertOracleReading(plan, whole);
        }
    }

    /** Two runs of one conversation, cut differently: the same, but for the difference in the class comment. */
    private static void assertSameReading(String how, EngineRun a, EngineRun b) {
        assertThat(new String(b.head(), StandardCharsets.ISO_8859_1)).as("%s: HTTP written", how)
                .isEqualTo(new String(a.head(), StandardCharsets.ISO_8859_1));
        assertPrefixes(how, a.unfinished(), b.unfinished());
        if (a.events.equals(b.events)) {
            assertThat(HexFormat.of().formatHex(b.frames())).as("%s: frames written", how)
                    .isEqualTo(HexFormat.of().formatHex(a.frames()));
            return;
        }
        assertCorruptDataOnly(how, a.receivesCompressed(), a.events, b.events);
        byte[] fa = a.frames();
        byte[] fb = b.frames();
        if (!Arrays.equals(fa, fb)) {
            // Each answers its failure with a Close of its own code: all before it is the same
            int la = WireCheck.lastFrameOffset(fa);
            int lb = WireCheck.lastFrameOffset(fb);
            assertThat(Arrays.copyOf(fb, lb)).as("%s: frames before the Close", how).isEqualTo(Arrays.copyOf(fa, la));
            assertThat(List.of(fa[la] & 0x0F, fb[lb] & 0x0F)).as("%s: the last frames", how).containsOnly(0x8);
        }
    }

    private static void assertCorruptDataOnly(String how, boolean compressed, List<String> a, List<String> b) {
        String allowed = how + ": events differ, allowed only at corrupt compressed data (see ConnectionFuzzer)";
        assertThat(compressed).as(allowed).isTrue();
        assertThat(List.of(a.getLast(), b.getLast())).as(allowed).contains(CORRUPT)
                .allMatch(e -> e.startsWith("closed 1007 ") || e.startsWith("closed 1009 "));
        assertThat(b.subList(0, b.size() - 1)).as(allowed).isEqualTo(a.subList(0, a.size() - 1));
    }

    /** What each run reported of a message it was receiving in parts at the end: one is a prefix of the other. */
    private static void assertPrefixes(String how, byte[] a, byte[] b) {
        byte[] shorter = a.length <= b.length ? a : b;
        byte[] longer = a.length <= b.length ? b : a;
        assertThat(Arrays.copyOf(longer, shorter.length)).as("%s: the unfinished message's parts", how)
                .isEqualTo(shorter);
    }

    /** The target's opening leads to a WebSocket, with permessage-deflate if the peer offered or answered it. */
    private static void assertValidOpening(Conversation plan, EngineRun run) {
        EngineSetup setup = plan.setup();
        assertThat(run.opened).as("opened by a valid opening; events %s", run.events).isTrue();
        String head = new String(run.head(), StandardCharsets.ISO_8859_1);
        boolean agreed;
        if (setup.role() == Role.SERVER) {
            assertThat(run.events.getFirst()).isEqualTo("upgrade /chat");
            assertThat(head).startsWith("HTTP/1.1 101 ")
                    .contains("\r\nSec-WebSocket-Accept: " + Conversation.acceptValue(Conversation.SERVER_KEY) + "\r\n")
                    .endsWith("\r\n\r\n");
            agreed = setup.compression() != EngineSetup.Compression.NONE
                    && setup.compression() != EngineSetup.Compression.DECLINED;
        } else {
            assertThat(run.events.getFirst()).isEqualTo("opened ");
            assertThat(head).isEqualTo(Conversation.clientRequest(setup));
            agreed = setup.compression().answer != null;
        }
        assertThat(run.receivesCompressed()).as("permessage-deflate agreed").isEqualTo(agreed);
    }

    /**
     * The frames after the target's opening, read by {@code FrameOracle}: the same events (whole messages; with
     * parts, the messages they make), and a close code it allows. Where the stream ends inside a frame, the oracle
     * sees the whole frames only: the engine may fail on the header or the first bytes of the last one (1002, 1007,
     * 1009) instead of 1006. If we failed the connection ourselves, what came before is a prefix of the oracle's.
     */
    private static void assertOracleReading(Conversation plan, EngineRun run) {
        EngineSetup setup = plan.setup();
        byte[] body = plan.framesAfterOpening();
        FrameReaderFuzzer.Reading read = FrameReaderFuzzer.reference(body);
        var frames = new ArrayList<FuzzAccess.Frame>();
        int at = 0;
        for (FrameReaderFuzzer.Frame f : read.frames()) {
            if (!f.complete()) {
                break;
            }
            frames.add(new FuzzAccess.Frame(f.opcode(), f.fin(), f.rsv(), HexFormat.of().parseHex(f.payload()),
                    f.masked()));
            at += WireCheck.frameBytes(body, at, f.length());
        }
        FuzzAccess.Reading expected = FuzzAccess.oracle(setup.role(), setup.maxFrameBytes(), setup.maxMessageBytes(),
                run.receivesCompressed(), run.receiveContextTakeover(), frames);
        List<String> want = expected.events().stream().map(EngineRun::describe).toList();
        List<String> got = run.events.subList(1, run.events.size() - 1); // after the opening, before Closed
        if (run.failedByUs) {
            assertThat(got.size()).as("events before our failure").isLessThanOrEqualTo(want.size());
            assertThat(got).as("events before our failure").isEqualTo(want.subList(0, got.size()));
            return;
        }
        assertThat(got).as("events, as FrameOracle reads the frames").isEqualTo(want);
        Set<Integer> codes = expected.closeCodes();
        if (codes.equals(Set.of(1006)) && read.failure() != null) {
            codes = Set.of(1002); // RFC 6455 §5.2: a 64-bit length with its top bit set
        } else if (codes.equals(Set.of(1006)) && at < body.length) {
            codes = Set.of(1006, 1002, 1007, 1009);
        }
        int code = run.closed.code();
        if (!codes.contains(code)) {
            assertThat(expected.corruptCompressedData() || run.events.getLast().equals(CORRUPT))
                    .as("close code %d, FrameOracle says %s", code, codes).isTrue();
            assertThat(List.of(code, codes.iterator().next())).as("close codes at corrupt data").allMatch(
                    c -> c == 1007 || c == 1009);
        }
    }
}
