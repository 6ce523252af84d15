package io.pado;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a {@link Client} reaches servers directly ({@link #NONE}, the default) or through an HTTP proxy: one you
 * name ({@link #http(String, int)}), or whichever the JVM's {@link ProxySelector} picks ({@link #SYSTEM}, which
 * reads {@code http.proxyHost}, {@code https.proxyHost}, {@code http.nonProxyHosts} and friends).
 *
 * <p>Through a proxy, the client opens a tunnel with {@code CONNECT host:port HTTP/1.1} (RFC 9110 §9.3.6), with
 * {@code Proxy-Authorization: Basic …} (RFC 7617, RFC 9110 §11.7.2) if credentials were given, and then runs TLS
 * (for {@code wss://}) and the WebSocket handshake inside it, so the proxy sees neither. The server's host name is
 * sent to the proxy unresolved. The proxy's answer counts against the handshake timeout and the maximum response
 * head size; any status but 2xx fails {@link Client#connect} with a {@link ProxyException} that carries it (407
 * when credentials are missing or wrong, 403 when the proxy forbids the target, 502 or 503 when it cannot reach it).
 * Only HTTP proxies are supported: a selector that offers only SOCKS proxies fails {@code connect}.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the password.
 *
 * {@snippet :
 * var options = ClientOptions.builder()
 *         .proxy(ClientProxy.http("proxy.internal", 3128).withBasicAuth("alice", "secret"))
 *         .build();
 * // -Dhttps.proxyHost=… -Dhttps.proxyPort=…
 * var system = ClientOptions.builder().proxy(ClientProxy.SYSTEM).build();
 * }
 */
public final class ClientProxy {
    /** No proxy: connect to the server directly. */
    public static final ClientProxy NONE = new ClientProxy(Kind.NONE, null, null, null);

    /**
     * The JVM's {@link ProxySelector#getDefault()}, asked on every connect (and every redirect) with the server's
     * URI as {@code http://host:port/} for {@code ws://} and {@code https://host:port/} for {@code wss://}. The
     * JDK's default selector reads the system properties {@code http.proxyHost}/{@code http.proxyPort},
     * {@code https.proxyHost}/{@code https.proxyPort} and {@code http.nonProxyHosts} (which by default exempts
     * {@code localhost} and {@code 127.*}), or the operating system's settings with
     * {@code -Djava.net.useSystemProxies=true}.
     */
    public static final ClientProxy SYSTEM = new ClientProxy(Kind.SYSTEM, null, null, null);

    private enum Kind { NONE, FIXED, SELECTOR, SYSTEM }

    private final Kind kind;
    private final InetSocketAddress address;
    private final ProxySelector selector;
    private final String authorization;

    private ClientProxy(Kind kind, InetSocketAddress address, ProxySelector selector, String authorization) {
        this.kind = kind;
        this.address = address;
        this.selector = selector;
        this.authorization = authorization;
    }

    /**
     * An HTTP proxy at {@code host:port}; the name is resolved when connecting, on a virtual thread.
     *
     * @throws IllegalArgumentException if {@code port} is not 1 to 65535
     */
    public static ClientProxy http(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("proxy port must be 1 to 65535: " + port);
        }
        return new ClientProxy(Kind.FIXED, InetSocketAddress.createUnresolved(host, port), null, null);
    }

    /**
     * An HTTP proxy named by a URI such as {@code http://proxy:3128} or {@code http://user:password@proxy:3128}
     * (user info percent-decoded as UTF-8 and sent as basic credentials); the port defaults to 80.
     *
     * @throws IllegalArgumentException if the scheme is not {@code http} or there is no host
     */
    public static ClientProxy http(URI uri) {
        Objects.requireNonNull(uri, "uri");
        if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).equals("http")
                || uri.getHost() == null) {
            throw new IllegalArgumentException("proxy URI must be http://host[:port]: " + uri);
        }
        ClientProxy proxy = http(uri.getHost(), uri.getPort() == -1 ? 80 : uri.getPort());
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            return proxy;
        }
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        String password = colon < 0 ? "" : userInfo.substring(colon + 1);
        return proxy.withBasicAuth(percentDecode(user), percentDecode(password));
    }

    /** RFC 3986 §2.1 percent-decoding as UTF-8; unlike form decoding, '+' stays '+'. */
    private static String percentDecode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Asks {@code selector} on every connect, as {@link #SYSTEM} asks the JVM's. */
    public static ClientProxy of(ProxySelector selector) {
        return new ClientProxy(Kind.SELECTOR, null, Objects.requireNonNull(selector, "selector"), null);
    }

    /**
     * A copy that sends {@code Proxy-Authorization: Basic …} with these credentials (UTF-8) in each {@code CONNECT}.
     * They go to the proxy only, never to the server; in clear text unless the proxy is on a trusted network.
     *
     * @throws IllegalArgumentException if this is {@link #NONE}, {@code user} holds a colon, or either holds a
     *                                  control character
     */
    public ClientProxy withBasicAuth(String user, String password) {
        if (kind == Kind.NONE) {
            throw new IllegalArgumentException("credentials for no proxy");
        }
        return new ClientProxy(kind, address, selector, HeaderValues.basic(user, password));
    }

    /**
     * The proxy to reach {@code server} through, unresolved; empty to connect directly. May block (a selector may
     * read a PAC file): call it off the event loop.
     *
     * @param server a {@code ws://} or {@code wss://} URI with a host
     * @throws IOException if the selector offers only proxies other than HTTP ones, or fails
     */
    public Optional<InetSocketAddress> select(URI server) throws IOException {
        ProxySelector chooser = switch (kind) {
            case NONE -> null;
            case FIXED -> null;
            case SELECTOR -> selector;
            case SYSTEM -> ProxySelector.getDefault();
        };
        if (kind == Kind.FIXED) {
            return Optional.of(address);
        }
        if (chooser == null) {
            return Optional.empty(); // NONE, or the JVM has no selector installed
        }
        boolean secure = server.getScheme().equalsIgnoreCase("wss");
        int port = server.getPort() != -1 ? server.getPort() : secure ? 443 : 80;
        URI asked = URI.create((secure ? "https://" : "http://") + hostForUri(server.getHost()) + ":" + port + "/");
        List<Proxy> proxies;
        try {
            proxies = chooser.select(asked);
        } catch (RuntimeException e) {
            throw new IOException("proxy selector failed for " + asked, e);
        }
        for (Proxy p : proxies) {
            if (p.type() == Proxy.Type.DIRECT) {
                return Optional.empty();
            }
            SocketAddress a = p.address();
            if (p.type() == Proxy.Type.HTTP && a instanceof InetSocketAddress inet) {
                return Optional.of(InetSocketAddress.createUnresolved(inet.getHostString(), inet.getPort()));
            }
        }
        throw new IOException("no HTTP proxy or direct route for " + asked + " (SOCKS is not supported): " + proxies);
    }

    private static String hostForUri(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** The {@code Proxy-Authorization} value sent with {@code CONNECT}, if credentials were given. */
    public Optional<String> proxyAuthorization() {
        return Optional.ofNullable(authorization);
    }

    @Override
    public String toString() {
        String auth = authorization == null ? "" : ", basic auth";
        return switch (kind) {
            case NONE -> "ClientProxy[NONE]";
            case FIXED -> "ClientProxy[http://" + address.getHostString() + ":" + address.getPort() + auth + "]";
            case SELECTOR -> "ClientProxy[" + selector + auth + "]";
            case SYSTEM -> "ClientProxy[SYSTEM" + auth + "]";
        };
    }
}
