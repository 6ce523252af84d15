package io.pado;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a {@link Client} asks for in its opening handshakes, how it reaches servers, its threads, and how its
 * connections behave ({@link ConnectionOptions}). Immutable; built with {@link #builder()}, changed with
 * {@link #toBuilder()}.
 *
 * {@snippet :
 * var options = ClientOptions.builder()
 *         .subprotocols("chat.v2", "chat.v1")
 *         .bearerToken(token)
 *         .header("X-Client-Version", "2.1")
 *         .build();
 * }
 *
 * <p>The defaults: no subprotocols, extra headers or {@code Origin}; one event loop; 16 KiB response heads; the
 * JDK's trust store for {@code wss://}; up to 5 redirects; no proxy; and {@link ConnectionOptions#DEFAULT}.
 */
public final class ClientOptions {

    /** The defaults listed above. */
    public static final ClientOptions DEFAULT = builder().build();

    private final List<String> subprotocols;
    private final Headers headers;
    private final Optional<String> origin;
    private final int eventLoops;
    private final int maxResponseHeadBytes;
    private final ClientTls tls;
    private final int maxRedirects;
    private final ClientProxy proxy;
    private final ConnectionOptions connection;

    private ClientOptions(Builder b) {
        subprotocols = List.copyOf(b.subprotocols);
        headers = Objects.requireNonNull(b.headers, "headers");
        origin = Objects.requireNonNull(b.origin, "origin");
        eventLoops = OptionChecks.requireRange(b.eventLoops, 1, 1024, "eventLoops");
        maxResponseHeadBytes = OptionChecks.requireRange(b.maxResponseHeadBytes, 256, 1 << 20, "maxResponseHeadBytes");
        tls = Objects.requireNonNull(b.tls, "tls");
        maxRedirects = OptionChecks.requireRange(b.maxRedirects, 0, 20, "maxRedirects");
        proxy = Objects.requireNonNull(b.proxy, "proxy");
        connection = Objects.requireNonNull(b.connection, "connection");
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The subprotocols to offer, most preferred first (RFC 6455 §4.1); empty for none. */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /** Extra request headers, such as {@code Authorization} or {@code Cookie}. */
    public Headers headers() {
        return headers;
    }

    /** The {@code Origin} header to send, if any. */
    public Optional<String> origin() {
        return origin;
    }

    /** How many event-loop threads own the client's sockets. */
    public int eventLoops() {
        return eventLoops;
    }

    /** The largest HTTP response head accepted from a server (or a proxy). */
    public int maxResponseHeadBytes() {
        return maxResponseHeadBytes;
    }

    /** Whom {@code wss://} connections trust; host names are always verified. */
    public ClientTls tls() {
        return tls;
    }

    /** How many redirects an opening handshake follows; 0 for none. See {@link Builder#maxRedirects}. */
    public int maxRedirects() {
        return maxRedirects;
    }

    /** How connections reach servers: directly or through an HTTP proxy's {@code CONNECT} tunnel. */
    public ClientProxy proxy() {
        return proxy;
    }

    /** How each connection behaves: limits, timeouts, keep-alive, water marks, dispatch, compression. */
    public ConnectionOptions connection() {
        return connection;
    }

    @Override
    public String toString() {
        return "ClientOptions[subprotocols=" + subprotocols + ", headers=" + headers.size() + " fields, origin="
                + origin + ", eventLoops=" + eventLoops + ", maxResponseHeadBytes=" + maxResponseHeadBytes
                + ", maxRedirects=" + maxRedirects + ", proxy=" + proxy + ", connection=" + connection + "]";
    }

    /** Builds {@link ClientOptions}; not thread-safe. {@link #build()} checks the values. */
    public static final class Builder {
        private List<String> subprotocols = List.of();
        private Headers headers = Headers.of();
        private Optional<String> origin = Optional.empty();
        private int eventLoops = 1;
        private int maxResponseHeadBytes = 16 << 10;
        private ClientTls tls = ClientTls.SYSTEM;
        private int maxRedirects = 5;
        private ClientProxy proxy = ClientProxy.NONE;
        private ConnectionOptions connection = ConnectionOptions.DEFAULT;

        private Builder() {
        }

        private Builder(ClientOptions o) {
            subprotocols = o.subprotocols;
            headers = o.headers;
            origin = o.origin;
            eventLoops = o.eventLoops;
            maxResponseHeadBytes = o.maxResponseHeadBytes;
            tls = o.tls;
            maxRedirects = o.maxRedirects;
            proxy = o.proxy;
            connection = o.connection;
        }

        /** Offers these subprotocols, most preferred first. */
        public Builder subprotocols(String... subprotocols) {
            this.subprotocols = List.of(subprotocols);
            return this;
        }

        /** Sends these extra request headers, in place of those set before. */
        public Builder headers(Headers headers) {
            this.headers = headers;
            return this;
        }

        /**
         * Sends one more request header.
         *
         * @throws IllegalArgumentException if the name is not an HTTP token or the value holds a control character
         */
        public Builder header(String name, String value) {
            this.headers = headers.with(name, value);
            return this;
        }

        /** Sends this {@code Origin} header. */
        public Builder origin(String origin) {
            this.origin = Optional.of(origin);
            return this;
        }

        /** See {@link ClientOptions#eventLoops()}; default one. */
        public Builder eventLoops(int count) {
            this.eventLoops = count;
            return this;
        }

        /** See {@link ClientOptions#maxResponseHeadBytes()}; default 16 KiB. */
        public Builder maxResponseHeadBytes(int bytes) {
            this.maxResponseHeadBytes = bytes;
            return this;
        }

        /** Trusts these certificates on {@code wss://}; see {@link ClientTls}. */
        public Builder tls(ClientTls tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Follows at most {@code count} redirects in an opening handshake (default 5); 0 turns redirects off.
         *
         * <p>A 301, 302, 303, 307 or 308 answer with a {@code Location} makes the client open a new connection to
         * that URI (resolved against the current one if relative; {@code http} becomes {@code ws}, {@code https}
         * becomes {@code wss}) with a new handshake. A redirect from {@code wss} to {@code ws} is refused, since it
         * would drop TLS; so is one to any other scheme. <b>When a redirect leads to another host or port, the
         * {@code Authorization} and {@code Cookie} headers are dropped</b>, for that hop and every later one, so that
         * credentials meant for one server never reach another. A loop, or more than {@code count} redirects, fails
         * {@link Client#connect} with a {@link HandshakeException} whose status is the last 3xx and whose message
         * shows the chain of URIs. Each hop has its own handshake timeout.
         */
        public Builder maxRedirects(int count) {
            this.maxRedirects = count;
            return this;
        }

        /**
         * Reaches servers through this proxy, e.g. {@link ClientProxy#http(String, int)} or {@link ClientProxy#SYSTEM}
         * for the JVM's proxy settings; {@link ClientProxy#NONE} (the default) connects directly.
         */
        public Builder proxy(ClientProxy proxy) {
            this.proxy = proxy;
            return this;
        }

        /**
         * Sends {@code Authorization: Basic …} (RFC 7617) with these credentials, UTF-8 encoded, in place of any
         * {@code Authorization} header set before. Basic credentials are only base64-encoded: use {@code wss://}.
         * Redirects to another host do not carry them (see {@link #maxRedirects}).
         *
         * @throws IllegalArgumentException if {@code user} holds a colon, or either holds a control character
         */
        public Builder basicAuth(String user, String password) {
            return replaceHeader("Authorization", HeaderValues.basic(user, password));
        }

        /**
         * Sends {@code Authorization: Bearer token} (RFC 6750 §2.1) in place of any {@code Authorization} header set
         * before. Redirects to another host do not carry it.
         *
         * @throws IllegalArgumentException if {@code token} is not a {@code b64token}: letters, digits,
         *                                  {@code - . _ ~ + /}, then optional {@code =} padding
         */
        public Builder bearerToken(String token) {
            return replaceHeader("Authorization", HeaderValues.bearer(token));
        }

        /**
         * Sends these cookies in one {@code Cookie} header (RFC 6265 §4.2.1: {@code a=1; b=2}, in the map's iteration
         * order) in place of any {@code Cookie} header set before; an empty map sends none. pado keeps no cookie jar:
         * {@code Set-Cookie} in the server's answer is in {@link WebSocket#handshakeHeaders()} for you to read.
         * Redirects to another host do not carry cookies.
         *
         * @throws IllegalArgumentException if a name is not an HTTP token or a value holds a character that
         *                                  RFC 6265 §4.1.1 forbids (space, {@code "}, comma, semicolon, backslash,
         *                                  controls)
         */
        public Builder cookies(Map<String, String> cookies) {
            return replaceHeader("Cookie", HeaderValues.cookies(cookies));
        }

        private Builder replaceHeader(String name, String value) {
            Headers rest = headers.without(name);
            this.headers = value == null ? rest : rest.with(name, value);
            return this;
        }

        /** How each connection behaves; see {@link ConnectionOptions}. */
        public Builder connection(ConnectionOptions connection) {
            this.connection = connection;
            return this;
        }

        /** Changes some of the connection options: {@code .connection(c -> c.dispatch(Dispatch.EVENT_LOOP))}. */
        public Builder connection(Consumer<ConnectionOptions.Builder> changes) {
            this.connection = connection.toBuilder().apply(changes).build();
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException if a value is out of range
         * @throws NullPointerException     if a value is null
         */
        public ClientOptions build() {
            return new ClientOptions(this);
        }
    }
}
