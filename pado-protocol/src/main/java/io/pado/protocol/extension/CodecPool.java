package io.pado.protocol.extension;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Deflaters and Inflaters lent to connections for one message at a time, so that a connection without context
 * takeover holds no native zlib memory between messages. Thread-safe: loops on several threads share it. At most
 * {@code maxIdle} of each kind are kept; the rest are ended when returned. The queues are arrays, so that lending and
 * taking back, a few times per message, allocate nothing.
 */
public final class CodecPool {
    private final int level;
    private final ArrayBlockingQueue<Deflater> deflaters;
    private final ArrayBlockingQueue<Inflater> inflaters;
    /** Output buffers for inflating, lent with the inflaters so that a message does not allocate one. */
    private final ArrayBlockingQueue<ByteBuffer> chunks;

    public CodecPool(int level, int maxIdle) {
        this.level = level;
        this.deflaters = new ArrayBlockingQueue<>(maxIdle);
        this.inflaters = new ArrayBlockingQueue<>(maxIdle);
        this.chunks = new ArrayBlockingQueue<>(maxIdle);
    }

    /** A deflater in its initial state (raw deflate, as RFC 7692 §7.2.1 requires). */
    public Deflater borrowDeflater() {
        Deflater deflater = deflaters.poll();
        return deflater != null ? deflater : new Deflater(level, true);
    }

    public Inflater borrowInflater() {
        Inflater inflater = inflaters.poll();
        return inflater != null ? inflater : new Inflater(true);
    }

    public void giveBack(Deflater deflater) {
        deflater.reset();
        if (!deflaters.offer(deflater)) {
            deflater.end();
        }
    }

    public void giveBack(Inflater inflater) {
        inflater.reset();
        if (!inflaters.offer(inflater)) {
            inflater.end();
        }
    }

    /** A heap buffer of {@code bytes} (all lent buffers have the same size) to inflate into. */
    public ByteBuffer borrowChunk(int bytes) {
        ByteBuffer chunk = chunks.poll();
        return chunk != null ? chunk.clear() : ByteBuffer.allocate(bytes);
    }

    public void giveBack(ByteBuffer chunk) {
        chunks.offer(chunk); // a chunk the pool has no room for is left to the garbage collector
    }

    /** Codecs waiting in the pool, both kinds. */
    public int idle() {
        return deflaters.size() + inflaters.size();
    }
}
