package io.pado.jakarta;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.ClientTls;
import io.pado.Compression;
import io.pado.Headers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;

/**
 * The pado {@link Client}s of a client container. A pado client's options (subprotocols, headers, origin, TLS) are
 * the same for all its connections, while each Jakarta connection may ask for its own; so connections that ask for
 * the same share one client, and a client is closed when its last connection has ended. Thread-safe.
 */
final class ClientPool {

    /**
     * What a connection asks for in its handshake, beyond the container's options.
     *
     * @param subprotocols offered, best first
     * @param headers      extra request header fields, in order
     * @param origin       the {@code Origin} to send, if any
     * @param compress     whether to offer permessage-deflate
     * @param sslContext   the TLS context for {@code wss}, or null for the container's
     */
    record Key(List<String> subprotocols, List<Map.Entry<String, String>> headers, Optional<String> origin,
            boolean compress, SSLContext sslContext) {
        Key {
            subprotocols = List.copyOf(subprotocols);
            headers = List.copyOf(headers);
        }
    }

    private final ClientOptions base;
    private final ReentrantLock lock = new ReentrantLock();
    /** Under {@link #lock}. */
    private final Map<Key, Pooled> clients = new HashMap<>();
    /** Under {@link #lock}. */
    private boolean closed;

    private static final class Pooled {
        final Client client;
        int connections;

        Pooled(Client client) {
            this.client = client;
        }
    }

    ClientPool(ClientOptions base) {
        this.base = base;
    }

    ClientOptions base() {
        return base;
    }

    /**
     * The client for connections that ask for {@code key}, counted as one more connection: give it back with
     * {@link #release}.
     *
     * @throws IllegalStateException    if the pool is closed
     * @throws IllegalArgumentException if a header or subprotocol is not valid
     */
    Client acquire(Key key) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the container is closed");
            }
            Pooled pooled = clients.get(key);
            if (pooled == null) {
                pooled = new Pooled(Client.create(options(key)));
                clients.put(key, pooled);
            }
            pooled.connections++;
            return pooled.client;
        } finally {
            lock.unlock();
        }
    }

    /** One connection of {@code key}'s client has ended; the last one closes the client, on a thread of its own. */
    void release(Key key) {
        Client idle = null;
        lock.lock();
        try {
            Pooled pooled = clients.get(key);
            if (pooled != null && --pooled.connections == 0) {
                clients.remove(key);
                idle = pooled.client;
            }
        } finally {
            lock.unlock();
        }
        if (idle != null) {
            // Not on the caller's thread: it may be the handler thread of the connection that just ended.
            Client last = idle;
            ContainerSettings.runOnVirtualThread(last::close);
        }
    }

    /** Closes every client: their connections get 1001 (going away). */
    void close() {
        List<Pooled> all;
        lock.lock();
        try {
            closed = true;
            all = List.copyOf(clients.values());
            clients.clear();
        } finally {
            lock.unlock();
        }
        for (Pooled pooled : all) {
            pooled.client.close();
        }
    }

    private ClientOptions options(Key key) {
        ClientOptions.Builder b = base.toBuilder().subprotocols(key.subprotocols().toArray(String[]::new));
        Headers headers = base.headers();
        for (Map.Entry<String, String> field : key.headers()) {
            headers = headers.with(field.getKey(), field.getValue());
        }
        b.headers(headers);
        key.origin().ifPresent(b::origin);
        if (key.compress() && base.connection().compression().isEmpty()) {
            b.connection(c -> c.compression(Compression.DEFAULT));
        }
        if (key.sslContext() != null) {
            b.tls(ClientTls.of(key.sslContext()));
        }
        return b.build();
    }
}
