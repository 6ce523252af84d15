package io.pado.protocol.fuzz;

import io.pado.protocol.Connection;
import io.pado.protocol.Role;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * One input of {@link ConnectionFuzzer} read as a conversation: the engine ({@link EngineSetup}, byte 0), what its
 * peer sends ({@code stream}: the rest of the input, after a valid opening if byte 0 asks for one), and what the
 * application does meanwhile: sends at offsets of the stream, chosen by byte 1 and the stream bytes at each offset.
 * Byte 1 also picks the cuts of one run, and whether a Closed is answered at once or at the next send point.
 *
 * @param openingBytes how many bytes of {@code stream} the target put before the input (0 unless a valid opening)
 */
record Conversation(EngineSetup setup, byte[] stream, int openingBytes, List<Send> sends, boolean answerLate,
        int cutSeed) {

    /** What the application does at one point of the stream: after the bytes before {@code offset} were fed. */
    record Send(int offset, Kind kind, byte[] payload, int code) {
        /** The payload as text: UTF-8 (bad bytes become U+FFFD), or for WIDE_TEXT a character of 2 or 3 bytes each. */
        String text() {
            if (kind != Kind.WIDE_TEXT) {
                return new String(payload, StandardCharsets.UTF_8);
            }
            var text = new StringBuilder(payload.length);
            for (byte b : payload) {
                text.append((char) (b >= 0 ? 0x400 + b : 0x4E00 - b));
            }
            return text.toString();
        }
    }

    enum Kind { TEXT, WIDE_TEXT, BINARY, BINARY_COPY, PING, PONG, CLOSE, FAIL }

    /** The Sec-WebSocket-Key of a server's opening (RFC 6455 §1.3's example). */
    static final String SERVER_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final Pattern KEY_FIELD = Pattern.compile("\r\nSec-WebSocket-Key: ([^\r]*)\r\n");
    /** Sizes of sent payloads: around the 7-bit and 16-bit length forms, the copy threshold and the windows. */
    private static final int[] SIZES = {0, 1, 2, 63, 64, 125, 126, 513, 1025, 4096, 5000, 70_000};
    /** Close codes to send: the valid ones, and some that may not be sent (RFC 6455 §7.4). */
    private static final int[] CODES = {1000, 1001, 1002, 1003, 1008, 1011, 1014, 3000, 4999, 1005, 1006, 1015, 999,
            5000, 0, 1004};
    private static final int[] REASON_SIZES = {0, 2, 40, 122, 123, 124, 200};

    static Conversation of(byte[] data) {
        FuzzInput input = FuzzInput.of(data);
        EngineSetup setup = EngineSetup.of(input.setting());
        byte[] opening = setup.validOpening() ? opening(setup) : new byte[0];
        byte[] stream = Arrays.copyOf(opening, opening.length + input.body().length);
        System.arraycopy(input.body(), 0, stream, opening.length, input.body().length);
        var random = new SplittableRandom(0x5E4D_0000L + input.cutSeed());
        var sends = new ArrayList<Send>();
        if (stream.length > 0) {
            for (int points = random.nextInt(4); points > 0; points--) {
                int offset = random.nextInt(stream.length + 1);
                for (int n = 1 + random.nextInt(2), i = 0; i < n; i++) {
                    sends.add(send(stream, offset, i));
                }
            }
        }
        sends.sort(Comparator.comparingInt(Send::offset)); // stable: the sends of one point keep their order
        return new Conversation(setup, stream, opening.length, List.copyOf(sends), (input.cutSeed() & 1) != 0,
                input.cutSeed());
    }

    /** A send chosen by the stream's bytes at {@code offset}, so that the fuzzer can steer it. */
    private static Send send(byte[] stream, int offset, int nth) {
        int at = offset + 3 * nth;
        Kind kind = Kind.values()[at(stream, at) % Kind.values().length];
        int size = switch (kind) {
            case CLOSE, FAIL -> REASON_SIZES[at(stream, at + 1) % REASON_SIZES.length];
            default -> SIZES[at(stream, at + 1) % SIZES.length];
        };
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) at(stream, at + 3 + i);
        }
        return new Send(offset, kind, payload, CODES[at(stream, at + 2) % CODES.length]);
    }

    private static int at(byte[] stream, int i) {
        return stream[Math.floorMod(i, stream.length)] & 0xFF;
    }

    /** The cuts of a run: every send point and {@code more}, sorted. */
    int[] cuts(int... more) {
        return IntStream.concat(sends.stream().mapToInt(Send::offset), IntStream.of(more)).sorted().toArray();
    }

    /** Cuts only where the application sends. */
    int[] sendCuts() {
        return cuts();
    }

    /** Cuts where the application sends and where byte 1 says. */
    int[] randomCuts() {
        return cuts(FuzzInput.cuts(cutSeed, stream.length));
    }

    /** Cuts everywhere. */
    int[] everyByte() {
        return cuts(IntStream.rangeClosed(0, stream.length).toArray());
    }

    /** The peer's bytes after the opening the target wrote: frames, if the opening went as it should. */
    byte[] framesAfterOpening() {
        return Arrays.copyOfRange(stream, openingBytes, stream.length);
    }

    /**
     * A valid opening from the peer: for a server's engine, an upgrade request offering permessage-deflate as the
     * setup says; for a client's engine, the 101 answering the request the engine writes, with the accept key for its
     * {@code Sec-WebSocket-Key} (computed here from RFC 6455 §4.2.2, not with the engine's code).
     */
    private static byte[] opening(EngineSetup setup) {
        String extensions;
        String head;
        if (setup.role() == Role.SERVER) {
            extensions = setup.compression().offer;
            head = "GET /chat HTTP/1.1\r\nHost: h.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + SERVER_KEY + "\r\nSec-WebSocket-Version: 13\r\n";
        } else {
            extensions = setup.compression().answer;
            head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + acceptValue(keyOf(clientRequest(setup))) + "\r\n";
        }
        if (extensions != null) {
            head += "Sec-WebSocket-Extensions: " + extensions + "\r\n";
        }
        return (head + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The request a client engine of this setup writes. */
    static String clientRequest(EngineSetup setup) {
        Connection client = EngineRun.newClient(setup, new RecordingFactory(setup.compression().factory), () -> 0);
        var request = new StringBuilder();
        for (ByteBuffer b; (b = client.pollOutput()) != null; ) {
            request.append(StandardCharsets.ISO_8859_1.decode(b));
        }
        client.receiveEof("");
        return request.toString();
    }

    static String keyOf(String request) {
        Matcher m = KEY_FIELD.matcher(request);
        if (!m.find()) {
            throw new AssertionError("no Sec-WebSocket-Key in the client's request: " + request);
        }
        return m.group(1);
    }

    /** RFC 6455 §4.2.2 (5): base64 of the SHA-1 of the key and the GUID. */
    static String acceptValue(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
