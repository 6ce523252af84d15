package io.pado.bench.soak;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A client that breaks the rules in one of several ways, and what the server must do about it. Each one ends by
 * itself within {@link #MAX_LIFETIME_NANOS}. Client thread only.
 */
final class Hostile extends Peer {
    static final long MAX_LIFETIME_NANOS = 30_000_000_000L;
    private static final long SLOWLORIS_BYTE_NANOS = 250_000_000L;
    private static final int NO_READ_BYTES = 16 << 20;
    private static final int NO_READ_MESSAGE = 64 << 10;
    /** What a STALLED client sends of its opening before it stops. */
    private static final int STALLED_BYTES = 20;

    /** The misbehaviour, with how many may run at once, and the close code the server must report. */
    enum Kind {
        /** Random bytes instead of a request: HTTP 400. */
        GARBAGE(4, 0),
        /** A valid request, one byte every 250 ms: dropped at the handshake timeout, with no answer. */
        SLOWLORIS(24, 0),
        /**
         * The first 20 bytes of its opening, then nothing: of the TLS ClientHello in wss:// mode (the TLS handshake
         * counts against the handshake timeout), of the request head in ws://. Dropped at the handshake timeout.
         */
        STALLED(8, 0),
        /** A frame header claiming 16 MiB: Close 1009 (RFC 6455 §7.4.1). */
        OVERSIZED(4, 1009),
        /** A text frame that is not UTF-8: Close 1007 (§8.1). */
        BAD_UTF8(4, 1007),
        /** An unmasked client frame: Close 1002 (§5.1). */
        UNMASKED(4, 1002),
        /** Half a frame, then a TCP reset (SO_LINGER 0): the server cleans up and reports 1006. */
        RESET(4, 1006),
        /**
         * Sends 16 MiB of messages to echo, then a little more every 250 ms, and never reads: dropped after the
         * write timeout (a write then fails), reported as 1008.
         */
        NO_READ(2, 1008);

        final int concurrency;
        final int serverCloseCode;

        Kind(int concurrency, int serverCloseCode) {
            this.concurrency = concurrency;
            this.serverCloseCode = serverCloseCode;
        }
    }

    private enum State { CONNECTING, HANDSHAKING, ACTING, WAITING, READING, DONE }

    private final Round round;
    private final Tally tally;
    final Kind kind;
    private final Random random;
    private State state = State.CONNECTING;
    private String request;
    private int dripped;
    private long nextDripNanos;
    private int noReadWritten;
    private int responseBytes;
    private long connectedNanos;
    private final StringBuilder response = new StringBuilder();

    Hostile(Round round, Tally tally, SocketChannel channel, Kind kind, long seed, long now) throws IOException {
        super(channel, round.newPipe(), now);
        this.round = round;
        this.tally = tally;
        this.kind = kind;
        this.random = new Random(seed);
    }

    boolean isDone() {
        return state == State.DONE;
    }

    /** The socket receive buffer to ask for before connecting; small for NO_READ so that the server fills it fast. */
    static int receiveBufferBytes(Kind kind) {
        return kind == Kind.NO_READ ? 4096 : 0;
    }

    @Override
    void tcpUp() throws IOException {
        if (kind != Kind.STALLED) {
            super.tcpUp();
            return;
        }
        connectedNanos = System.nanoTime();
        ByteBuffer opening = tls != null ? tls.handshakeOutput()
                : ByteBuffer.wrap(upgradeRequest(round.port, false).getBytes(StandardCharsets.ISO_8859_1));
        writeRaw(opening.limit(opening.position() + Math.min(STALLED_BYTES, opening.remaining())));
        state = State.WAITING;
    }

    @Override
    boolean rawInput() {
        // It never finishes its TLS handshake: any byte back is an answer it should not get
        return kind == Kind.STALLED;
    }

    @Override
    void connected() throws IOException {
        connectedNanos = System.nanoTime();
        switch (kind) {
            case GARBAGE -> {
                byte[] junk = new byte[64 + random.nextInt(1024)];
                random.nextBytes(junk);
                for (int i = 0; i < junk.length; i++) {
                    if (junk[i] == '\r' || junk[i] == '\n') {
                        junk[i] = 0x7F; // one bad request line, not several short ones
                    }
                }
                write(ByteBuffer.wrap(junk));
                write("\r\n\r\n");
                state = State.READING;
            }
            case SLOWLORIS -> {
                request = upgradeRequest(round.port, false);
                state = State.ACTING;
                nextDripNanos = System.nanoTime();
                tick(nextDripNanos);
            }
            default -> {
                write(upgradeRequest(round.port, false));
                state = State.HANDSHAKING;
            }
        }
    }

    @Override
    void received() throws IOException {
        if (state == State.HANDSHAKING) {
            String head = takeHead();
            if (head == null) {
                return;
            }
            if (!upgraded(head)) {
                fail("not upgraded: " + head.lines().findFirst().orElse(""));
                return;
            }
            act();
            if (finished) {
                return;
            }
        }
        if (kind == Kind.GARBAGE || kind == Kind.SLOWLORIS || kind == Kind.STALLED || kind == Kind.NO_READ) {
            // An HTTP answer to check (NO_READ never gets here: it does not read after the handshake).
            in.flip();
            responseBytes += in.remaining();
            if (response.length() < 64) {
                response.append(StandardCharsets.ISO_8859_1.decode(in));
            }
            in.clear();
            return;
        }
        if (state == State.READING) {
            in.flip();
            Frame f = Frame.parse(in);
            if (f == null) {
                int need = Frame.needed(in);
                compactInput();
                grow(need);
                return;
            }
            int code = f.opcode() == Messages.CLOSE ? f.closeCode(in) : -1;
            if (code == kind.serverCloseCode) {
                pass(); // the server closes TCP next; no need to wait for it
            } else {
                fail("expected Close " + kind.serverCloseCode + ", got opcode " + f.opcode() + " code " + code);
            }
            return;
        }
        in.clear(); // WAITING / ACTING: not reading on purpose, or nothing to check
    }

    /** The handshake is done: misbehave. */
    private void act() throws IOException {
        ByteBuffer out = ByteBuffer.allocate(2048);
        switch (kind) {
            case OVERSIZED -> {
                out.put((byte) 0x82).put((byte) (0x80 | 127)).putLong(16L << 20).putInt(0x11223344);
                out.put(new byte[1000]);
                state = State.READING;
            }
            case BAD_UTF8 -> {
                byte[] p = {'o', 'k', (byte) 0xC3, 0x28, (byte) 0xFF, 'x'};
                Messages.frame(out, 0x81, p, 0, p.length, random.nextInt());
                state = State.READING;
            }
            case UNMASKED -> {
                out.put((byte) 0x81).put((byte) 5).put("hello".getBytes(StandardCharsets.US_ASCII));
                state = State.READING;
            }
            case RESET -> {
                out.put((byte) 0x82).put((byte) (0x80 | 126)).putShort((short) 60000).putInt(random.nextInt());
                out.put(new byte[1000]);
                write(out.flip());
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                pass();
                return;
            }
            case NO_READ -> {
                key.interestOps(0); // never read again
                state = State.ACTING;
                writeMore();
                return;
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        write(out.flip());
    }

    private void writeMore() throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(NO_READ_MESSAGE + 14);
        byte[] payload = new byte[NO_READ_MESSAGE];
        random.nextBytes(payload);
        Messages.frame(frame, 0x82, payload, 0, payload.length, random.nextInt());
        frame.flip();
        while (noReadWritten < NO_READ_BYTES && pendingBytes() == 0) {
            write(frame.duplicate());
            noReadWritten += frame.remaining();
        }
        if (noReadWritten >= NO_READ_BYTES && pendingBytes() == 0) {
            state = State.WAITING;
            nextDripNanos = System.nanoTime();
        }
    }

    @Override
    void flush() throws IOException {
        super.flush();
        if (kind == Kind.NO_READ && state == State.ACTING && pendingBytes() == 0) {
            writeMore();
        }
    }

    @Override
    void tick(long now) {
        if (finished) {
            return;
        }
        try {
            if (now - startNanos > MAX_LIFETIME_NANOS) {
                fail("no outcome in " + MAX_LIFETIME_NANOS / 1_000_000_000 + " s, in state " + state);
            } else if (kind == Kind.SLOWLORIS && state == State.ACTING && now >= nextDripNanos) {
                write(request.substring(dripped, dripped + 1));
                dripped++;
                nextDripNanos = now + SLOWLORIS_BYTE_NANOS;
                if (dripped == request.length()) {
                    state = State.READING; // the whole request went out: the server was too patient
                }
            } else if (kind == Kind.NO_READ && state == State.WAITING && now >= nextDripNanos) {
                // Never read, keep writing a little: once the server has dropped us, a write fails (reset).
                ByteBuffer out = ByteBuffer.allocate(16);
                Messages.frame(out, 0x82, new byte[2], 0, 2, random.nextInt());
                write(out.flip());
                nextDripNanos = now + SLOWLORIS_BYTE_NANOS;
            }
        } catch (IOException e) {
            failed(e);
        }
    }

    @Override
    void ended() {
        if (kind == Kind.GARBAGE) {
            check(response.toString().startsWith("HTTP/1.1 400"), "expected HTTP 400, got " + firstLine());
        } else if (kind == Kind.SLOWLORIS || kind == Kind.STALLED) {
            slowlorisDropped();
        } else {
            fail("server closed in state " + state);
        }
    }

    @Override
    void failed(IOException e) {
        // A reset is how a server drops a peer whose data it did not read.
        if (kind == Kind.GARBAGE) {
            ended();
        } else if (kind == Kind.NO_READ && (state == State.ACTING || state == State.WAITING)) {
            pass();
        } else if (kind == Kind.SLOWLORIS || kind == Kind.STALLED) {
            slowlorisDropped();
        } else {
            fail(e.toString());
        }
    }

    private void slowlorisDropped() {
        long elapsed = System.nanoTime() - startNanos;
        check(responseBytes == 0 && elapsed >= round.handshakeTimeoutNanos() * 9 / 10,
                "dropped after " + elapsed / 1_000_000 + " ms with " + responseBytes + " bytes of answer");
    }

    private String firstLine() {
        return response.toString().lines().findFirst().orElse("(nothing)");
    }

    private void check(boolean ok, String what) {
        if (ok) {
            pass();
        } else {
            fail(what);
        }
    }

    private void pass() {
        if (state != State.DONE) {
            state = State.DONE;
            tally.hostile.get(kind)[1]++;
            closeChannel();
        }
    }

    private void fail(String what) {
        if (state != State.DONE) {
            state = State.DONE;
            long now = System.nanoTime();
            tally.fail(kind + ": " + what + " (" + (now - startNanos) / 1_000_000 + " ms after connect(), "
                    + (connectedNanos == 0 ? "never connected" : "connected after "
                    + (connectedNanos - startNanos) / 1_000_000 + " ms") + ")");
            closeChannel();
        }
    }
}
