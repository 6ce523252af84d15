package io.pado.examples;

import io.pado.Handler;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** docs/GUIDE.md, "Messages too large to hold": a server that writes each upload to a file as its parts arrive. */
public final class FileUpload {
    private FileUpload() {
    }

    // tag::partial-messages[]
    public static Server start(int port, Path dir) throws IOException {
        var options = ServerOptions.builder()
                .port(port)
                .connection(c -> c
                        .partialMessages(true)         // onTextPart and onBinaryPart instead of onText and onBinary
                        .maxMessageBytes(8L << 30))    // 8 GiB: more than a message held whole may be
                .build();
        return Server.create(options).endpoint("/upload", new Uploads(dir)).start();
    }

    /** One file per binary message. Shared by every connection: the open files are kept per WebSocket. */
    static final class Uploads implements Handler {
        private final Path dir;
        private final Map<WebSocket, FileChannel> open = new ConcurrentHashMap<>();
        private final AtomicLong uploads = new AtomicLong();

        Uploads(Path dir) {
            this.dir = dir;
        }

        @Override
        public void onBinaryPart(WebSocket ws, ByteBuffer part, boolean last) {
            try {
                FileChannel file = open.get(ws);
                if (file == null) {
                    file = FileChannel.open(dir.resolve("upload-" + uploads.incrementAndGet()),
                            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    open.put(ws, file);
                }
                while (part.hasRemaining()) {
                    file.write(part); // a virtual thread: blocking here holds back only this connection
                }
                if (last) {
                    long size = file.size();
                    open.remove(ws).close();
                    ws.sendText("stored " + size + " bytes");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // logged; pado closes the connection with 1011
            }
        }

        @Override
        public void onTextPart(WebSocket ws, String part, boolean last) {
            ws.close(1003, "send files as binary messages");
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            FileChannel unfinished = open.remove(ws); // closed mid-message: the file keeps what arrived
            if (unfinished != null) {
                try {
                    unfinished.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
    // end::partial-messages[]
}
