package io.pado.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds frames byte by byte for tests, independently of the engine's encoder. */
final class RawFrame {
    private final int opcode;
    private final byte[] payload;
    private boolean fin = true;
    private int rsv;
    private Integer maskKey;
    private int lengthForm; // 0 = shortest, 16 or 64 to force a form

    private RawFrame(int opcode, byte[] payload) {
        this.opcode = opcode;
        this.payload = payload;
    }

    static RawFrame of(int opcode, byte[] payload) {
        return new RawFrame(opcode, payload);
    }

    static RawFrame text(String text) {
        return new RawFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    static RawFrame text(byte[] utf8) {
        return new RawFrame(0x1, utf8);
    }

    static RawFrame binary(byte[] data) {
        return new RawFrame(0x2, data);
    }

    static RawFrame continuation(String text) {
        return new RawFrame(0x0, text.getBytes(StandardCharsets.UTF_8));
    }

    static RawFrame continuation(byte[] data) {
        return new RawFrame(0x0, data);
    }

    static RawFrame ping(String data) {
        return new RawFrame(0x9, data.getBytes(StandardCharsets.UTF_8));
    }

    static RawFrame pong(String data) {
        return new RawFrame(0xA, data.getBytes(StandardCharsets.UTF_8));
    }

    static RawFrame close(int code) {
        return close(code, "");
    }

    static RawFrame close(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return new RawFrame(0x8, p);
    }

    static RawFrame closeWithoutCode() {
        return new RawFrame(0x8, new byte[0]);
    }

    RawFrame fin(boolean fin) {
        this.fin = fin;
        return this;
    }

    RawFrame rsv(int bits) {
        this.rsv = bits;
        return this;
    }

    RawFrame maskedWith(int key) {
        this.maskKey = key;
        return this;
    }

    RawFrame lengthForm(int bits) {
        this.lengthForm = bits;
        return this;
    }

    byte[] bytes() {
        var out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | rsv | opcode);
        int maskBit = maskKey != null ? 0x80 : 0;
        long n = payload.length;
        if (lengthForm == 64 || (lengthForm == 0 && n > 0xFFFF)) {
            out.write(maskBit | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) (n >>> (8 * i)));
            }
        } else if (lengthForm == 16 || n > 125) {
            out.write(maskBit | 126);
            out.write((int) (n >>> 8));
            out.write((int) n);
        } else {
            out.write(maskBit | (int) n);
        }
        byte[] key = new byte[4];
        if (maskKey != null) {
            for (int i = 0; i < 4; i++) {
                key[i] = (byte) (maskKey >>> (24 - 8 * i));
            }
            out.write(key, 0, 4);
        }
        for (int i = 0; i < payload.length; i++) {
            out.write(maskKey != null ? payload[i] ^ key[i & 3] : payload[i]);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }
}
