package io.pado.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Plain TCP: application bytes are the socket's bytes. Loop thread only. */
public final class PlainTransport implements Transport {
    private final SocketChannel channel;

    public PlainTransport(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return length == 0 ? 0 : channel.write(srcs, offset, length);
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
