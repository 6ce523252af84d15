package io.pado.protocol;

import io.pado.protocol.extension.Extension;
import io.pado.protocol.extension.ExtensionFactory;
import io.pado.protocol.extension.ExtensionOffer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The engine's CONNECTING state (RFC 6455 §4): a server reads HTTP requests and answers them one at a time, a client
 * waits for the answer to its request. It decides nothing about states: it reads, answers and reports, and the
 * {@link Connection} opens or ends. Not thread-safe.
 */
final class Opening {
    // Server: requests are read; one waits for its answer at a time
    private final RequestReader requests;
    private RequestHead answering;
    private UpgradeRequest upgrading;
    private boolean closeAfterAnswer;
    // Client
    private final ClientHandshake handshake;
    private final ResponseParser responseParser;
    private List<Extension> negotiated = List.of();

    private Opening(RequestReader requests, ClientHandshake handshake, ResponseParser responseParser) {
        this.requests = requests;
        this.handshake = handshake;
        this.responseParser = responseParser;
    }

    static Opening server(EngineOptions options) {
        return new Opening(new RequestReader(options), null, null);
    }

    /** A client's opening, its request queued on {@code output}. */
    static Opening client(EngineOptions options, ClientHandshake handshake, Outbound output) {
        output.raw(handshake.request());
        return new Opening(null, handshake, new ResponseParser(options.maxHeadBytes()));
    }

    /**
     * Reads {@code data}: a server's next request ({@link Event.Request}, {@link Event.Upgrade}), or a client's
     * answer ({@link Event.Opened}, its extensions then in {@link #negotiated()}); null if none is complete. A server
     * that waits for an answer keeps what arrives meanwhile.
     *
     * @throws HandshakeException when the request or the answer cannot be taken
     */
    Event read(ByteBuffer data, Outbound output) throws HandshakeException {
        return requests != null ? readRequest(data, output) : readResponse(data);
    }

    private Event readRequest(ByteBuffer data, Outbound output) throws HandshakeException {
        if (answering != null) {
            closeAfterAnswer |= !requests.keep(data);
            return null;
        }
        Event request = requests.read(data, output);
        if (request instanceof Event.Request r) {
            answering = r.head();
        } else if (request instanceof Event.Upgrade u) {
            answering = u.request().head();
            upgrading = u.request();
        }
        return request;
    }

    private Event readResponse(ByteBuffer data) throws HandshakeException {
        ResponseHead head = responseParser.parse(data);
        if (head == null) {
            return null;
        }
        ClientHandshake.Result result;
        try {
            result = handshake.validate(head);
        } catch (RuntimeException e) {
            // An extension factory that failed: a pado bug, not the server's; the details go with the cause
            var failure = new HandshakeException(0, "internal error", head.headers());
            failure.initCause(e);
            throw failure;
        }
        negotiated = result.extensions();
        return new Event.Opened(result.subprotocol(), result.response());
    }

    /** A client's extensions, once the server accepted. */
    List<Extension> negotiated() {
        return negotiated;
    }

    /** Whether a server has received bytes that wait to be read, with no request waiting for an answer. */
    boolean hasWaitingInput() {
        return requests != null && answering == null && requests.hasWaitingInput();
    }

    /**
     * Accepts the upgrade request waiting for its answer: negotiates {@code extensions} and queues the 101.
     *
     * @return the extensions to open with
     * @throws HandshakeException       500 with the failure as its cause, when a factory fails
     * @throws IllegalStateException    if no upgrade request waits
     * @throws IllegalArgumentException if the subprotocol was not offered or a header cannot be sent; nothing changes
     */
    List<Extension> accept(Optional<String> subprotocol, List<ExtensionFactory> extensions, Headers extraHeaders,
            Outbound output) throws HandshakeException {
        requireUpgrade();
        List<ExtensionFactory.Accepted> accepted;
        try {
            accepted = ServerHandshake.negotiateExtensions(extensions, upgrading.extensions());
        } catch (RuntimeException e) {
            var failure = new HandshakeException(500, "internal error");
            failure.initCause(e);
            throw failure;
        }
        List<ExtensionOffer> responses = new ArrayList<>(accepted.size());
        List<Extension> made = new ArrayList<>(accepted.size());
        for (ExtensionFactory.Accepted a : accepted) {
            responses.add(a.response());
            made.add(a.extension());
        }
        try {
            output.raw(ServerHandshake.accept(upgrading, subprotocol, responses, extraHeaders));
        } catch (IllegalArgumentException e) {
            made.forEach(Extension::close);
            throw e;
        }
        return List.copyOf(made);
    }

    /** The bytes that came after the accepted upgrade request: the first frames, or null. */
    ByteBuffer takeEarlyFrames() {
        return requests.takeWaiting();
    }

    /** Refuses the upgrade request waiting for its answer. */
    void reject(HandshakeException refusal, Outbound output) {
        requireUpgrade();
        output.raw(ServerHandshake.reject(refusal));
    }

    /**
     * Answers the plain request waiting for its answer; returns whether the connection ends after it: as asked, as
     * the client asked, or because it sent more ahead of the answers than is kept.
     */
    boolean respond(int status, Headers headers, byte[] body, Persistence persistence, Outbound output) {
        if (answering == null || upgrading != null) {
            throw new IllegalStateException("no plain request waits for an answer");
        }
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("bad HTTP status: " + status);
        }
        boolean close = persistence == Persistence.CLOSE || closeAfterAnswer
                || RequestReader.clientCloses(answering);
        output.raw(RequestReader.response(answering, status, headers, body, close));
        answering = null;
        return close;
    }

    private void requireUpgrade() {
        if (upgrading == null) {
            throw new IllegalStateException("no upgrade request waits for an answer");
        }
    }
}
