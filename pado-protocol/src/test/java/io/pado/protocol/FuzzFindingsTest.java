package io.pado.protocol;

import io.pado.protocol.extension.Extension;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

import static io.pado.protocol.RawFrame.concat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the fuzz properties found, each kept as the bytes that showed it. Every case runs whole and split at every
 * byte. See docs/RELIABILITY.md, "Fuzzing".
 */
class FuzzFindingsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final PerMessageDeflate DEFLATE = PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT);

    private static Engine deflateServer(Limits limits) {
        Extension codec = DEFLATE.acceptOffers(DEFLATE.clientOffers()).orElseThrow().extension();
        return Engine.of(Role.SERVER, limits.settings(), List.of(codec));
    }

    /** The events for {@code input} fed whole and split at each byte: all the same, or the test fails. */
    private static List<Event> eventsAtEverySplit(Supplier<Engine> engines, byte[] input) {
        List<Event> whole = engines.get().receive(input.clone());
        for (int at = 0; at <= input.length; at++) {
            assertThat(engines.get().receiveSplitAt(input, at)).as("split at %d", at).isEqualTo(whole);
        }
        return whole;
    }

    /**
     * ConnectionFuzzTest, seed -4431184805123031065: ED A0 can only begin a surrogate, so the text fails at the first
     * fragment (RFC 6455 §8.1, fail fast) and the Ping after it is never reported. (The test's oracle was wrong here,
     * not the engine: the JDK's decoder waits for the third byte.)
     */
    @Test
    void textFailsAtTheFirstFragmentThatStartsASurrogate() {
        byte[] input = concat(
                RawFrame.text(HEX.parseHex("c3a9eda0")).fin(false).maskedWith(0x01020304).bytes(),
                RawFrame.ping("").maskedWith(0x01020304).bytes(),
                RawFrame.continuation(HEX.parseHex("80")).maskedWith(0x01020304).bytes());
        assertThat(eventsAtEverySplit(Engine::server, input))
                .containsExactly(new Event.Closed(1007, "invalid UTF-8 in text message"));
    }

    /**
     * ConnectionFuzzTest, seed 2395421334129710773: a compressed text whose first fragment inflates to bad UTF-8
     * ("h\u00e9llo", FF, "world") fails with 1007 there, before the too-long Ping that follows (which alone would be
     * 1002).
     */
    @Test
    void compressedTextFailsAtTheFragmentThatInflatesToBadUtf8() {
        byte[] input = concat(
                RawFrame.text(HEX.parseHex("ca38bc322727ff7f797e514e0a00")).rsv(0x40).fin(false)
                        .maskedWith(0x0A0B0C0D).bytes(),
                RawFrame.of(0x9, new byte[126]).maskedWith(0x0A0B0C0D).bytes(),
                RawFrame.continuation(new byte[0]).maskedWith(0x0A0B0C0D).bytes());
        assertThat(eventsAtEverySplit(() -> deflateServer(Limits.DEFAULT), input))
                .containsExactly(new Event.Closed(1007, "invalid UTF-8 in text message"));
    }

    /**
     * ConnectionFuzzTest (any split must give the same events): 2,000 inflated bytes with FF at byte 10, limit 1,024.
     * Whole, zlib gave all 2,000 at once and the size check came first (1009); split early, the bad byte came first
     * (1007). Now UTF-8 within the limit is checked before the size, so it is 1007 at every split.
     */
    @Test
    void compressedTextOverTheLimitWithBadUtf8WithinItFailsWith1007AtEverySplit() {
        Limits limits = Limits.DEFAULT.withMaxMessageBytes(1024);
        byte[] input = RawFrame.text(HEX.parseHex("4a4c8481ff89a360148c8251300a46c128189a0000")).rsv(0x40)
                .maskedWith(0x0A0B0C0D).bytes();
        assertThat(eventsAtEverySplit(() -> deflateServer(limits), input))
                .containsExactly(new Event.Closed(1007, "invalid UTF-8 in text message"));
    }

    /** The same with FF at byte 1,500, past the limit: 1009 at every split, the bad byte is never looked at. */
    @Test
    void compressedTextWithBadUtf8PastTheLimitFailsWith1009AtEverySplit() {
        Limits limits = Limits.DEFAULT.withMaxMessageBytes(1024);
        byte[] input = RawFrame.text(HEX.parseHex("4a4c1c05a360148c825130dcc0ff8176c028a03b0000")).rsv(0x40)
                .maskedWith(0x0A0B0C0D).bytes();
        assertThat(eventsAtEverySplit(() -> deflateServer(limits), input))
                .containsExactly(new Event.Closed(1009, "message too big"));
    }

    /**
     * ConnectionFuzzTest, seed -2409334526303438017: with context takeover, a compressed message with an empty
     * payload (RSV1, no bytes) was inflated as the 4-byte tail alone, which leaves zlib inside a stored block, so the
     * next message came out garbled (here: 1007). An empty compressed payload is now an empty message and the
     * stream is untouched.
     */
    @Test
    void emptyCompressedMessageLeavesTheContextAsItWas() {
        var context = PerMessageDeflate.create(
                PerMessageDeflate.Options.DEFAULT.withMemory(PerMessageDeflate.Memory.CONTEXT_TAKEOVER));
        byte[] input = concat(
                RawFrame.text(new byte[0]).rsv(0x40).maskedWith(0x0A0B0C0D).bytes(),
                RawFrame.text(HEX.parseHex("00")).rsv(0x40).maskedWith(0x0A0B0C0D).bytes(),
                RawFrame.text(HEX.parseHex("ca48cdc9c90700")).rsv(0x40).maskedWith(0x0A0B0C0D).bytes());
        Supplier<Engine> engines = () -> Engine.of(Role.SERVER, EngineOptions.DEFAULT,
                List.of(context.acceptOffers(context.clientOffers()).orElseThrow().extension()));
        assertThat(eventsAtEverySplit(engines, input))
                .containsExactly(new Event.Text(""), new Event.Text(""), new Event.Text("hello"));
    }

    /** The fuzz oracle's UTF-8 reading, kept honest against the engine's validator on the sequences above. */
    @Test
    void oracleKnowsWhichUtf8PrefixesCanStillBeCompleted() {
        var cases = new ArrayList<Object[]>();
        cases.add(new Object[] {"c3a9ed9f", FrameOracle.Utf8.INCOMPLETE});
        cases.add(new Object[] {"c3a9eda0", FrameOracle.Utf8.INVALID});
        cases.add(new Object[] {"f090", FrameOracle.Utf8.INCOMPLETE});
        cases.add(new Object[] {"f08f", FrameOracle.Utf8.INVALID});
        cases.add(new Object[] {"f5", FrameOracle.Utf8.INVALID});
        cases.add(new Object[] {"e0a0", FrameOracle.Utf8.INCOMPLETE});
        cases.add(new Object[] {"e080", FrameOracle.Utf8.INVALID});
        cases.add(new Object[] {"c3a9", FrameOracle.Utf8.VALID});
        for (Object[] c : cases) {
            assertThat(FrameOracle.utf8(HEX.parseHex((String) c[0]))).as((String) c[0]).isEqualTo(c[1]);
        }
    }
}
