package io.pado.runtime;

import io.pado.Dispatch;
import io.pado.Endpoint;
import io.pado.HttpHandler;
import io.pado.HttpRequest;
import io.pado.HttpResponse;
import io.pado.protocol.Connection;
import io.pado.protocol.HandshakeException;
import io.pado.protocol.Extension;
import io.pado.protocol.ExtensionFactory;
import io.pado.protocol.ExtensionOffer;
import io.pado.protocol.Headers;
import io.pado.protocol.RequestHead;
import io.pado.protocol.RequestParser;
import io.pado.protocol.ServerHandshake;
import io.pado.protocol.UpgradeRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server's side of a new connection: reads the request head, then either upgrades it to a WebSocket at one of
 * the endpoints (RFC 6455 §4.2), refuses it with an HTTP error, or answers it with the application's
 * {@link HttpHandler}. Loop thread only, except the HTTP handler, which runs where handlers run.
 */
final class ServerOpening implements Opening {
    private static final System.Logger LOG = System.getLogger(ServerOpening.class.getName());

    private final ServerCore server;
    private final RequestParser parser;
    /** The head has been read: ignore whatever else arrives. */
    private boolean headRead;

    ServerOpening(ServerCore server, int maxHeadBytes) {
        this.server = server;
        this.parser = new RequestParser(maxHeadBytes);
    }

    @Override
    public void received(Link link, ByteBuffer data) {
        if (headRead) {
            data.position(data.limit());
            return;
        }
        RequestHead head;
        try {
            head = parser.parse(data);
        } catch (HandshakeException e) {
            headRead = true;
            refuse(link, e);
            return;
        }
        if (head == null) {
            return;
        }
        headRead = true;
        link.handshakeDone();
        if (!ServerHandshake.isUpgrade(head)) {
            answer(link, head);
            return;
        }
        try {
            upgrade(link, head, data);
        } catch (HandshakeException e) {
            refuse(link, e);
        }
    }

    private void upgrade(Link link, RequestHead head, ByteBuffer rest) throws HandshakeException {
        long waitNanos = server.admission().takeHandshake();
        if (waitNanos > 0) {
            // RFC 9110 §15.6.4: overloaded for now; Retry-After (§10.2.3) says when to come back, in whole seconds
            long seconds = Math.max(1, (waitNanos + 999_999_999) / 1_000_000_000);
            throw new HandshakeException(503, "too many WebSocket handshakes, retry later",
                    Headers.of("Retry-After", Long.toString(seconds)));
        }
        Endpoint endpoint = server.endpoint(head.path());
        if (endpoint == null) {
            throw HandshakeException.notFound("no WebSocket endpoint at " + head.path());
        }
        UpgradeRequest request = ServerHandshake.validate(head);
        String host = request.host();
        if (host.indexOf(':', host.lastIndexOf(']') + 1) < 0) {
            host += server.secure() ? ":443" : ":80";
        }
        if (!endpoint.allowsOrigin(request.origin(), host)) {
            // RFC 6455 §4.2.2 and §10.2: a server that checks origins answers a refused one with 403
            throw HandshakeException.forbidden("origin not allowed");
        }
        Optional<String> subprotocol = ServerHandshake.chooseSubprotocol(endpoint.subprotocols(),
                request.subprotocols());
        if (subprotocol.isEmpty() && endpoint.subprotocolRule() == Endpoint.SubprotocolRule.REQUIRED) {
            throw HandshakeException.badRequest("no supported subprotocol: offer one of "
                    + String.join(", ", endpoint.subprotocols()));
        }
        List<ExtensionFactory.Accepted> accepted = List.of();
        List<ExtensionOffer> responses = new ArrayList<>(1);
        List<Extension> negotiated = new ArrayList<>(1);
        ByteBuffer response;
        try {
            accepted = ServerHandshake.negotiateExtensions(server.extensions(), request.extensions());
            for (ExtensionFactory.Accepted a : accepted) {
                responses.add(a.response());
                negotiated.add(a.extension());
            }
            response = ServerHandshake.accept(request, subprotocol, responses, Headers.of());
        } catch (RuntimeException e) {
            // An extension factory (application code) or a pado bug: the details go to the log, not to the peer
            LOG.log(System.Logger.Level.ERROR, "WebSocket upgrade failed on " + link + " " + head.path(), e);
            accepted.forEach(a -> a.extension().close());
            throw new HandshakeException(500, "internal error");
        }
        List<Extension> extensions = List.copyOf(negotiated);
        link.write(response);
        Connection engine = Connection.server(link.config.settings(), extensions, System::nanoTime);
        // The endpoint's path equals the request's and is one string for all of its connections
        Session session = new Session(link, endpoint.handler(), server.virtualThreads(), server, endpoint.path(),
                head.headers(), subprotocol, extensions,
                endpoint.slowConsumerPolicy().orElse(server.slowConsumerPolicy()));
        LOG.log(System.Logger.Level.DEBUG, "WebSocket open: {0} {1}", link, head.path());
        link.open(engine, session, rest);
    }

    private void refuse(Link link, HandshakeException e) {
        LOG.log(System.Logger.Level.DEBUG, "handshake refused with {0} on {1}: {2}", e.status(), link,
                e.getMessage());
        link.write(ServerHandshake.reject(e));
        link.closeAfterFlush();
    }

    /** A plain HTTP request: the application answers, then the connection closes. */
    private void answer(Link link, RequestHead head) {
        HttpHandler http = server.http();
        boolean withBody = !head.method().equals("HEAD");
        Runnable call = () -> {
            HttpResponse response;
            try {
                response = http.handle(new HttpRequest(head.method(), head.target(),
                        io.pado.Headers.of(head.headers().fields()), new byte[0]));
                if (response == null) {
                    throw new NullPointerException("HttpHandler returned null");
                }
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.ERROR, "HTTP handler failed on " + head.method() + " " + head.path(), e);
                response = HttpResponse.text(500, "Internal Server Error\n");
            }
            ByteBuffer bytes = HttpWriter.render(response, withBody);
            link.loop.execute(() -> {
                if (!link.isClosed()) {
                    link.write(bytes);
                    link.closeAfterFlush();
                }
            });
        };
        if (link.config.dispatch() == Dispatch.EVENT_LOOP) {
            call.run();
        } else {
            server.virtualThreads().newThread(call).start();
        }
    }

    @Override
    public void timedOut(Link link) {
        link.abort(null);
    }

    @Override
    public void ended(Link link, Throwable cause) {
        // Nothing was promised to anyone before the upgrade.
    }
}
