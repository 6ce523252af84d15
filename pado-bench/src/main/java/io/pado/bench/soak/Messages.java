package io.pado.bench.soak;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The well-behaved traffic, decided by (seed, connection, sequence number) alone: the sender builds message n from
 * them and the receiver rebuilds it to compare with the echo, so nothing is stored per message. Also the client's
 * frame encoder (masked, RFC 6455 §5.3) and permessage-deflate without context takeover (RFC 7692), one
 * Deflater/Inflater for all connections. Not thread-safe: one per client thread.
 */
final class Messages {
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** The characters of text messages: 1-, 2-, 3- and 4-byte UTF-8, so fragments split characters. */
    private static final String[] ALPHABET = {"a", "b", "c", "x", "y", "z", " ", "é", "ß", "€", "ऄ", "😀", "𝄞"};

    private final long seed;
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final Inflater inflater = new Inflater(true);
    private byte[] deflated = new byte[1 << 16];
    private byte[] inflated = new byte[1 << 16];

    Messages(long seed) {
        this.seed = seed;
    }

    /** One message: its opcode, its payload, and how many frames it goes in. */
    record Message(int opcode, byte[] payload, int fragments, boolean pingInside) {
    }

    /** splitmix64: a well-mixed hash of {@code x}. */
    static long mix(long x) {
        x += 0x9E3779B97F4A7C15L;
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }

    long hash(int conn, long seq) {
        return mix(seed ^ mix(((long) conn << 40) ^ seq));
    }

    /**
     * Message {@code seq} of connection {@code conn}: 40 % short text, 35 % short binary, 10 % fragmented text, 8 %
     * fragmented binary, 7 % binary of 16-64 KiB. A fragmented message has 2-4 frames, a quarter with a Ping between
     * its first two.
     */
    Message message(int conn, long seq) {
        long h = hash(conn, seq);
        int pick = (int) Math.floorMod(h, 100L);
        long r = h >>> 8;
        int fragments = 2 + (int) Math.floorMod(r >>> 20, 3L);
        boolean ping = Math.floorMod(r >>> 30, 4L) == 0;
        if (pick < 40) {
            return new Message(TEXT, text(conn, seq, h, 4 + (int) Math.floorMod(r, 300L)), 1, false);
        } else if (pick < 75) {
            return new Message(BINARY, binary(conn, seq, h, 12 + (int) Math.floorMod(r, 2048L)), 1, false);
        } else if (pick < 85) {
            return new Message(TEXT, text(conn, seq, h, 100 + (int) Math.floorMod(r, 3000L)), fragments, ping);
        } else if (pick < 93) {
            return new Message(BINARY, binary(conn, seq, h, 1024 + (int) Math.floorMod(r, 32 << 10)), fragments,
                    ping);
        }
        return new Message(BINARY, binary(conn, seq, h, (16 << 10) + (int) Math.floorMod(r, 48 << 10)), 1, false);
    }

    /** Whether step {@code step} of a connection is a lone Ping instead of a message (5 %). */
    boolean pingStep(int conn, long step) {
        return Math.floorMod(mix(hash(conn, step) ^ 0x5A5A), 100L) < 5;
    }

    private static byte[] text(int conn, long seq, long h, int chars) {
        var s = new StringBuilder(chars + 24).append(conn).append(':').append(seq).append(':');
        for (int i = 0; i < chars; i++) {
            s.append(ALPHABET[(int) Math.floorMod((h >>> 16) + i * 7L, (long) ALPHABET.length)]);
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] binary(int conn, long seq, long h, int bytes) {
        byte[] b = new byte[bytes];
        ByteBuffer.wrap(b).putLong(seq).putInt(conn);
        for (int i = 12; i < bytes; i++) {
            b[i] = (byte) (h + i * 31L);
        }
        return b;
    }

    /** The sequence number a received payload claims: the binary header, or the text's "conn:seq:" prefix. */
    static long sequenceOf(int opcode, byte[] payload, int length) {
        if (opcode == BINARY) {
            return length >= 8 ? ByteBuffer.wrap(payload).getLong() : -1;
        }
        int first = -1;
        for (int i = 0; i < Math.min(length, 40); i++) {
            if (payload[i] == ':') {
                if (first < 0) {
                    first = i;
                } else {
                    try {
                        return Long.parseLong(new String(payload, first + 1, i - first - 1,
                                StandardCharsets.US_ASCII));
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                }
            }
        }
        return -1;
    }

    // ---- frames

    /**
     * Appends {@code m}'s frames to {@code out} (which must have room: {@link #maxFrameBytes}), masked with keys from
     * {@code h}, compressed when {@code deflate} and at least 64 bytes long. A Ping inside carries {@code pingSeq}.
     */
    void encode(ByteBuffer out, Message m, boolean deflate, long h, long pingSeq) {
        byte[] payload = m.payload();
        int length = payload.length;
        boolean compressed = deflate && length >= 64;
        if (compressed) {
            payload = deflate(payload);
            length = deflatedLength;
        }
        int frames = m.fragments();
        int at = 0;
        for (int f = 0; f < frames; f++) {
            int end = f == frames - 1 ? length : Math.min(length, at + Math.max(0, (int) Math.floorMod(h >>> (f * 8),
                    (long) Math.max(1, length / frames + 1))));
            int opcode = f == 0 ? m.opcode() : 0;
            int first = (f == frames - 1 ? 0x80 : 0) | (compressed && f == 0 ? 0x40 : 0) | opcode;
            frame(out, first, payload, at, end - at, (int) (h >>> (f * 4)));
            at = end;
            if (f == 0 && m.pingInside()) {
                // RFC 6455 §5.4: control frames may be injected in the middle of a fragmented message
                byte[] p = ByteBuffer.allocate(8).putLong(pingSeq).array();
                frame(out, 0x80 | PING, p, 0, 8, (int) h);
            }
        }
    }

    /** Room a message's frames may need: payload (or its deflated form), headers and one Ping. */
    static int maxFrameBytes(Message m) {
        return m.payload().length + m.payload().length / 8 + 64 + m.fragments() * 14 + 32;
    }

    /** Appends one masked frame of {@code payload[from, from + length)}. */
    static void frame(ByteBuffer out, int firstByte, byte[] payload, int from, int length, int maskKey) {
        out.put((byte) firstByte);
        if (length <= 125) {
            out.put((byte) (0x80 | length));
        } else if (length <= 0xFFFF) {
            out.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            out.put((byte) (0x80 | 127)).putLong(length);
        }
        out.putInt(maskKey);
        byte[] key = {(byte) (maskKey >>> 24), (byte) (maskKey >>> 16), (byte) (maskKey >>> 8), (byte) maskKey};
        for (int i = 0; i < length; i++) {
            out.put((byte) (payload[from + i] ^ key[i & 3]));
        }
    }

    private int deflatedLength;

    /** Raw deflate of {@code payload} on its own, without the final empty block's 4 bytes (RFC 7692 §7.2.1). */
    private byte[] deflate(byte[] payload) {
        deflater.reset();
        deflater.setInput(payload);
        int n = 0;
        while (true) {
            if (n == deflated.length) {
                deflated = Arrays.copyOf(deflated, deflated.length * 2);
            }
            n += deflater.deflate(deflated, n, deflated.length - n, Deflater.SYNC_FLUSH);
            if (n < deflated.length) {
                break;
            }
        }
        deflatedLength = n - 4;
        return deflated;
    }

    private int inflatedLength;

    /**
     * Inflates a compressed message (RFC 7692 §7.2.2: with 00 00 FF FF appended); the result is valid until the next
     * call.
     */
    byte[] inflate(byte[] payload, int length) throws DataFormatException {
        inflater.reset();
        byte[] input = Arrays.copyOf(payload, length + 4);
        input[length] = 0;
        input[length + 1] = 0;
        input[length + 2] = (byte) 0xFF;
        input[length + 3] = (byte) 0xFF;
        inflater.setInput(input);
        int n = 0;
        while (!inflater.needsInput() || n == inflated.length) {
            if (n == inflated.length) {
                inflated = Arrays.copyOf(inflated, inflated.length * 2);
            }
            int k = inflater.inflate(inflated, n, inflated.length - n);
            n += k;
            if (k == 0 && inflater.needsInput()) {
                break;
            }
        }
        inflatedLength = n;
        return inflated;
    }

    int inflatedLength() {
        return inflatedLength;
    }

    void end() {
        deflater.end();
        inflater.end();
    }
}
