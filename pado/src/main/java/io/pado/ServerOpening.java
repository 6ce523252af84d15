package io.pado;

import io.pado.protocol.Event;
import io.pado.protocol.PerMessageDeflate;
import io.pado.protocol.Persistence;
import io.pado.protocol.ServerHandshake;
import io.pado.protocol.UpgradeRequest;
import io.pado.runtime.Admission;
import io.pado.runtime.Counters;
import io.pado.runtime.Link;
import io.pado.runtime.LinkListener;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;

/**
 * The server's side of a new connection until it is a WebSocket: plain HTTP requests go to the application's
 * {@link HttpHandler}, one after another on the same connection; an upgrade request is checked against the handshake
 * rate, the endpoints, their origin and subprotocol rules and their {@link Endpoint.UpgradeCheck}, then accepted
 * (RFC 6455 §4.2.2) or refused with an HTTP status. One per connection; its calls come from the link's loop, and
 * the application's code runs where handlers run.
 */
final class ServerOpening implements LinkListener {
    private static final System.Logger LOG = System.getLogger(ServerOpening.class.getName());

    private final ServerOptions options;
    private final Routes routes;
    private final Admission admission;
    private final Optional<PerMessageDeflate> compression;
    private final Sessions sessions;
    /** The server's own counters: refusals before a request reached an endpoint. */
    private final Counters serverCounters;
    /** Whether connections use TLS (wss), which makes 443 the default port of the Host header. */
    private final boolean secure;
    /** Plain requests answered on this connection (loop thread). */
    private int requests;

    ServerOpening(ServerOptions options, Routes routes, Admission admission, Optional<PerMessageDeflate> compression,
            Sessions sessions, Counters serverCounters, boolean secure) {
        this.serverCounters = serverCounters;
        this.options = options;
        this.routes = routes;
        this.admission = admission;
        this.compression = compression;
        this.sessions = sessions;
        this.secure = secure;
    }

    @Override
    public void onEvent(Link link, Event event) {
        switch (event) {
            case Event.Request r -> answer(link, r);
            case Event.Upgrade u -> upgrade(link, u.request());
            case Event.Refused r -> refused(link, r.cause());
            case Event.Opened o -> throw unexpected(o);
            case Event.Text t -> throw unexpected(t);
            case Event.Binary b -> throw unexpected(b);
            case Event.TextPart t -> throw unexpected(t);
            case Event.BinaryPart b -> throw unexpected(b);
            case Event.Ping p -> throw unexpected(p);
            case Event.Pong p -> throw unexpected(p);
            case Event.Closed c -> { } // the end of a connection that never became a WebSocket
        }
    }

    @Override
    public void onClosed(Link link) {
        // Nothing was promised to anyone before the upgrade.
    }

    private static IllegalStateException unexpected(Event event) {
        return new IllegalStateException("unexpected event before the upgrade: " + event);
    }

    /** The engine refused a request (malformed, not a valid upgrade) or failed to accept it (a 500). */
    private void refused(Link link, io.pado.protocol.HandshakeException cause) {
        serverCounters.refused(link.remoteAddress(), cause.status(), cause.getMessage());
        if (cause.getCause() != null) {
            // A pado bug behind a 500: the details go to the log, not to the peer
            LOG.log(System.Logger.Level.ERROR, "WebSocket upgrade failed on " + link, cause.getCause());
        } else {
            LOG.log(System.Logger.Level.DEBUG, "request refused with {0} on {1}: {2}", cause.status(), link,
                    cause.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------- plain HTTP

    /** A plain HTTP request: the application answers, where handlers run; the connection stays for the next one. */
    private void answer(Link link, Event.Request event) {
        var head = event.head();
        ByteBuffer b = event.body();
        byte[] body = new byte[b.remaining()];
        b.get(b.position(), body);
        var request = new HttpRequest(head.method(), head.target(), Headers.wrap(head.headers()), body);
        HttpHandler http = routes.http();
        requests++;
        Persistence persistence = options.httpKeepAlive().isZero()
                || requests >= options.maxRequestsPerConnection()
                ? Persistence.CLOSE : Persistence.KEEP_ALIVE;
        Runnable call = () -> {
            HttpResponse response;
            try {
                response = http.handle(request);
                if (response == null) {
                    throw new NullPointerException("HttpHandler returned null");
                }
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.ERROR, "HTTP handler failed on " + head.method() + " " + head.path(), e);
                response = HttpResponse.text(500, "Internal Server Error\n");
            }
            HttpResponse r = response;
            link.loop().execute(() -> respond(link, r, persistence));
        };
        sessions.runAsHandler(call);
    }

    private static void respond(Link link, HttpResponse response, Persistence persistence) {
        try {
            link.respond(response.status(), response.headers().fields(), response.body(), persistence);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "HTTP handler's response cannot be sent", e);
            link.respond(500, io.pado.protocol.Headers.of(), "Internal Server Error\n".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII), Persistence.CLOSE);
        }
    }

    // ---------------------------------------------------------------------------------------------- upgrade

    private void upgrade(Link link, UpgradeRequest request) {
        long waitNanos = admission.takeHandshake();
        if (waitNanos > 0) {
            // RFC 9110 §15.6.4: overloaded for now; Retry-After (§10.2.3) says when to come back, in whole seconds
            long seconds = Math.max(1, (waitNanos + 999_999_999) / 1_000_000_000);
            reject(link, serverCounters, new io.pado.protocol.HandshakeException(503,
                    "too many WebSocket handshakes, retry later",
                    io.pado.protocol.Headers.of("Retry-After", Long.toString(seconds))));
            return;
        }
        Map.Entry<Endpoint, Map<String, String>> route = routes.route(request.path());
        if (route == null) {
            refuse(link, serverCounters, 404, "no WebSocket endpoint at " + request.path());
            return;
        }
        Endpoint endpoint = route.getKey();
        Counters counters = routes.counters(endpoint);
        String host = request.host();
        if (host.indexOf(':', host.lastIndexOf(']') + 1) < 0) {
            host += secure ? ":443" : ":80";
        }
        if (!endpoint.allowsOrigin(request.origin(), host)) {
            // RFC 6455 §4.2.2 and §10.2: a server that checks origins answers a refused one with 403
            refuse(link, counters, 403, "origin not allowed");
            return;
        }
        Optional<String> subprotocol = ServerHandshake.chooseSubprotocol(endpoint.subprotocols(),
                request.subprotocols());
        if (subprotocol.isEmpty() && endpoint.subprotocolRule() == Endpoint.SubprotocolRule.REQUIRED) {
            refuse(link, counters, 400, "no supported subprotocol: offer one of "
                    + String.join(", ", endpoint.subprotocols()));
            return;
        }
        if (endpoint.upgradeCheck().isEmpty()) {
            open(link, request, endpoint, counters, subprotocol, Headers.of(), null);
            return;
        }
        var upgrade = new Upgrade(request.path(), request.query(), Headers.wrap(request.head().headers()),
                request.origin(), request.subprotocols(), link.remoteAddress(), route.getValue(), subprotocol);
        Runnable call = () -> {
            io.pado.protocol.HandshakeException refusal = check(endpoint, upgrade);
            link.loop().execute(() -> {
                if (refusal != null) {
                    reject(link, counters, refusal);
                } else {
                    open(link, request, endpoint, counters, upgrade.subprotocol(), upgrade.responseHeaders(),
                            upgrade.attachment());
                }
            });
        };
        sessions.runAsHandler(call);
    }

    /** Runs the endpoint's check; the refusal it makes, or null to go on. */
    private static io.pado.protocol.HandshakeException check(Endpoint endpoint, Upgrade upgrade) {
        try {
            endpoint.upgradeCheck().orElseThrow().check(upgrade);
            return null;
        } catch (HandshakeException e) {
            int status = e.status() >= 300 ? e.status() : 403;
            return new io.pado.protocol.HandshakeException(status, e.getMessage(), e.headers().fields());
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.ERROR, "upgrade check of " + endpoint.path() + " failed", e);
            return new io.pado.protocol.HandshakeException(500, "internal error");
        }
    }

    private static void refuse(Link link, Counters counters, int status, String message) {
        LOG.log(System.Logger.Level.DEBUG, "handshake refused with {0} on {1}: {2}", status, link, message);
        reject(link, counters, new io.pado.protocol.HandshakeException(status, message));
    }

    /** Refuses the upgrade with {@code refusal}, counted in the endpoint's counters, or the server's before routing. */
    private static void reject(Link link, Counters counters, io.pado.protocol.HandshakeException refusal) {
        counters.refused(link.remoteAddress(), refusal.status(), refusal.getMessage());
        link.reject(refusal);
    }

    /** Accepts the upgrade and opens the WebSocket: from now on its events go to the endpoint's handler. */
    private void open(Link link, UpgradeRequest request, Endpoint endpoint, Counters counters,
            Optional<String> subprotocol, Headers responseHeaders, Object attachment) {
        if (!link.accept(subprotocol, compression, responseHeaders.fields())) {
            return; // refused after all (an extension that failed), or closed meanwhile
        }
        SlowConsumerPolicy policy = endpoint.slowConsumerPolicy().orElse(options.connection().slowConsumerPolicy());
        // The endpoint's path equals the request's, or is its template: one string for all of its connections
        String path = endpoint.isTemplate() ? request.path() : endpoint.path();
        sessions.open(link, endpoint.handler(), policy, path, request.head().headers(), subprotocol, attachment,
                counters);
    }
}
