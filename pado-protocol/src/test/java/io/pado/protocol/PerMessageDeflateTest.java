package io.pado.protocol;

import io.pado.protocol.extension.Extension;
import io.pado.protocol.extension.ExtensionFactory;
import io.pado.protocol.extension.ExtensionOffer;
import io.pado.protocol.extension.DeflateCodec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;

import static io.pado.protocol.RawFrame.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PerMessageDeflateTest {
    /** What {@code codec} makes of {@code message}, in a buffer of its own. */
    static ByteBuffer encode(Extension codec, ByteBuffer message) {
        ByteBuffer out = ByteBuffer.allocate(codec.maxEncodedBytes(message.remaining()));
        assertThat(codec.encode(message, out)).isTrue();
        return out.flip();
    }

    private static final int KEY = 0x0A0B0C0D;
    private static final PerMessageDeflate POOLED = PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT);
    private static final PerMessageDeflate CONTEXT = PerMessageDeflate.create(
            PerMessageDeflate.Options.DEFAULT.withMemory(PerMessageDeflate.Memory.CONTEXT_TAKEOVER));

    private static ExtensionOffer offer(String header) {
        return ExtensionOffer.parseHeader(header).get(0);
    }

    private static String accept(PerMessageDeflate factory, String header) {
        return factory.acceptOffers(ExtensionOffer.parseHeader(header))
                .map(a -> a.response().toString()).orElse("declined");
    }

    private static Engine server(PerMessageDeflate factory, String offer) {
        Extension codec = factory.acceptOffers(ExtensionOffer.parseHeader(offer)).orElseThrow().extension();
        return Engine.of(Role.SERVER, EngineOptions.DEFAULT, List.of(codec));
    }

    @Nested
    class Negotiation { // RFC 7692 §5, §7.1
        @Test
        void serverAcceptsAPlainOffer() {
            assertThat(accept(CONTEXT, "permessage-deflate")).isEqualTo("permessage-deflate");
            assertThat(accept(POOLED, "permessage-deflate"))
                    .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        }

        @Test
        void serverHonoursServerNoContextTakeover() {
            assertThat(accept(CONTEXT, "permessage-deflate; server_no_context_takeover"))
                    .isEqualTo("permessage-deflate; server_no_context_takeover");
        }

        @Test
        void serverAnswersALimitedWindowWithTheSameLimit() {
            assertThat(accept(CONTEXT, "permessage-deflate; server_max_window_bits=10"))
                    .isEqualTo("permessage-deflate; server_max_window_bits=10");
            assertThat(accept(CONTEXT, "permessage-deflate; client_max_window_bits; server_max_window_bits=\"9\""))
                    .isEqualTo("permessage-deflate; server_max_window_bits=9");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "permessage-deflate; server_max_window_bits",
            "permessage-deflate; server_max_window_bits=7",
            "permessage-deflate; server_max_window_bits=16",
            "permessage-deflate; server_max_window_bits=08",
            "permessage-deflate; client_max_window_bits=abc",
            "permessage-deflate; server_no_context_takeover=1",
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            "permessage-deflate; unknown_parameter",
            "x-other-extension"})
        void serverDeclinesInvalidOffers(String header) {
            assertThat(accept(CONTEXT, header)).isEqualTo("declined");
        }

        @Test
        void serverTakesTheFirstValidOfSeveralOffers() {
            assertThat(accept(CONTEXT, "permessage-deflate; foo, permessage-deflate; client_no_context_takeover, "
                    + "permessage-deflate")).isEqualTo("permessage-deflate; client_no_context_takeover");
        }

        @Test
        void clientOffersWhatItsModeNeeds() {
            assertThat(POOLED.clientOffers().get(0)).hasToString(
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover;"
                            + " client_max_window_bits");
            assertThat(CONTEXT.clientOffers().get(0)).hasToString("permessage-deflate; client_max_window_bits");
            assertThat(CONTEXT.name()).isEqualTo("permessage-deflate");
        }

        @Test
        void clientAcceptsValidResponsesAndRefusesOthers() {
            assertThat(CONTEXT.acceptResponse(offer("permessage-deflate; client_max_window_bits=9"))).isNotNull();
            assertThat(POOLED.acceptResponse(offer("permessage-deflate; server_no_context_takeover"))).isNotNull();
            assertThatThrownBy(() -> POOLED.acceptResponse(offer("permessage-deflate")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server_no_context_takeover");
            assertThatThrownBy(() -> CONTEXT.acceptResponse(offer("permessage-deflate; client_max_window_bits")))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CONTEXT.acceptResponse(offer("permessage-deflate; mystery=1")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mystery");
        }

        @Test
        void clientAsksForASmallerServerWindowFirstAndFallsBackWithoutIt() {
            var asking = PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT
                    .withMemory(PerMessageDeflate.Memory.CONTEXT_TAKEOVER).withServerWindowBitsToAsk(10));
            assertThat(asking.clientOffers()).map(ExtensionOffer::toString).containsExactly(
                    "permessage-deflate; client_max_window_bits; server_max_window_bits=10",
                    "permessage-deflate; client_max_window_bits");
            // A pado server takes the first offer and honours the limit; the client accepts either answer
            String offers = asking.clientOffers().get(0) + ", " + asking.clientOffers().get(1);
            assertThat(accept(CONTEXT, offers)).isEqualTo("permessage-deflate; server_max_window_bits=10");
            assertThat(asking.acceptResponse(offer("permessage-deflate; server_max_window_bits=10"))).isNotNull();
            assertThat(asking.acceptResponse(offer("permessage-deflate"))).isNotNull();
        }

        @Test
        void aWindowBelowTheMinimumIsDeclinedByServersAndRefusedByClients() {
            var strict = PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT
                    .withMemory(PerMessageDeflate.Memory.CONTEXT_TAKEOVER).withMinWindowBits(12));
            assertThat(accept(strict, "permessage-deflate; server_max_window_bits=11")).isEqualTo("declined");
            assertThat(accept(strict, "permessage-deflate; server_max_window_bits=11, permessage-deflate"))
                    .isEqualTo("permessage-deflate");
            assertThat(accept(strict, "permessage-deflate; server_max_window_bits=12"))
                    .isEqualTo("permessage-deflate; server_max_window_bits=12");
            assertThatThrownBy(() -> strict.acceptResponse(offer("permessage-deflate; client_max_window_bits=11")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below the minimum of 12");
            assertThat(strict.acceptResponse(offer("permessage-deflate; client_max_window_bits=12"))).isNotNull();
        }

        @Test
        void optionsAreValidated() {
            assertThatThrownBy(() -> PerMessageDeflate.Options.DEFAULT.withServerWindowBitsToAsk(7))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7");
            assertThatThrownBy(() -> PerMessageDeflate.Options.DEFAULT.withMinWindowBits(16))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16");
            assertThatThrownBy(() -> PerMessageDeflate.Options.DEFAULT.withLevel(10))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10");
            assertThatThrownBy(() -> PerMessageDeflate.Options.DEFAULT.withMinMessageBytes(-1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(PerMessageDeflate.Options.DEFAULT.withLevel(1).level()).isEqualTo(1);
            assertThat(POOLED.options()).isEqualTo(PerMessageDeflate.Options.DEFAULT);
        }
    }

    @Nested
    class RfcExamples { // RFC 7692 §7.2.3
        @Test
        void decodesACompressedHello() {
            Engine client = Engine.of(Role.CLIENT, EngineOptions.DEFAULT,
                    List.of(CONTEXT.acceptResponse(offer("permessage-deflate"))));
            byte[] frame = HexFormat.of().parseHex("c107f248cdc9c90700");
            assertThat(client.receive(frame)).containsExactly(new Event.Text("Hello"));
        }

        @Test
        void decodesTwoMessagesSharingTheWindow() {
            Engine client = Engine.of(Role.CLIENT, EngineOptions.DEFAULT,
                    List.of(CONTEXT.acceptResponse(offer("permessage-deflate"))));
            byte[] frames = HexFormat.of().parseHex("c107f248cdc9c90700" + "c105f200110000");
            assertThat(client.receive(frames)).containsExactly(new Event.Text("Hello"), new Event.Text("Hello"));
        }

        @Test
        void decodesAStoredBlockAndAFragmentedMessage() {
            Engine client = Engine.of(Role.CLIENT, EngineOptions.DEFAULT,
                    List.of(CONTEXT.acceptResponse(offer("permessage-deflate"))));
            byte[] frames = HexFormat.of().parseHex("c10b0005" + "00faff48656c6c6f00" + "4103f248cd" + "8004c9c90700");
            assertThat(client.receive(frames)).containsExactly(new Event.Text("Hello"), new Event.Text("Hello"));
        }

        @Test
        void encodesHelloAsTheRfcDoes() {
            Engine server = server(CONTEXT, "permessage-deflate");
            Extension codec = PerMessageDeflate.create(CONTEXT.options().withMinMessageBytes(0))
                    .acceptOffers(ExtensionOffer.parseHeader("permessage-deflate")).orElseThrow().extension();
            ByteBuffer encoded = encode(codec, ByteBuffer.wrap("Hello".getBytes(StandardCharsets.US_ASCII)));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("f248cdc9c90700");
            server.connection.sendText("Hello".repeat(20));
            assertThat(server.output()[0]).isEqualTo((byte) 0xC1); // FIN + RSV1 + text
        }
    }

    @Nested
    class RoundTrips {
        @ParameterizedTest
        @ValueSource(strings = {
            "permessage-deflate",
            "permessage-deflate; server_no_context_takeover",
            "permessage-deflate; client_no_context_takeover",
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
            "permessage-deflate; server_max_window_bits=8",
            "permessage-deflate; server_max_window_bits=10; client_max_window_bits",
            "permessage-deflate; server_max_window_bits=15; client_max_window_bits=9"})
        void messagesRoundTripBothWaysInEveryMode(String clientOffer) {
            long seed = System.nanoTime();
            var random = new Random(seed);
            for (PerMessageDeflate serverFactory : List.of(POOLED, CONTEXT)) {
                for (PerMessageDeflate clientFactory : List.of(POOLED, CONTEXT)) {
                    // A pooled client always asks for server_no_context_takeover
                    String offer = clientFactory == POOLED && !clientOffer.contains("server_no_context_takeover")
                            ? clientOffer + "; server_no_context_takeover" : clientOffer;
                    ExtensionFactory.Accepted accepted = serverFactory.acceptOffers(
                            ExtensionOffer.parseHeader(offer)).orElseThrow();
                    Extension clientCodec = clientFactory.acceptResponse(accepted.response());
                    Engine server = Engine.of(Role.SERVER, EngineOptions.DEFAULT, List.of(accepted.extension()));
                    Engine client = Engine.of(Role.CLIENT, EngineOptions.DEFAULT, List.of(clientCodec));
                    var expected = new ArrayList<Event>();
                    for (int i = 0; i < 12; i++) {
                        String text = randomText(random);
                        server.connection.sendText(text);
                        client.connection.sendText(text);
                        expected.add(new Event.Text(text));
                    }
                    String context = "seed " + seed + " offer " + clientOffer;
                    assertThat(client.receiveSplit(server.output(), 1 + random.nextInt(500))).as(context)
                            .isEqualTo(expected);
                    assertThat(server.receiveSplit(client.output(), 1 + random.nextInt(500))).as(context)
                            .isEqualTo(expected);
                }
            }
        }

        private String randomText(Random random) {
            String[] words = {"pado", "wave", "파도", "hello", "🌊", "message", " ", "\n"};
            var text = new StringBuilder();
            int n = random.nextInt(10) == 0 ? 5000 : random.nextInt(60);
            for (int i = 0; i < n; i++) {
                text.append(words[random.nextInt(words.length)]);
            }
            return text.toString();
        }

        @Test
        void messagesLargerThanALimitedWindowGoUncompressed() {
            Engine server = server(CONTEXT, "permessage-deflate; server_max_window_bits=8");
            server.connection.sendText("a".repeat(256));
            server.connection.sendText("a".repeat(257));
            byte[] out = server.output();
            assertThat(out[0]).isEqualTo((byte) 0xC1);
            int second = out.length - (4 + 257);
            assertThat(out[second]).isEqualTo((byte) 0x81);
        }

        @Test
        void smallMessagesGoUncompressed() {
            Engine server = server(POOLED, "permessage-deflate");
            server.connection.sendText("tiny");
            assertThat(server.output()).isEqualTo(RawFrame.text("tiny").bytes());
        }
    }

    @Nested
    class Hostile {
        @Test
        void inflatedSizeIsLimitedWhileInflating() {
            Extension codec = POOLED.acceptOffers(ExtensionOffer.parseHeader("permessage-deflate")).orElseThrow()
                    .extension();
            ByteBuffer bomb = encode(codec, ByteBuffer.allocate(10 << 20)); // 10 MiB of zeros
            byte[] payload = new byte[bomb.remaining()];
            bomb.get(payload);
            assertThat(payload.length).isLessThan(20_000);
            Engine server = server(POOLED, "permessage-deflate");
            assertThat(server.receive(RawFrame.binary(payload).rsv(0x40).maskedWith(KEY).bytes()))
                    .containsExactly(new Event.Closed(1009, "message too big"));
        }

        @Test
        void aCompressedMessageIsGatheredInBuffersThatDouble() {
            // ConnectionFuzzer: each 8 KiB that inflated took a buffer 8 KiB bigger, copying a 1 MiB message 64 MiB
            byte[] zeros = new byte[1 << 20];
            ByteBuffer compressed = encode(POOLED.acceptOffers(ExtensionOffer.parseHeader("permessage-deflate"))
                    .orElseThrow().extension(), ByteBuffer.wrap(zeros));
            byte[] payload = new byte[compressed.remaining()];
            compressed.get(payload);
            long[] takenBytes = {0};
            Engine server = server(POOLED, "permessage-deflate");
            server.connection.useFrameBuffers(bytes -> {
                takenBytes[0] += bytes;
                return ByteBuffer.allocate(bytes);
            });
            assertThat(server.receive(RawFrame.binary(payload).rsv(0x40).maskedWith(KEY).bytes()))
                    .containsExactly(new Event.Binary(ByteBuffer.wrap(zeros)));
            assertThat(takenBytes[0]).as("bytes taken to gather it").isLessThanOrEqualTo(4L * zeros.length);
        }

        @Test
        void invalidCompressedDataFailsWith1007() {
            Engine server = server(POOLED, "permessage-deflate");
            byte[] garbage = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x00, 0x11};
            assertThat(server.receive(RawFrame.text(garbage).rsv(0x40).maskedWith(KEY).bytes()))
                    .containsExactly(new Event.Closed(1007, "invalid compressed data"));
        }

        @Test
        void compressedControlFrameFailsWith1002() {
            Engine server = server(POOLED, "permessage-deflate");
            assertThat(server.receive(RawFrame.ping("x").rsv(0x40).maskedWith(KEY).bytes()))
                    .containsExactly(new Event.Closed(1002, "reserved bits set"));
        }
    }

    @Nested
    class Counts {
        @Test
        void eachFactoryCountsTheBytesInAndOutOfItsCodecs() {
            var serverFactory = PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT);
            var clientFactory = PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT);
            ExtensionFactory.Accepted accepted = serverFactory.acceptOffers(
                    ExtensionOffer.parseHeader("permessage-deflate")).orElseThrow();
            Engine server = Engine.of(Role.SERVER, EngineOptions.DEFAULT, List.of(accepted.extension()));
            Engine client = Engine.of(Role.CLIENT, EngineOptions.DEFAULT,
                    List.of(clientFactory.acceptResponse(accepted.response())));
            String text = "파도 wave ".repeat(40); // 480 bytes of UTF-8, well over the 64 that get compressed
            int utf8Bytes = text.getBytes(StandardCharsets.UTF_8).length;
            server.connection.sendText(text);
            server.connection.sendText("tiny"); // sent as it is: no codec sees it
            byte[] frames = server.output();
            int compressedPayload = frames[1] & 0x7F; // a 7-bit length: the text compresses well
            assertThat(frames.length).isEqualTo(2 + compressedPayload + RawFrame.text("tiny").bytes().length);
            assertThat(client.receive(frames)).containsExactly(new Event.Text(text), new Event.Text("tiny"));

            assertThat(serverFactory.deflateInputBytes()).isEqualTo(utf8Bytes);
            assertThat(serverFactory.deflateOutputBytes()).isEqualTo(compressedPayload).isLessThan(utf8Bytes / 4);
            assertThat(clientFactory.inflateInputBytes()).isEqualTo(compressedPayload);
            assertThat(clientFactory.inflateOutputBytes()).isEqualTo(utf8Bytes);
            assertThat(serverFactory.inflateInputBytes()).isZero();
            assertThat(clientFactory.deflateInputBytes()).isZero();
        }

        @Test
        void aFrameCompressedOnceForManyCountsOnce() {
            var factory = PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT);
            ByteBuffer frame = factory.encodeServerText("to everyone ".repeat(20));
            assertThat(factory.deflateInputBytes()).isEqualTo(240);
            assertThat(factory.deflateOutputBytes()).isEqualTo(frame.remaining() - 2); // a 7-bit length
        }
    }

    @Nested
    class Memory {
        @Test
        void pooledConnectionHoldsNoCodecBetweenMessages() {
            ExtensionFactory.Accepted accepted = POOLED.acceptOffers(
                    ExtensionOffer.parseHeader("permessage-deflate")).orElseThrow();
            var codec = (DeflateCodec) accepted.extension();
            Engine server = Engine.of(Role.SERVER, EngineOptions.DEFAULT, List.of(codec));
            Engine client =
                    Engine.of(Role.CLIENT, EngineOptions.DEFAULT, List.of(POOLED.acceptResponse(accepted.response())));
            client.connection.sendText("compress me ".repeat(50));
            assertThat(server.receive(client.output())).hasSize(1);
            server.connection.sendText("and me too ".repeat(50));
            assertThat(server.output()[0]).isEqualTo((byte) 0xC1);
            assertThat(codec.holdsNativeMemory()).isFalse();
            assertThat(POOLED.idleCodecs()).isPositive();
        }

        @Test
        void aClientWithContextTakeoverFreesItsCodecOnceBothClosesAreExchanged() {
            // It waits for the server to close TCP, up to the runtime's close timeout: without its zlib memory
            ExtensionFactory.Accepted accepted = CONTEXT.acceptOffers(
                    ExtensionOffer.parseHeader("permessage-deflate")).orElseThrow();
            accepted.extension().close();
            var codec = (DeflateCodec) CONTEXT.acceptResponse(accepted.response());
            Engine client = Engine.of(Role.CLIENT, EngineOptions.DEFAULT, List.of(codec));
            client.connection.sendText("keep my context ".repeat(10));
            client.output();
            assertThat(codec.holdsNativeMemory()).isTrue();
            assertThat(client.receive(RawFrame.close(1000).bytes())).containsExactly(new Event.Closed(1000, ""));
            assertThat(client.connection.state()).isEqualTo(Connection.State.CLOSED);
            assertThat(client.connection.tcpCloseDue()).isFalse();
            assertThat(codec.holdsNativeMemory()).isFalse();
        }

        @ParameterizedTest
        @ValueSource(ints = {600, 200_000})
        void aCompressedSendBorrowsItsBufferFromTheFrameBuffersAndGivesItBack(int messageBytes) {
            var taken = Collections.newSetFromMap(new IdentityHashMap<ByteBuffer, Boolean>());
            var givenBack = Collections.newSetFromMap(new IdentityHashMap<ByteBuffer, Boolean>());
            FrameBuffers recording = new FrameBuffers() {
                @Override
                public ByteBuffer take(int bytes) {
                    ByteBuffer b = ByteBuffer.allocateDirect(bytes); // as a runtime's pool would lend them
                    taken.add(b);
                    return b;
                }

                @Override
                public void giveBack(ByteBuffer buffer) {
                    assertThat(taken).as("only what was lent").contains(buffer);
                    assertThat(givenBack.add(buffer)).as("given back once").isTrue();
                }
            };
            for (PerMessageDeflate factory : List.of(POOLED, CONTEXT)) {
                taken.clear();
                givenBack.clear();
                Engine server = server(factory, "permessage-deflate");
                server.connection.useFrameBuffers(recording);
                var random = new Random(messageBytes);
                var text = new StringBuilder();
                while (text.length() < messageBytes) {
                    text.append(random.nextInt(1000)).append(' '); // compressible, but not to nothing
                }
                server.connection.sendText(text);
                var frames = new ArrayList<ByteBuffer>();
                for (ByteBuffer b; (b = server.connection.pollOutput()) != null; ) {
                    frames.add(b);
                }
                assertThat(givenBack).as("the compressed payload's buffers").isNotEmpty();
                assertThat(givenBack).doesNotContainAnyElementsOf(frames);
                assertThat(taken).hasSize(givenBack.size() + frames.size());
                Engine client = Engine.of(Role.CLIENT, EngineOptions.DEFAULT,
                        List.of(factory.acceptResponse(factory.acceptOffers(
                                ExtensionOffer.parseHeader("permessage-deflate")).orElseThrow().response())));
                var bytes = new java.io.ByteArrayOutputStream();
                for (ByteBuffer frame : frames) {
                    byte[] a = new byte[frame.remaining()];
                    frame.get(a);
                    bytes.writeBytes(a);
                }
                assertThat(bytes.toByteArray()[0]).isEqualTo((byte) 0xC1);
                assertThat(client.receive(bytes.toByteArray())).containsExactly(new Event.Text(text.toString()));
            }
        }

        @Test
        void contextTakeoverCodecsAreEndedWhenTheConnectionEnds() throws Exception {
            long before = residentKib();
            for (int i = 0; i < 1500; i++) {
                ExtensionFactory.Accepted accepted = CONTEXT.acceptOffers(
                        ExtensionOffer.parseHeader("permessage-deflate")).orElseThrow();
                var codec = (DeflateCodec) accepted.extension();
                Engine server = Engine.of(Role.SERVER, EngineOptions.DEFAULT, List.of(codec));
                Engine client = Engine.of(Role.CLIENT, EngineOptions.DEFAULT,
                        List.of(CONTEXT.acceptResponse(accepted.response())));
                client.connection.sendText("keep my context " + i + " ".repeat(100));
                server.receive(client.output());
                server.connection.sendText("reply " + i + "-".repeat(100));
                client.receive(server.output());
                assertThat(codec.holdsNativeMemory()).isTrue();
                server.connection.receiveEof("");
                client.connection.receiveEof("");
                assertThat(codec.holdsNativeMemory()).isFalse();
            }
            // 1500 leaked compressor pairs would hold ~500 MiB of native memory
            assertThat(residentKib() - before).isLessThan(150_000);
        }

        private long residentKib() throws Exception {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return 0;
        }
    }

    @Test
    void frameBuilderSanity() {
        assertThat(concat(new byte[] {1}, new byte[] {2})).containsExactly(1, 2);
    }
}
