package io.pado.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * A socket in memory, for the transport and outbox tests: reads give what the test delivered, a chunk per read;
 * writes take what is offered up to a budget in all and a number of bytes per call, or fail once it is broken.
 * One thread only.
 */
final class MemorySocket implements Transport {
    private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private long acceptBytes = Long.MAX_VALUE;
    private long perWrite = Long.MAX_VALUE;
    private boolean broken;
    /** Whether the last read gave a chunk: the next gives 0 ("nothing more now"), as a socket read would. */
    private boolean gaveOne;

    void deliver(byte[] bytes) {
        chunks.add(ByteBuffer.wrap(bytes));
    }

    /** Whether every delivered chunk was read. */
    boolean delivered() {
        return chunks.isEmpty();
    }

    /** From now on the writes take {@code n} bytes in all, then none (a full socket). */
    void acceptBytes(long n) {
        acceptBytes = n;
    }

    /** From now on each write takes at most {@code n} bytes. */
    void perWrite(long n) {
        perWrite = n;
    }

    /** From now on every write fails, as on a socket the peer reset. */
    void breakIt() {
        broken = true;
    }

    byte[] takeWritten() {
        byte[] b = written.toByteArray();
        written.reset();
        return b;
    }

    /** How many bytes were written and not yet taken. */
    int writtenSize() {
        return written.size();
    }

    @Override
    public int read(ByteBuffer dst) {
        ByteBuffer chunk = chunks.peek();
        if (chunk == null || gaveOne) {
            gaveOne = false;
            return 0;
        }
        int n = Math.min(chunk.remaining(), dst.remaining());
        dst.put(dst.position(), chunk, chunk.position(), n).position(dst.position() + n);
        chunk.position(chunk.position() + n);
        if (!chunk.hasRemaining()) {
            chunks.poll();
        }
        gaveOne = true;
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (broken) {
            throw new ClosedChannelException();
        }
        long total = 0;
        long budget = Math.min(acceptBytes, perWrite);
        for (int i = offset; i < offset + length && total < budget; i++) {
            int n = (int) Math.min(srcs[i].remaining(), budget - total);
            byte[] b = new byte[n];
            srcs[i].get(b);
            written.write(b, 0, n);
            total += n;
        }
        acceptBytes -= total;
        return total;
    }

    @Override
    public boolean wantsWritable(boolean appQueued) {
        return appQueued;
    }

    @Override
    public boolean flushAfterRead(boolean appQueued) {
        return false;
    }

    @Override
    public boolean hasBufferedInput() {
        return false;
    }

    @Override
    public boolean finishOutput() {
        return true;
    }
}
