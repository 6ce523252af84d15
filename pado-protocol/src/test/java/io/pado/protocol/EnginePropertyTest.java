package io.pado.protocol;

import io.pado.protocol.frame.CloseCode;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Seeded random input: valid traffic round-trips, hostile traffic ends in a close code and never escapes. */
class EnginePropertyTest {

    private static byte[] randomPayload(Random random) {
        int length = switch (random.nextInt(10)) {
            case 0 -> 126 + random.nextInt(70_000);
            case 1, 2 -> random.nextInt(126);
            default -> random.nextInt(2000);
        };
        byte[] data = new byte[length];
        random.nextBytes(data);
        return data;
    }

    private static String randomText(Random random) {
        var text = new StringBuilder();
        for (int i = random.nextInt(300); i > 0; i--) {
            int cp = random.nextInt(5) == 0 ? 0x1F300 + random.nextInt(100) : 0x20 + random.nextInt(0x3000);
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = 'x';
            }
            text.appendCodePoint(cp);
        }
        return text.toString();
    }

    /** Feeds bytes to the engine in random pieces; returns the events. */
    private static List<Event> feedRandomly(Engine engine, byte[] bytes, Random random) {
        var events = new ArrayList<Event>();
        int at = 0;
        while (at < bytes.length) {
            int n = 1 + random.nextInt(Math.min(bytes.length - at, random.nextBoolean() ? 16 : 100_000));
            events.addAll(engine.receiveSplit(java.util.Arrays.copyOfRange(bytes, at, at + n), n));
            at += n;
        }
        return events;
    }

    @Test
    void randomMessagesRoundTripBetweenClientAndServer() {
        long seed = System.nanoTime();
        var random = new Random(seed);
        for (int round = 0; round < 60; round++) {
            Engine sender = random.nextBoolean() ? Engine.client() : Engine.server();
            boolean masked = sender.connection.role() == Role.CLIENT;
            Engine receiver = masked ? Engine.server() : Engine.client();
            var expected = new ArrayList<Event>();
            var traffic = new java.io.ByteArrayOutputStream();
            for (int i = random.nextInt(20); i >= 0; i--) {
                switch (random.nextInt(4)) {
                    case 0 -> {
                        String text = randomText(random);
                        sender.connection.sendText(text);
                        expected.add(new Event.Text(text));
                    }
                    case 1 -> {
                        byte[] data = randomPayload(random);
                        sender.connection.sendBinary(ByteBuffer.wrap(data));
                        expected.add(new Event.Binary(ByteBuffer.wrap(data)));
                    }
                    case 2 -> {
                        byte[] data = new byte[random.nextInt(126)];
                        random.nextBytes(data);
                        sender.connection.sendPong(ByteBuffer.wrap(data));
                        expected.add(new Event.Pong(ByteBuffer.wrap(data)));
                    }
                    default -> {
                        // A fragmented message with a Ping between its parts, as other peers send them
                        String a = randomText(random);
                        String b = randomText(random);
                        int key = random.nextInt();
                        traffic.writeBytes(sender.output());
                        traffic.writeBytes(frame(RawFrame.text(a).fin(false), masked, key));
                        traffic.writeBytes(frame(RawFrame.ping("p"), masked, key));
                        traffic.writeBytes(frame(RawFrame.continuation(b), masked, key));
                        expected.add(new Event.Ping(ByteBuffer.wrap(new byte[] {'p'})));
                        expected.add(new Event.Text(a + b));
                    }
                }
            }
            int code = 3000 + random.nextInt(2000);
            sender.connection.close(code, "done");
            expected.add(new Event.Closed(code, "done"));
            traffic.writeBytes(sender.output());
            assertThat(feedRandomly(receiver, traffic.toByteArray(), random)).as("seed %d round %d", seed, round)
                    .isEqualTo(expected);
        }
    }

    private static byte[] frame(RawFrame frame, boolean masked, int key) {
        return masked ? frame.maskedWith(key).bytes() : frame.bytes();
    }

    @Test
    void randomBytesEndInACloseCodeAndNeverEscape() {
        long seed = System.nanoTime();
        var random = new Random(seed);
        for (int round = 0; round < 3000; round++) {
            byte[] garbage = new byte[random.nextInt(300)];
            random.nextBytes(garbage);
            Engine engine = random.nextBoolean() ? Engine.server((
                    Limits.DEFAULT.withMaxMessageBytes(4096)).settings()) : Engine.client();
            assertSaneOutcome(engine, feedRandomly(engine, garbage, random), "seed " + seed + " round " + round);
        }
    }

    @Test
    void mutatedValidTrafficEndsInACloseCodeAndNeverEscapes() {
        long seed = System.nanoTime();
        var random = new Random(seed);
        for (int round = 0; round < 2000; round++) {
            Engine client = Engine.client();
            client.connection.sendText(randomText(random));
            int key = random.nextInt();
            byte[] fragmented = RawFrame.concat(frame(RawFrame.binary(randomPayload(random)).fin(false), true, key),
                    frame(RawFrame.of(0x9, new byte[] {7, 7}), true, key),
                    frame(RawFrame.continuation(randomPayload(random)), true, key));
            byte[] before = client.output();
            client.connection.close(1000, "ok");
            byte[] traffic = RawFrame.concat(before, fragmented, client.output());
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                traffic[random.nextInt(traffic.length)] ^= (byte) (1 << random.nextInt(8));
            }
            Engine server = Engine.server();
            assertSaneOutcome(server, feedRandomly(server, traffic, random), "seed " + seed + " round " + round);
        }
    }

    private static void assertSaneOutcome(Engine engine, List<Event> events, String context) {
        List<Event> closes = events.stream().filter(e -> e instanceof Event.Closed).toList();
        assertThat(closes).as(context).hasSizeLessThanOrEqualTo(1);
        Engine peer = engine.connection.role() == Role.SERVER ? Engine.client() : Engine.server();
        List<Event> peerCloses = peer.receive(engine.output()).stream().filter(e -> e instanceof Event.Closed).toList();
        if (closes.isEmpty()) {
            assertThat(peerCloses).as(context).isEmpty();
            return;
        }
        assertThat(events.get(events.size() - 1)).as(context).isInstanceOf(Event.Closed.class);
        int code = ((Event.Closed) closes.get(0)).code();
        assertThat(CloseCode.isValidOnWire(code) || code == CloseCode.NO_STATUS_RECEIVED).as(context).isTrue();
        assertThat(engine.connection.isOutputOpen()).as(context).isFalse();
        // What the engine wrote is valid traffic for the other role, ending in a Close with the reported code
        assertThat(peerCloses).as(context).hasSize(1);
        assertThat(((Event.Closed) peerCloses.get(0)).code()).as(context).isEqualTo(code);
    }
}
