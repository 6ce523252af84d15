package io.pado.bench.soak;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.zip.DataFormatException;

/**
 * A client that follows the rules: it sends numbered messages (see {@link Messages}) and lone Pings, and checks that
 * every echo arrives exactly once, in order, byte for byte, and every Ping gets its Pong. At the end it waits for all
 * echoes, sends Close 1000 and expects Close 1000 and then the server's FIN. Client thread only.
 */
final class WellBehaved extends Peer {
    /** Messages sent and not yet echoed, at most: a connection that is this far behind skips its turn. */
    static final int MAX_IN_FLIGHT = 8;
    private static final long MAX_PENDING_BYTES = 256 << 10;

    private enum State { CONNECTING, HANDSHAKING, OPEN, DRAINING, CLOSING, DONE }

    private final Round round;
    private final int id;
    private final boolean deflate;
    private State state = State.CONNECTING;
    private long nextSeq;
    private long expected;
    private long step;
    private long pingsSent;
    private long lastPong;
    private boolean closeReceived;
    // A fragmented message from the server, being reassembled.
    private byte[] message = new byte[0];
    private int messageLength;
    private int messageFirstByte = -1;

    WellBehaved(Round round, SocketChannel channel, int id, boolean deflate, long now) throws IOException {
        super(channel, round.newPipe(), now);
        this.round = round;
        this.id = id;
        this.deflate = deflate;
    }

    boolean isDone() {
        return state == State.DONE;
    }

    boolean isOpen() {
        return state == State.OPEN;
    }

    private boolean isHandshaking() {
        return state == State.CONNECTING || state == State.HANDSHAKING;
    }

    @Override
    void connected() throws IOException {
        state = State.HANDSHAKING;
        write(upgradeRequest(round.port, deflate));
    }

    @Override
    void received() throws IOException {
        if (state == State.HANDSHAKING) {
            String head = takeHead();
            if (head == null) {
                return;
            }
            if (!upgraded(head) || deflate != head.contains("permessage-deflate")) {
                fail("bad upgrade answer: " + head.lines().findFirst().orElse(""));
                return;
            }
            state = State.OPEN;
            round.tally.opened(System.nanoTime() - startNanos);
            round.handshakeOver();
            round.tally.wellBehavedOpened++;
            if (deflate) {
                round.tally.deflateConnections++;
            }
        }
        in.flip();
        Frame f;
        while (!finished && (f = Frame.parse(in)) != null) {
            frame(f);
            in.position(f.end());
        }
        if (finished) {
            return;
        }
        int need = Frame.needed(in);
        compactInput();
        grow(need);
    }

    private void frame(Frame f) throws IOException {
        if (f.masked()) {
            fail("masked server frame");
            return;
        }
        switch (f.opcode()) {
            case Messages.PING -> {
                byte[] p = new byte[f.length()];
                in.get(f.payloadFrom(), p);
                ByteBuffer pong = ByteBuffer.allocate(p.length + 6);
                Messages.frame(pong, 0x80 | Messages.PONG, p, 0, p.length, 0x01020304);
                write(pong.flip());
            }
            case Messages.PONG -> {
                long seq = f.length() == 8 ? in.getLong(f.payloadFrom()) : -1;
                round.tally.pongsReceived++;
                if (seq <= lastPong || seq > pingsSent) {
                    round.tally.badPongs++;
                    round.tally.fail("connection " + id + ": pong " + seq + " after " + lastPong + ", "
                            + pingsSent + " pings sent");
                } else {
                    lastPong = seq;
                }
                maybeClose();
            }
            case Messages.CLOSE -> {
                int code = f.closeCode(in);
                if (state == State.CLOSING && code == 1000) {
                    closeReceived = true;
                } else {
                    round.tally.unexpectedCloses++;
                    fail("unexpected Close " + code + " in state " + state);
                }
            }
            case Messages.TEXT, Messages.BINARY, 0 -> fragment(f);
            default -> fail("unknown opcode " + f.opcode());
        }
    }

    private void fragment(Frame f) throws IOException {
        boolean first = f.opcode() != 0;
        if (first == (messageFirstByte >= 0)) {
            fail(first ? "new message inside a fragmented one" : "continuation without a message");
            return;
        }
        if (first) {
            messageFirstByte = f.firstByte();
            messageLength = 0;
        }
        if (message.length < messageLength + f.length()) {
            message = Arrays.copyOf(message, Math.max(messageLength + f.length(), 2 * message.length));
        }
        in.get(f.payloadFrom(), message, messageLength, f.length());
        messageLength += f.length();
        if (f.fin()) {
            int firstByte = messageFirstByte;
            messageFirstByte = -1;
            echo(firstByte & 0x0F, (firstByte & 0x40) != 0);
            if (message.length > (64 << 10)) {
                message = new byte[0];
            }
        }
    }

    /** A whole message came back: it must be message number {@code expected}, as sent. */
    private void echo(int opcode, boolean compressed) throws IOException {
        byte[] payload = message;
        int length = messageLength;
        if (compressed) {
            try {
                payload = round.messages.inflate(message, messageLength);
                length = round.messages.inflatedLength();
            } catch (DataFormatException e) {
                round.tally.corrupted++;
                fail("bad deflate data: " + e.getMessage());
                return;
            }
        }
        if (expected >= nextSeq) {
            round.tally.duplicated++;
            fail("connection " + id + ": echo beyond what was sent (" + expected + " of " + nextSeq + ")");
            return;
        }
        Messages.Message m = round.messages.message(id, expected);
        if (m.opcode() == opcode && Arrays.equals(m.payload(), 0, m.payload().length, payload, 0, length)) {
            expected++;
            round.tally.messagesEchoed++;
            maybeClose();
            return;
        }
        long seq = Messages.sequenceOf(opcode, payload, length);
        if (seq >= 0 && seq < expected) {
            round.tally.duplicated++;
            fail("connection " + id + ": message " + seq + " again, expected " + expected);
        } else if (seq > expected && seq < nextSeq) {
            round.tally.reordered++;
            fail("connection " + id + ": message " + seq + " before " + expected);
            expected = seq + 1;
        } else {
            round.tally.corrupted++;
            fail("connection " + id + ": message " + expected + " corrupted (opcode " + opcode + ", " + length
                    + " bytes)");
            expected++;
        }
    }

    /** The scheduler's turn: send the next message or Ping; false if this connection is too far behind. */
    boolean sendNext(ByteBuffer scratch) throws IOException {
        if (state != State.OPEN) {
            return false;
        }
        if (nextSeq - expected >= MAX_IN_FLIGHT || pendingBytes() > MAX_PENDING_BYTES) {
            round.tally.skippedBusy++;
            return false;
        }
        long h = round.messages.hash(id, step);
        scratch.clear();
        if (round.messages.pingStep(id, step++)) {
            byte[] p = ByteBuffer.allocate(8).putLong(++pingsSent).array();
            Messages.frame(scratch, 0x80 | Messages.PING, p, 0, 8, (int) h);
            round.tally.pingsSent++;
        } else {
            Messages.Message m = round.messages.message(id, nextSeq);
            if (scratch.capacity() < Messages.maxFrameBytes(m)) {
                throw new IllegalStateException("scratch buffer too small for " + m.payload().length);
            }
            round.messages.encode(scratch, m, deflate, h, pingsSent + 1);
            if (m.pingInside()) {
                pingsSent++;
                round.tally.pingsSent++;
            }
            nextSeq++;
            round.tally.messagesSent++;
        }
        round.tally.bytesSent += scratch.position();
        write(scratch.flip());
        return true;
    }

    /** Sends nothing new from now on; closes once every echo and Pong is in. */
    void drain() throws IOException {
        if (state == State.OPEN) {
            state = State.DRAINING;
            maybeClose();
        }
    }

    private void maybeClose() throws IOException {
        if (state == State.DRAINING && expected == nextSeq && lastPong == pingsSent) {
            state = State.CLOSING;
            ByteBuffer close = ByteBuffer.allocate(16);
            Messages.frame(close, 0x80 | Messages.CLOSE, new byte[] {0x03, (byte) 0xE8}, 0, 2, 0x0A0B0C0D);
            write(close.flip());
        }
    }

    @Override
    void ended() {
        if (state == State.CLOSING && closeReceived) {
            state = State.DONE;
            round.tally.wellBehavedClosedCleanly++;
            closeChannel();
        } else {
            fail("connection " + id + ": server closed TCP in state " + state);
        }
    }

    @Override
    void failed(IOException e) {
        round.tally.connectionFailures++;
        fail("connection " + id + ": " + e);
    }

    /** Gives up: counts what is still outstanding as lost. */
    void abandon(String why) {
        if (state != State.DONE) {
            round.tally.lost += nextSeq - expected;
            fail("connection " + id + ": " + why + " in state " + state + ", " + (nextSeq - expected)
                    + " echoes and " + (pingsSent - lastPong) + " pongs missing");
            done();
        }
    }

    private void done() {
        if (isHandshaking()) {
            round.handshakeOver();
        }
        state = State.DONE;
        closeChannel();
    }

    private void fail(String what) {
        if (state == State.DONE) {
            return;
        }
        round.tally.lost += nextSeq - expected;
        round.tally.fail(what);
        done();
    }
}
