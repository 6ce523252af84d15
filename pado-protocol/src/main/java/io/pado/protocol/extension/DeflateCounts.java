package io.pado.protocol.extension;

import java.util.concurrent.atomic.LongAdder;

/**
 * What permessage-deflate did for every connection of one server or client: the bytes that went into and came out of
 * its deflaters and inflaters, from which a compression ratio follows. Thread-safe: the connections' loops add, any
 * thread reads.
 */
public final class DeflateCounts {
    private final LongAdder deflateInput = new LongAdder();
    private final LongAdder deflateOutput = new LongAdder();
    private final LongAdder inflateInput = new LongAdder();
    private final LongAdder inflateOutput = new LongAdder();

    /** A message of {@code inputBytes} was compressed to {@code outputBytes}. */
    public void deflated(long inputBytes, long outputBytes) {
        deflateInput.add(inputBytes);
        deflateOutput.add(outputBytes);
    }

    /** {@code inputBytes} of compressed payload were inflated to {@code outputBytes}. */
    void inflated(long inputBytes, long outputBytes) {
        inflateInput.add(inputBytes);
        inflateOutput.add(outputBytes);
    }

    public long deflateInputBytes() {
        return deflateInput.sum();
    }

    public long deflateOutputBytes() {
        return deflateOutput.sum();
    }

    public long inflateInputBytes() {
        return inflateInput.sum();
    }

    public long inflateOutputBytes() {
        return inflateOutput.sum();
    }
}
