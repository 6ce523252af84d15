package io.pado.protocol;

import io.pado.protocol.frame.CloseCode;
import io.pado.protocol.extension.Extension;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static io.pado.protocol.Engine.bytes;
import static io.pado.protocol.RawFrame.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionTest {
    private static final int KEY = 0x11223344;

    /** Feeds {@code input} whole, byte at a time and split in two at every point; all must agree. */
    static void assertEverySplit(Supplier<Engine> engines, byte[] input, List<Event> events, byte[] output) {
        Engine whole = engines.get();
        assertThat(whole.receive(input)).as("whole").isEqualTo(events);
        assertThat(whole.output()).as("output, whole").isEqualTo(output);
        Engine byByte = engines.get();
        assertThat(byByte.receiveSplit(input, 1)).as("byte at a time").isEqualTo(events);
        assertThat(byByte.output()).as("output, byte at a time").isEqualTo(output);
        int step = Math.max(1, input.length / 200);
        for (int at = 1; at < input.length; at += step) {
            Engine split = engines.get();
            assertThat(split.receiveSplitAt(input, at)).as("split at " + at).isEqualTo(events);
            assertThat(split.output()).as("output, split at " + at).isEqualTo(output);
        }
    }

    static void assertServerFails(byte[] input, int code, String reason) {
        assertEverySplit(Engine::server, input, List.of(new Event.Closed(code, reason)),
                RawFrame.close(code, reason).bytes());
    }

    static byte[] repeat(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Nested
    class Framing { // RFC 6455 §5.2
        @Test
        void serverReceivesMaskedText() {
            assertEverySplit(Engine::server, RawFrame.text("Hello").maskedWith(KEY).bytes(),
                    List.of(new Event.Text("Hello")), new byte[0]);
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 125, 126, 127, 1000, 65535, 65536, 70000})
        void serverReceivesEveryLengthForm(int length) {
            byte[] data = repeat(length);
            Engine server = Engine.server();
            assertThat(server.receive(RawFrame.binary(data).maskedWith(KEY).bytes()))
                    .containsExactly(new Event.Binary(ByteBuffer.wrap(data)));
            Engine byByte = Engine.server();
            assertThat(byByte.receiveSplit(RawFrame.binary(data).maskedWith(KEY).bytes(), 7))
                    .containsExactly(new Event.Binary(ByteBuffer.wrap(data)));
        }

        @Test
        void longerLengthFormsThanNeededAreAccepted() {
            byte[] input = concat(RawFrame.text("a").lengthForm(16).maskedWith(KEY).bytes(),
                    RawFrame.text("b").lengthForm(64).maskedWith(KEY).bytes());
            assertEverySplit(Engine::server, input, List.of(new Event.Text("a"), new Event.Text("b")), new byte[0]);
        }

        @Test
        void lengthWithTopBitSetFailsWith1002() {
            byte[] input = {(byte) 0x82, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4};
            assertServerFails(input, 1002, "invalid frame length");
        }

        @ParameterizedTest
        @ValueSource(ints = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
        void reservedOpcodeFailsWith1002(int opcode) {
            assertServerFails(RawFrame.of(opcode, new byte[] {1}).maskedWith(KEY).bytes(), 1002,
                    "reserved opcode " + opcode);
        }

        @ParameterizedTest
        @ValueSource(ints = {0x40, 0x20, 0x10, 0x70})
        void rsvBitsWithoutExtensionFailWith1002(int rsv) {
            assertServerFails(RawFrame.text("x").rsv(rsv).maskedWith(KEY).bytes(), 1002, "reserved bits set");
        }

        @Test
        void severalFramesInOneBufferGiveEveryMessage() {
            byte[] input = concat(RawFrame.text("one").maskedWith(KEY).bytes(),
                    RawFrame.binary(new byte[] {1, 2}).maskedWith(KEY).bytes(),
                    RawFrame.text("three").maskedWith(KEY).bytes());
            assertEverySplit(Engine::server, input, List.of(new Event.Text("one"),
                    new Event.Binary(ByteBuffer.wrap(new byte[] {1, 2})), new Event.Text("three")), new byte[0]);
        }
    }

    @Nested
    class Masking { // RFC 6455 §5.1, §5.3
        @Test
        void serverFailsUnmaskedFrameWith1002() {
            assertServerFails(RawFrame.text("hi").bytes(), 1002, "unmasked client frame");
        }

        @Test
        void clientFailsMaskedFrameWith1002() {
            Engine client = Engine.client();
            assertThat(client.receive(RawFrame.text("hi").maskedWith(KEY).bytes()))
                    .containsExactly(new Event.Closed(1002, "masked server frame"));
            assertThat(client.output())
                    .isEqualTo(RawFrame.close(1002, "masked server frame").maskedWith(Engine.CLIENT_KEY).bytes());
            assertThat(client.connection.tcpCloseDue()).isTrue();
        }

        @Test
        void clientMasksWhatItSends() {
            Engine client = Engine.client();
            client.connection.sendText("Hello");
            assertThat(client.output()).isEqualTo(RawFrame.text("Hello").maskedWith(Engine.CLIENT_KEY).bytes());
        }

        @Test
        void clientReceivesUnmaskedText() {
            assertEverySplit(Engine::client, RawFrame.text("Hello").bytes(), List.of(new Event.Text("Hello")),
                    new byte[0]);
        }

        @Test
        void serverSendsUnmaskedFrames() {
            Engine server = Engine.server();
            server.connection.sendText("Hello");
            server.connection.sendBinary(ByteBuffer.wrap(repeat(10_000)));
            assertThat(server.output()).isEqualTo(concat(RawFrame.text("Hello").bytes(),
                    RawFrame.binary(repeat(10_000)).bytes()));
        }
    }

    @Nested
    class Fragmentation { // RFC 6455 §5.4
        @Test
        void fragmentsAreReassembledWithControlFramesBetween() {
            byte[] input = concat(RawFrame.text("Hel").fin(false).maskedWith(KEY).bytes(),
                    RawFrame.ping("p").maskedWith(KEY).bytes(),
                    RawFrame.continuation("lo, ").fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation("").fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation("world").maskedWith(KEY).bytes());
            assertEverySplit(Engine::server, input,
                    List.of(new Event.Ping(bytes("p")), new Event.Text("Hello, world")),
                    RawFrame.pong("p").bytes());
        }

        @Test
        void binaryFragmentsAreReassembled() {
            byte[] a = repeat(300);
            byte[] b = repeat(5000);
            byte[] input = concat(RawFrame.binary(a).fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation(b).maskedWith(KEY).bytes());
            assertEverySplit(Engine::server, input, List.of(new Event.Binary(ByteBuffer.wrap(concat(a, b)))),
                    new byte[0]);
        }

        @Test
        void aMessageOfManySmallFragmentsIsGatheredInBuffersThatDouble() {
            // Each fragment took a buffer one fragment bigger: 125-byte fragments copied a 256 KiB message 256 MiB
            byte[] message = repeat(256 << 10);
            var input = new java.io.ByteArrayOutputStream();
            for (int at = 0; at < message.length; at += 125) {
                byte[] fragment = Arrays.copyOfRange(message, at, Math.min(at + 125, message.length));
                RawFrame frame = at == 0 ? RawFrame.binary(fragment) : RawFrame.continuation(fragment);
                input.writeBytes(frame.fin(at + 125 >= message.length).maskedWith(KEY).bytes());
            }
            long[] takenBytes = {0};
            Engine server = Engine.server();
            server.connection.useFrameBuffers(bytes -> {
                takenBytes[0] += bytes;
                return ByteBuffer.allocate(bytes);
            });
            assertThat(server.receive(input.toByteArray())).containsExactly(new Event.Binary(ByteBuffer.wrap(message)));
            // Doubling: all the buffers taken add up to under twice the last one, itself under twice the message
            assertThat(takenBytes[0]).as("bytes taken to gather it").isLessThanOrEqualTo(4L * message.length);
        }

        @Test
        void continuationWithoutMessageFailsWith1002() {
            assertServerFails(RawFrame.continuation("x").maskedWith(KEY).bytes(), 1002,
                    "continuation frame without a message");
        }

        @Test
        void newMessageDuringFragmentedMessageFailsWith1002() {
            byte[] input = concat(RawFrame.text("a").fin(false).maskedWith(KEY).bytes(),
                    RawFrame.binary(new byte[] {1}).maskedWith(KEY).bytes());
            assertServerFails(input, 1002, "new message before the previous one ended");
        }

        @Test
        void rsvOnContinuationFailsEvenWithExtension() {
            Engine server = Engine.of(Role.SERVER, EngineOptions.DEFAULT, List.of(new XorExtension()));
            byte[] input = concat(RawFrame.text("a").fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation("b").rsv(0x40).maskedWith(KEY).bytes());
            assertThat(server.receive(input)).containsExactly(new Event.Closed(1002, "reserved bits set"));
        }
    }

    @Nested
    class ControlFrames { // RFC 6455 §5.5
        @Test
        void fragmentedPingFailsWith1002() {
            assertServerFails(RawFrame.ping("hi").fin(false).maskedWith(KEY).bytes(), 1002,
                    "fragmented control frame");
        }

        @Test
        void pingOver125BytesFailsWith1002() {
            assertServerFails(RawFrame.of(0x9, repeat(126)).maskedWith(KEY).bytes(), 1002,
                    "control frame too long");
        }

        @Test
        void pingOf125BytesIsAnsweredWithTheSamePayload() {
            byte[] data = repeat(125);
            assertEverySplit(Engine::server, RawFrame.of(0x9, data).maskedWith(KEY).bytes(),
                    List.of(new Event.Ping(ByteBuffer.wrap(data))), RawFrame.of(0xA, data).bytes());
        }

        @Test
        void clientAnswersPingWithMaskedPong() {
            Engine client = Engine.client();
            assertThat(client.receive(RawFrame.ping("x").bytes())).containsExactly(new Event.Ping(bytes("x")));
            assertThat(client.output()).isEqualTo(RawFrame.pong("x").maskedWith(Engine.CLIENT_KEY).bytes());
        }

        @Test
        void unsolicitedPongIsReported() {
            assertEverySplit(Engine::server, RawFrame.pong("beat").maskedWith(KEY).bytes(),
                    List.of(new Event.Pong(bytes("beat"))), new byte[0]);
        }

        @Test
        void pingToSendOver125BytesIsRefused() {
            Engine server = Engine.server();
            assertThatThrownBy(() -> server.connection.sendPing(ByteBuffer.allocate(126)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("126");
        }
    }

    @Nested
    class Closing { // RFC 6455 §5.5.1, §7
        @Test
        void serverEchoesCloseAndClosesTcpFirst() {
            Engine server = Engine.server();
            assertThat(server.receive(RawFrame.close(1000, "bye").maskedWith(KEY).bytes()))
                    .containsExactly(new Event.Closed(1000, "bye"));
            assertThat(server.output()).isEqualTo(RawFrame.close(1000).bytes());
            assertThat(server.connection.state()).isEqualTo(Connection.State.CLOSED);
            assertThat(server.connection.tcpCloseDue()).isTrue();
        }

        @Test
        void closeWithoutCodeIsReportedAs1005AndEchoedWithoutCode() {
            assertEverySplit(Engine::server, RawFrame.closeWithoutCode().maskedWith(KEY).bytes(),
                    List.of(new Event.Closed(1005, "")), RawFrame.closeWithoutCode().bytes());
        }

        @Test
        void closeWithOneBytePayloadFailsWith1002() {
            assertServerFails(RawFrame.of(0x8, new byte[] {3}).maskedWith(KEY).bytes(), 1002,
                    "close frame with a 1-byte payload");
        }

        @ParameterizedTest
        @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999,
                4000, 4999})
        void validCloseCodesAreEchoed(int code) {
            assertEverySplit(Engine::server, RawFrame.close(code, "r").maskedWith(KEY).bytes(),
                    List.of(new Event.Closed(code, "r")), RawFrame.close(code).bytes());
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
        void invalidCloseCodesFailWith1002(int code) {
            assertServerFails(RawFrame.close(code).maskedWith(KEY).bytes(), 1002, "invalid close code " + code);
        }

        @Test
        void closeReasonThatIsNotUtf8FailsWith1007() {
            byte[] payload = {0x03, (byte) 0xE8, (byte) 0xCE, (byte) 0xBA, (byte) 0xE1, (byte) 0xBD};
            assertServerFails(RawFrame.of(0x8, payload).maskedWith(KEY).bytes(), 1007,
                    "invalid UTF-8 in close reason");
        }

        @Test
        void dataAfterCloseIsDiscarded() {
            byte[] input = concat(RawFrame.close(1000).maskedWith(KEY).bytes(),
                    RawFrame.text("late").maskedWith(KEY).bytes());
            assertEverySplit(Engine::server, input, List.of(new Event.Closed(1000, "")),
                    RawFrame.close(1000).bytes());
        }

        @Test
        void serverStartsCloseAndFinishesOnReply() {
            Engine server = Engine.server();
            server.connection.close(1000, "done");
            assertThat(server.output()).isEqualTo(RawFrame.close(1000, "done").bytes());
            assertThat(server.connection.state()).isEqualTo(Connection.State.LOCAL_CLOSING);
            assertThat(server.connection.isOutputOpen()).isFalse();
            assertThatThrownBy(() -> server.connection.sendText("more")).isInstanceOf(IllegalStateException.class);
            // data still arrives while the peer has not closed
            assertThat(server.receive(RawFrame.text("in flight").maskedWith(KEY).bytes()))
                    .containsExactly(new Event.Text("in flight"));
            assertThat(server.receive(RawFrame.close(1000).maskedWith(KEY).bytes()))
                    .containsExactly(new Event.Closed(1000, ""));
            assertThat(server.output()).isEmpty();
            assertThat(server.connection.tcpCloseDue()).isTrue();
        }

        @Test
        void closeTwiceSendsOneClose() {
            Engine server = Engine.server();
            server.connection.close(1000, "");
            server.connection.close(1001, "");
            assertThat(server.output()).isEqualTo(RawFrame.close(1000).bytes());
        }

        @Test
        void aCloseThatIsNeverAnsweredEndsWith1006WhenTheRuntimeGivesUp() {
            // The engine keeps no clock: the runtime times the wait for LOCAL_CLOSING and ends it
            Engine server = Engine.server();
            server.connection.close(1001, "going away");
            server.output();
            assertThat(server.connection.state()).isEqualTo(Connection.State.LOCAL_CLOSING);
            assertThat(server.connection.tcpCloseDue()).isFalse();
            server.connection.receiveEof("close timeout");
            assertThat(server.events()).containsExactly(new Event.Closed(1006, "close timeout"));
            assertThat(server.connection.tcpCloseDue()).isTrue();
            assertThat(server.connection.state()).isEqualTo(Connection.State.CLOSED);
        }

        @Test
        void clientEchoesCloseAndWaitsForTheServerToCloseTcp() {
            Engine client = Engine.client();
            assertThat(client.receive(RawFrame.close(1001, "restart").bytes()))
                    .containsExactly(new Event.Closed(1001, "restart"));
            assertThat(client.output()).isEqualTo(RawFrame.close(1001).maskedWith(Engine.CLIENT_KEY).bytes());
            assertThat(client.connection.tcpCloseDue()).isFalse();
            assertThat(client.connection.state()).isEqualTo(Connection.State.CLOSED);
            client.connection.receiveEof("");
            assertThat(client.connection.tcpCloseDue()).isTrue();
            assertThat(client.events()).isEmpty();
        }

        @Test
        void clientClosesTcpItselfWhenTheServerDoesNot() {
            Engine client = Engine.client();
            client.connection.close(1000, "");
            client.receive(RawFrame.close(1000).bytes());
            assertThat(client.connection.tcpCloseDue()).isFalse();
            assertThat(client.connection.state()).isEqualTo(Connection.State.CLOSED);
            client.connection.receiveEof("close timeout"); // the runtime's close timeout, waiting for the server
            assertThat(client.connection.tcpCloseDue()).isTrue();
            assertThat(client.events()).as("the Close was reported already").isEmpty();
        }

        @Test
        void endOfInputWithoutCloseIsReportedAs1006() {
            Engine server = Engine.server();
            server.receive(RawFrame.text("a").fin(false).maskedWith(KEY).bytes());
            server.connection.receiveEof("");
            assertThat(server.events()).containsExactly(new Event.Closed(1006, ""));
            assertThat(server.connection.tcpCloseDue()).isTrue();
            assertThat(server.connection.isOutputOpen()).isFalse();
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 2000, 5000})
        void codesThatMayNotBeSentAreRefused(int code) {
            Engine server = Engine.server();
            assertThatThrownBy(() -> server.connection.close(code, ""))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(code));
        }

        @Test
        void failingLeavesTheLastMessagesBufferUntilTheNextCall() {
            // ConnectionFuzzer: fail() gave the buffer of the message just reported back to the pool at once
            var givenBack = new java.util.ArrayList<ByteBuffer>();
            Connection server = Connection.open(Role.SERVER, EngineOptions.DEFAULT, List.of(), null);
            server.useFrameBuffers(new FrameBuffers() {
                @Override
                public ByteBuffer take(int bytes) {
                    return ByteBuffer.allocate(bytes);
                }

                @Override
                public void giveBack(ByteBuffer buffer) {
                    givenBack.add(buffer);
                }
            });
            ByteBuffer input = ByteBuffer.wrap(concat(RawFrame.binary(new byte[] {1, 2}).fin(false).maskedWith(KEY)
                    .bytes(), RawFrame.continuation(new byte[] {3}).maskedWith(KEY).bytes()));
            Event event;
            while ((event = server.pollEvent()) == null) {
                server.receive(input);
            }
            ByteBuffer data = ((Event.Binary) event).data();
            int before = givenBack.size(); // buffers it outgrew while gathering
            server.fail(1008, "policy");
            assertThat(givenBack).as("given back before the next call").hasSize(before);
            byte[] got = new byte[data.remaining()];
            data.duplicate().get(got);
            assertThat(got).containsExactly(1, 2, 3);
            server.receiveEof("");
            assertThat(givenBack).hasSize(before + 1);
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 2000, 5000})
        void failRefusesCodesThatMayNotBeSentAndChangesNothing(int code) { // ConnectionFuzzer: they went out
            Engine server = Engine.server();
            assertThatThrownBy(() -> server.connection.fail(code, "policy"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(code));
            assertThat(server.output()).isEmpty();
            assertThat(server.events()).isEmpty();
            assertThat(server.connection.state()).isEqualTo(Connection.State.OPEN);
            assertThat(server.connection.tcpCloseDue()).isFalse();
        }

        @Test
        void longReasonIsCutTo123BytesOnACharacterBoundary() {
            String reason = "é".repeat(100); // 200 bytes
            Engine server = Engine.server();
            server.connection.close(1000, reason);
            byte[] out = server.output();
            assertThat(out[1]).isEqualTo((byte) (2 + 122));
            assertThat(new String(out, 4, 122, StandardCharsets.UTF_8)).isEqualTo("é".repeat(61));
        }

        @Test
        void messageJustBeforeAViolationCanStillBeAnswered() { // Autobahn 3.2, 5.15
            Engine server = Engine.server();
            ByteBuffer input = ByteBuffer.wrap(concat(RawFrame.text("Hello").maskedWith(KEY).bytes(),
                    RawFrame.text("x").rsv(0x20).maskedWith(KEY).bytes()));
            server.connection.receive(input);
            assertThat(server.connection.pollEvent()).isEqualTo(new Event.Text("Hello"));
            assertThat(server.connection.isOutputOpen()).isTrue();
            server.connection.sendText("Hello");
            server.connection.receive(input);
            assertThat(server.connection.pollEvent()).isEqualTo(new Event.Closed(1002, "reserved bits set"));
            // The failure's Close waits until the runtime says the answers before it are queued
            assertThat(server.connection.state()).isEqualTo(Connection.State.REMOTE_CLOSING);
            assertThat(server.connection.tcpCloseDue()).isFalse();
            server.connection.answerClose();
            assertThat(server.output()).isEqualTo(concat(RawFrame.text("Hello").bytes(),
                    RawFrame.close(1002, "reserved bits set").bytes()));
            assertThat(server.connection.tcpCloseDue()).isTrue();
        }

        @Test
        void messageJustBeforeACloseCanStillBeAnswered() {
            Engine client = Engine.client();
            ByteBuffer input = ByteBuffer.wrap(concat(RawFrame.text("last").bytes(), RawFrame.close(1001).bytes()));
            client.connection.receive(input);
            assertThat(client.connection.pollEvent()).isEqualTo(new Event.Text("last"));
            client.connection.sendText("reply");
            client.connection.receive(input);
            assertThat(client.connection.pollEvent()).isEqualTo(new Event.Closed(1001, ""));
            assertThat(client.connection.state()).isEqualTo(Connection.State.REMOTE_CLOSING);
            client.connection.sendText("still open for answers");
            client.connection.answerClose();
            assertThatThrownBy(() -> client.connection.sendText("too late")).isInstanceOf(IllegalStateException.class);
            assertThat(client.output()).isEqualTo(concat(RawFrame.text("reply").maskedWith(Engine.CLIENT_KEY).bytes(),
                    RawFrame.text("still open for answers").maskedWith(Engine.CLIENT_KEY).bytes(),
                    RawFrame.close(1001).maskedWith(Engine.CLIENT_KEY).bytes()));
            assertThat(client.connection.state()).isEqualTo(Connection.State.CLOSED);
        }

        @Test
        void failSendsItsCodeAndAsksToCloseTcp() {
            Engine server = Engine.server();
            server.connection.fail(1011, "handler failed");
            assertThat(server.events()).containsExactly(new Event.Closed(1011, "handler failed"));
            assertThat(server.output()).isEqualTo(RawFrame.close(1011, "handler failed").bytes());
            assertThat(server.connection.tcpCloseDue()).isTrue();
            server.connection.fail(1011, "again");
            assertThat(server.events()).isEmpty();
            assertThat(server.output()).isEmpty();
        }
    }

    @Nested
    class Utf8 { // RFC 6455 §8.1
        @Test
        void invalidByteFailsWith1007() {
            assertServerFails(RawFrame.text(new byte[] {'a', (byte) 0xFF, 'b'}).maskedWith(KEY).bytes(), 1007,
                    "invalid UTF-8 in text message");
        }

        @Test
        void invalidFirstFragmentFailsBeforeTheRestArrives() {
            Engine server = Engine.server();
            byte[] first = RawFrame.text(new byte[] {'o', 'k', (byte) 0xC0, (byte) 0x80}).fin(false)
                    .maskedWith(KEY).bytes();
            assertThat(server.receiveSplit(first, 1)).containsExactly(
                    new Event.Closed(1007, "invalid UTF-8 in text message"));
        }

        @Test
        void invalidBytesFailBeforeTheFrameEnds() {
            Engine server = Engine.server();
            byte[] frame = RawFrame.text(concat(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, repeat(200)))
                    .maskedWith(KEY).bytes();
            // header (4 + 4 bytes) and the three bad bytes only
            assertThat(server.receive(Arrays.copyOf(frame, 11)))
                    .containsExactly(new Event.Closed(1007, "invalid UTF-8 in text message"));
        }

        @Test
        void codePointSplitAcrossFragmentsIsValid() {
            byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
            byte[] input = concat(RawFrame.text(new byte[] {euro[0]}).fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation(new byte[] {euro[1]}).fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation(new byte[] {euro[2]}).maskedWith(KEY).bytes());
            assertEverySplit(Engine::server, input, List.of(new Event.Text("€")), new byte[0]);
        }

        @Test
        void messageEndingInsideACodePointFailsWith1007() {
            byte[] input = RawFrame.text(new byte[] {'a', (byte) 0xE2, (byte) 0x82}).maskedWith(KEY).bytes();
            assertServerFails(input, 1007, "text message ends inside a UTF-8 sequence");
            byte[] fragmented = concat(RawFrame.text(new byte[] {'a'}).fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation(new byte[] {(byte) 0xF0, (byte) 0x9F}).maskedWith(KEY).bytes());
            assertServerFails(fragmented, 1007, "text message ends inside a UTF-8 sequence");
        }

        @Test
        void textAfterBinaryOnlyTrafficIsStillChecked() {
            // The validator is made at the first text message: binary before it must not let bad text through
            byte[] input = concat(RawFrame.binary(new byte[] {(byte) 0xE2, (byte) 0x82}).maskedWith(KEY).bytes(),
                    RawFrame.text(new byte[] {'a', (byte) 0xFF}).maskedWith(KEY).bytes());
            assertEverySplit(Engine::server, input,
                    List.of(new Event.Binary(ByteBuffer.wrap(new byte[] {(byte) 0xE2, (byte) 0x82})),
                            new Event.Closed(1007, "invalid UTF-8 in text message")),
                    RawFrame.close(1007, "invalid UTF-8 in text message").bytes());
        }

        @Test
        void binaryBytesBetweenTextMessagesDoNotReachTheValidator() {
            // An unfinished code point in binary is just bytes; the next text starts from a clean state
            byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
            byte[] input = concat(RawFrame.text("ok").maskedWith(KEY).bytes(),
                    RawFrame.binary(new byte[] {euro[0], euro[1]}).maskedWith(KEY).bytes(),
                    RawFrame.text(euro).maskedWith(KEY).bytes());
            assertEverySplit(Engine::server, input, List.of(new Event.Text("ok"),
                    new Event.Binary(ByteBuffer.wrap(new byte[] {euro[0], euro[1]})), new Event.Text("€")),
                    new byte[0]);
        }

        @Test
        void multiByteTextIsDecoded() {
            String text = "파도 🌊 wave ünïcödé";
            assertEverySplit(Engine::server, RawFrame.text(text).maskedWith(KEY).bytes(),
                    List.of(new Event.Text(text)), new byte[0]);
        }
    }

    @Nested
    class SizeLimits {
        private final EngineOptions small = Engine.limits(1000, 2000);

        @Test
        void frameOverTheLimitFailsWith1009FromItsHeader() {
            Engine server = Engine.server(small);
            byte[] frame = RawFrame.binary(repeat(1001)).maskedWith(KEY).bytes();
            assertThat(server.receive(Arrays.copyOf(frame, 8)))
                    .containsExactly(new Event.Closed(1009, "frame too big"));
            assertThat(server.output()).isEqualTo(RawFrame.close(1009, "frame too big").bytes());
        }

        @Test
        void frameOfExactlyTheLimitIsAccepted() {
            Engine server = Engine.server(small);
            assertThat(server.receive(RawFrame.binary(repeat(1000)).maskedWith(KEY).bytes()))
                    .containsExactly(new Event.Binary(ByteBuffer.wrap(repeat(1000))));
        }

        @Test
        void fragmentedMessageOverTheLimitFailsWith1009() {
            Engine server = Engine.server(small);
            byte[] input = concat(RawFrame.binary(repeat(1000)).fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation(repeat(1000)).fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation(repeat(1)).maskedWith(KEY).bytes());
            assertThat(server.receive(input)).containsExactly(new Event.Closed(1009, "message too big"));
        }

        @Test
        void limitsAreValidated() {
            var d = EngineOptions.DEFAULT;
            assertThatThrownBy(() -> new EngineOptions(124, 1000, 8192, 0, d.delivery()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("124");
            assertThatThrownBy(() -> new EngineOptions(1000, 999, 8192, 0, d.delivery()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new EngineOptions(1000, 1000, 63, 0, d.delivery()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new EngineOptions(1000, 1000, 8192, -1, d.delivery()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(d.withMaxMessageBytes(500).maxFrameBytes()).isEqualTo(500);
            assertThat(d.withMaxFrameBytes(4 << 20).maxMessageBytes()).isEqualTo(4 << 20);
        }
    }

    @Nested
    class PartsDelivery {
        private final EngineOptions parts = EngineOptions.DEFAULT.withDelivery(EngineOptions.Delivery.PARTS);

        @Test
        void textEventsCarryTheirLengthInUtf8WholeFragmentedOrInParts() {
            byte[] wave = "파도!".getBytes(StandardCharsets.UTF_8); // 7 bytes, 3 characters
            byte[] fragmented = concat(RawFrame.text(Arrays.copyOf(wave, 2)).fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation(Arrays.copyOfRange(wave, 2, 7)).maskedWith(KEY).bytes());
            assertThat(Engine.server().receive(RawFrame.text(wave).maskedWith(KEY).bytes()))
                    .containsExactly(new Event.Text("파도!", 7));
            assertThat(Engine.server().receive(fragmented)).containsExactly(new Event.Text("파도!", 7));
            assertThat(Engine.server(parts).receive(fragmented)).containsExactly(new Event.TextPart("파도!", false, 7),
                    new Event.TextPart("", true, 0));
        }

        @Test
        void textPartsEndOnCodePointBoundaries() {
            byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
            byte[] input = concat(RawFrame.text(new byte[] {'a', euro[0]}).fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation(new byte[] {euro[1], euro[2], 'b'}).maskedWith(KEY).bytes());
            Engine server = Engine.server(parts);
            assertThat(server.receive(input)).containsExactly(new Event.TextPart("a", false),
                    new Event.TextPart("€b", false), new Event.TextPart("", true));
        }

        @Test
        void binaryPartsArriveAsTheyCome() {
            Engine server = Engine.server(parts);
            byte[] input = concat(RawFrame.binary(new byte[] {1, 2}).fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation(new byte[] {3}).maskedWith(KEY).bytes());
            assertThat(server.receive(input)).containsExactly(
                    new Event.BinaryPart(ByteBuffer.wrap(new byte[] {1, 2}), false),
                    new Event.BinaryPart(ByteBuffer.wrap(new byte[] {3}), false),
                    new Event.BinaryPart(ByteBuffer.allocate(0), true));
        }
    }

    @Nested
    class Sending { // RFC 6455 §5.4, §6.1
        @Test
        void emptyMessageIsOneFrame() {
            Engine server = Engine.server();
            server.connection.sendBinary(ByteBuffer.allocate(0));
            assertThat(server.output()).isEqualTo(RawFrame.binary(new byte[0]).bytes());
        }

        @Test
        void sendBinaryDoesNotMoveThePosition() {
            Engine server = Engine.server();
            ByteBuffer data = ByteBuffer.wrap(repeat(9000));
            server.connection.sendBinary(data);
            assertThat(data.position()).isZero();
            assertThat(server.output()).isEqualTo(RawFrame.binary(repeat(9000)).bytes());
        }

        @Test
        void sendsReturnTheirPayloadBytesForTheCallersCounts() {
            Engine server = Engine.server();
            assertThat(server.connection.sendText("파도 wave")).isEqualTo(11);
            assertThat(server.connection.sendText("x".repeat(5000))).isEqualTo(5000);
            assertThat(server.connection.sendBinary(ByteBuffer.wrap(repeat(9000)))).isEqualTo(9000);
            assertThat(server.connection.sendBinaryCopy(ByteBuffer.wrap(repeat(3)))).isEqualTo(3);
        }

        @Test
        void encodedFrameGoesToManyServerConnections() {
            ByteBuffer frame = ServerFrames.text("to all");
            ByteBuffer binary = ServerFrames.binary(ByteBuffer.wrap(new byte[] {1}));
            for (int i = 0; i < 3; i++) {
                Engine server = Engine.server();
                server.connection.sendEncoded(frame);
                server.connection.sendEncoded(binary);
                assertThat(server.output()).isEqualTo(concat(RawFrame.text("to all").bytes(),
                        RawFrame.binary(new byte[] {1}).bytes()));
            }
            assertThatThrownBy(() -> Engine.client().connection.sendEncoded(frame))
                    .isInstanceOf(IllegalStateException.class);
        }

        @Test
        void clientAndServerTalkToEachOther() {
            Engine client = Engine.client();
            Engine server = Engine.server();
            client.connection.sendText("x".repeat(250));
            client.connection.sendPing(bytes("hb"));
            assertThat(server.receiveSplit(client.output(), 13))
                    .containsExactly(new Event.Text("x".repeat(250)), new Event.Ping(bytes("hb")));
            assertThat(client.receive(server.output())).containsExactly(new Event.Pong(bytes("hb")));
            client.connection.close(4000, "app done");
            assertThat(server.receive(client.output())).containsExactly(new Event.Closed(4000, "app done"));
            assertThat(client.receive(server.output())).containsExactly(new Event.Closed(4000, ""));
            assertThat(server.connection.tcpCloseDue()).isTrue();
            client.connection.receiveEof("");
            assertThat(client.connection.tcpCloseDue()).isTrue();
            assertThat(client.connection.role()).isEqualTo(Role.CLIENT);
        }
    }

    @Nested
    class PooledBinaryMessages {
        /** Frame buffers that count what the engine takes and gives back, and fill new buffers with junk. */
        final class CountingBuffers implements FrameBuffers {
            final List<Integer> taken = new java.util.ArrayList<>();
            final Set<ByteBuffer> lent = Collections.newSetFromMap(new IdentityHashMap<>());
            int givenBack;

            @Override
            public ByteBuffer take(int bytes) {
                taken.add(bytes);
                ByteBuffer b = ByteBuffer.allocate(bytes);
                Arrays.fill(b.array(), (byte) 0x5A);
                lent.add(b);
                return b;
            }

            @Override
            public void giveBack(ByteBuffer buffer) {
                assertThat(lent.remove(buffer)).as("given back once, and only what was taken").isTrue();
                givenBack++;
            }
        }

        final CountingBuffers buffers = new CountingBuffers();

        Engine pooled(Engine engine) {
            engine.connection.useFrameBuffers(buffers);
            return engine;
        }

        @Test
        void aWholeMessageIsAViewOfTheInputAndTheEventObjectIsReused() {
            var view = new ByteBuffer[1];
            Engine server = Engine.server();
            // A runtime that reads into one buffer shows every message through one view
            server.connection.useFrameBuffers(new FrameBuffers() {
                @Override
                public ByteBuffer take(int bytes) {
                    return ByteBuffer.allocate(bytes);
                }

                @Override
                public ByteBuffer readOnlyView(ByteBuffer source) {
                    if (view[0] == null) {
                        view[0] = source.duplicate().clear().asReadOnlyBuffer();
                    }
                    return view[0];
                }
            });
            byte[] a = repeat(10);
            byte[] b = repeat(70000);
            ByteBuffer input = ByteBuffer.wrap(concat(RawFrame.binary(a).maskedWith(KEY).bytes(),
                    RawFrame.binary(b).maskedWith(KEY).bytes()));
            server.connection.receive(input);
            Event first = server.connection.pollEvent();
            assertThat(first).isEqualTo(new Event.Binary(ByteBuffer.wrap(a)));
            assertThat(((Event.Binary) first).data().isReadOnly()).isTrue();
            assertThat(input.hasRemaining()).as("receive stops after the event").isTrue();
            server.connection.receive(input);
            Event second = server.connection.pollEvent();
            assertThat(second).isSameAs(first).isEqualTo(new Event.Binary(ByteBuffer.wrap(b)));
            assertThat(input.hasRemaining()).isFalse();
        }

        @Test
        void fragmentedBinaryIsGatheredInABufferThatGoesBackAtTheNextReceive() {
            Engine server = pooled(Engine.server());
            byte[] a = repeat(300);
            byte[] b = repeat(20);
            byte[] input = concat(RawFrame.binary(a).fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation(b).maskedWith(KEY).bytes(), RawFrame.text("t").maskedWith(KEY).bytes());
            assertThat(server.receive(input)).containsExactly(new Event.Binary(ByteBuffer.wrap(concat(a, b))),
                    new Event.Text("t"));
            assertThat(buffers.lent).isEmpty();
            assertThat(buffers.givenBack).isPositive();
        }

        @Test
        void aMessageSplitAcrossReadsIsGatheredOnceAtItsLength() {
            Engine server = pooled(Engine.server());
            byte[] a = repeat(16384);
            byte[] b = repeat(16384);
            byte[] input = concat(RawFrame.binary(a).maskedWith(KEY).bytes(),
                    RawFrame.binary(b).maskedWith(KEY).bytes());
            assertThat(server.receiveSplit(input, 5000)).containsExactly(new Event.Binary(ByteBuffer.wrap(a)),
                    new Event.Binary(ByteBuffer.wrap(b)));
            assertThat(buffers.taken).containsExactly(16384, 16384);
            assertThat(buffers.lent).as("the last one, until the next receive").hasSize(1);
            server.receive(new byte[0]);
            assertThat(buffers.lent).isEmpty();
        }

        @Test
        void aBigFragmentedMessageGrowsItsBufferAndGivesEveryOneBack() {
            Engine server = pooled(Engine.server());
            byte[] whole = repeat(150_000);
            byte[] first = Arrays.copyOfRange(whole, 0, 50_000);
            byte[] second = Arrays.copyOfRange(whole, 50_000, 100_000);
            byte[] third = Arrays.copyOfRange(whole, 100_000, 150_000);
            byte[] input = concat(RawFrame.binary(first).fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation(second).fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation(third).maskedWith(KEY).bytes());
            assertThat(server.receiveSplit(input, 7000)).containsExactly(new Event.Binary(ByteBuffer.wrap(whole)));
            assertThat(buffers.taken.size()).isGreaterThan(1);
            server.connection.receiveEof("");
            assertThat(buffers.givenBack).isEqualTo(buffers.taken.size());
            assertThat(buffers.lent).isEmpty();
        }

        @Test
        void aHeaderThatAnnouncesAHugePayloadDoesNotReserveIt() {
            Engine server = pooled(Engine.server(Engine.limits(64 << 20, 64 << 20)));
            byte[] frame = RawFrame.binary(repeat(40 << 20)).maskedWith(KEY).bytes();
            assertThat(server.receive(Arrays.copyOf(frame, 1000))).isEmpty();
            assertThat(buffers.taken).hasSize(1);
            assertThat(buffers.taken.get(0)).isLessThanOrEqualTo(64 << 10);
        }

        @Test
        void aMessageCutOffByTheEndOfInputGivesItsBufferBack() {
            Engine server = pooled(Engine.server());
            byte[] frame = RawFrame.binary(repeat(3000)).maskedWith(KEY).bytes();
            assertThat(server.receive(Arrays.copyOf(frame, 1000))).isEmpty();
            assertThat(buffers.lent).hasSize(1);
            server.connection.receiveEof("");
            assertThat(buffers.lent).isEmpty();
            assertThat(server.events()).containsExactly(new Event.Closed(1006, ""));
        }

        @Test
        void aDecodedMessageIsGatheredToo() {
            Engine server = pooled(Engine.of(Role.SERVER, EngineOptions.DEFAULT, List.of(new XorExtension())));
            byte[] plain = repeat(500);
            assertThat(server.receive(RawFrame.binary(XorExtension.xor(plain)).rsv(0x40).maskedWith(KEY).bytes()))
                    .containsExactly(new Event.Binary(ByteBuffer.wrap(plain)));
            server.receive(new byte[0]);
            assertThat(buffers.lent).isEmpty();
        }

        @Test
        void anEmptyFragmentedMessageIsAnEmptyEvent() {
            Engine server = pooled(Engine.server());
            byte[] input = concat(RawFrame.binary(new byte[0]).fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation(new byte[0]).maskedWith(KEY).bytes());
            assertThat(server.receive(input)).containsExactly(new Event.Binary(ByteBuffer.allocate(0)));
            assertThat(buffers.lent).isEmpty();
        }

        @Test
        void theApplicationMaySendTheViewBackBetweenEvents() {
            Engine server = Engine.server();
            byte[] a = repeat(3);
            byte[] b = repeat(200);
            ByteBuffer input = ByteBuffer.wrap(concat(RawFrame.binary(a).maskedWith(KEY).bytes(),
                    RawFrame.binary(b).maskedWith(KEY).bytes()));
            while (input.hasRemaining()) {
                server.connection.receive(input);
                for (Event e; (e = server.connection.pollEvent()) != null; ) {
                    server.connection.sendBinaryCopy(((Event.Binary) e).data()); // an echo, as a loop handler does
                }
            }
            assertThat(server.output()).isEqualTo(concat(RawFrame.binary(a).bytes(), RawFrame.binary(b).bytes()));
        }
    }

    @Nested
    class Extensions { // RFC 6455 §9, with a toy extension that XORs payloads and marks them with RSV1
        @Test
        void markedMessagesAreDecodedAndOthersPassThrough() {
            var extension = new XorExtension();
            Engine server = Engine.of(Role.SERVER, EngineOptions.DEFAULT, List.of(extension));
            byte[] encoded = XorExtension.xor("secret".getBytes(StandardCharsets.UTF_8));
            byte[] input = concat(RawFrame.text(Arrays.copyOf(encoded, 3)).rsv(0x40).fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation(Arrays.copyOfRange(encoded, 3, 6)).maskedWith(KEY).bytes(),
                    RawFrame.text("plain").maskedWith(KEY).bytes());
            assertThat(server.receive(input)).containsExactly(new Event.Text("secret"), new Event.Text("plain"));
            server.connection.sendText("out");
            assertThat(server.output()).isEqualTo(RawFrame.text(XorExtension.xor("out".getBytes())).rsv(0x40).bytes());
            server.connection.receiveEof("");
            assertThat(extension.timesClosed).isEqualTo(1);
        }

        @ParameterizedTest
        @ValueSource(booleans = {false, true})
        void aClientEndsItsExtensionsOnceBothClosesAreExchangedAndOnlyOnce(boolean clientClosesFirst) {
            // ConnectionFuzzer: a client's codecs held zlib memory in CLOSED, while it waits for the server's FIN
            var extension = new XorExtension();
            Engine client = Engine.of(Role.CLIENT, EngineOptions.DEFAULT, List.of(extension));
            if (clientClosesFirst) {
                client.connection.close(1000, "");
            }
            assertThat(client.receive(RawFrame.close(1001).bytes())).containsExactly(new Event.Closed(1001, ""));
            assertThat(client.connection.state()).isEqualTo(Connection.State.CLOSED);
            assertThat(client.connection.tcpCloseDue()).as("the server closes TCP first").isFalse();
            assertThat(extension.timesClosed).isEqualTo(1);
            client.connection.receiveEof("");
            assertThat(client.connection.tcpCloseDue()).isTrue();
            assertThat(extension.timesClosed).isEqualTo(1);
        }

        @Test
        void decodedSizeIsLimited() {
            Engine server = Engine.of(Role.SERVER, Engine.limits(200, 200),
                    List.of(new XorExtension()));
            byte[] input = RawFrame.binary(XorExtension.xor(repeat(150))).rsv(0x40).maskedWith(KEY).bytes();
            assertThat(server.receive(concat(input, input))).containsExactly(
                    new Event.Binary(ByteBuffer.wrap(repeat(150))), new Event.Binary(ByteBuffer.wrap(repeat(150))));
            byte[] big = concat(
                    RawFrame.binary(XorExtension.xor(repeat(150))).rsv(0x40).fin(false).maskedWith(KEY).bytes(),
                    RawFrame.continuation(XorExtension.xor(repeat(51))).maskedWith(KEY).bytes());
            assertThat(server.receive(big)).containsExactly(new Event.Closed(1009, "message too big"));
        }

        @Test
        void decodedBinaryPartsAreCopies() {
            Engine server = Engine.of(Role.SERVER, EngineOptions.DEFAULT.withDelivery(EngineOptions.Delivery.PARTS),
                    List.of(new XorExtension()));
            byte[] input = RawFrame.binary(XorExtension.xor(new byte[] {5, 6})).rsv(0x40).maskedWith(KEY).bytes();
            assertThat(server.receive(input)).containsExactly(
                    new Event.BinaryPart(ByteBuffer.wrap(new byte[] {5, 6}), false),
                    new Event.BinaryPart(ByteBuffer.allocate(0), true));
        }
    }

    /** XORs every byte with 0x5A; RSV1 marks a transformed message. Decodes in pieces of at most 64 bytes. */
    static final class XorExtension implements Extension {
        int timesClosed;

        static byte[] xor(byte[] in) {
            byte[] out = in.clone();
            for (int i = 0; i < out.length; i++) {
                out[i] ^= 0x5A;
            }
            return out;
        }

        @Override
        public String name() {
            return "x-xor";
        }

        @Override
        public int rsvBits() {
            return RSV1;
        }

        @Override
        public void decode(ByteBuffer payload, boolean endOfMessage, java.util.function.Consumer<ByteBuffer> out) {
            while (payload.hasRemaining()) {
                byte[] piece = new byte[Math.min(64, payload.remaining())];
                payload.get(piece);
                out.accept(ByteBuffer.wrap(xor(piece)));
            }
        }

        @Override
        public int maxEncodedBytes(int messageBytes) {
            return messageBytes;
        }

        @Override
        public boolean encode(ByteBuffer message, ByteBuffer out) {
            byte[] bytes = new byte[message.remaining()];
            message.duplicate().get(bytes);
            out.put(xor(bytes));
            return true;
        }

        @Override
        public void close() {
            timesClosed++;
        }
    }
}
