package io.pado.protocol.extension;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Deflaters and Inflaters lent to connections for one message at a time, so that a connection without context
 * takeover holds no native zlib memory between messages. Thread-safe: loops on several threads share it. At most
 * {@code maxIdle} of each kind are kept; the rest are ended when returned.
 */
public final class CodecPool {
    private final int level;
    private final int maxIdle;
    private final ConcurrentLinkedQueue<Deflater> deflaters = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Inflater> inflaters = new ConcurrentLinkedQueue<>();
    /** Output buffers for inflating, lent with the inflaters so that a message does not allocate one. */
    private final ConcurrentLinkedQueue<ByteBuffer> chunks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleChunks = new AtomicInteger();
    /** Idle counts, kept beside the queues because their size() walks the whole queue. */
    private final AtomicInteger idleDeflaters = new AtomicInteger();
    private final AtomicInteger idleInflaters = new AtomicInteger();

    public CodecPool(int level, int maxIdle) {
        this.level = level;
        this.maxIdle = maxIdle;
    }

    /** A deflater in its initial state (raw deflate, as RFC 7692 §7.2.1 requires). */
    public Deflater borrowDeflater() {
        Deflater deflater = deflaters.poll();
        if (deflater == null) {
            return new Deflater(level, true);
        }
        idleDeflaters.decrementAndGet();
        return deflater;
    }

    public Inflater borrowInflater() {
        Inflater inflater = inflaters.poll();
        if (inflater == null) {
            return new Inflater(true);
        }
        idleInflaters.decrementAndGet();
        return inflater;
    }

    public void giveBack(Deflater deflater) {
        deflater.reset();
        if (idleDeflaters.incrementAndGet() <= maxIdle) {
            deflaters.add(deflater);
        } else {
            idleDeflaters.decrementAndGet();
            deflater.end();
        }
    }

    public void giveBack(Inflater inflater) {
        inflater.reset();
        if (idleInflaters.incrementAndGet() <= maxIdle) {
            inflaters.add(inflater);
        } else {
            idleInflaters.decrementAndGet();
            inflater.end();
        }
    }

    /** A heap buffer of {@code bytes} (all lent buffers have the same size) to inflate into. */
    public ByteBuffer borrowChunk(int bytes) {
        ByteBuffer chunk = chunks.poll();
        if (chunk == null) {
            return ByteBuffer.allocate(bytes);
        }
        idleChunks.decrementAndGet();
        return chunk.clear();
    }

    public void giveBack(ByteBuffer chunk) {
        if (idleChunks.incrementAndGet() <= maxIdle) {
            chunks.add(chunk);
        } else {
            idleChunks.decrementAndGet();
        }
    }

    /** Codecs waiting in the pool, both kinds. */
    public int idle() {
        return idleDeflaters.get() + idleInflaters.get();
    }
}
