package io.pado.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pado.protocol.HandshakeException;
import io.pado.protocol.Headers;
import io.pado.protocol.PerMessageDeflate;
import io.pado.protocol.RequestHead;
import io.pado.protocol.RequestParser;
import io.pado.protocol.ResponseHead;
import io.pado.protocol.ResponseParser;
import io.pado.protocol.ServerHandshake;
import io.pado.protocol.UpgradeRequest;
import io.pado.protocol.extension.ExtensionFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Coverage-guided fuzzing (Jazzer) of the server's side of the opening handshake: {@link RequestParser} on any bytes,
 * then {@link ServerHandshake#validate}, extension negotiation and {@link ServerHandshake#accept} or
 * {@link ServerHandshake#reject} on what it reads. Input: see {@link FuzzInput}; the setting picks the head limit.
 * Regression inputs: {@code src/test/resources/io/pado/protocol/fuzz/RequestParserFuzzerInputs/requestHead}.
 */
class RequestParserFuzzer {
    private static final int[] HEAD_LIMITS = {8192, 1, 16, 64, 256, 1024};
    private static final PerMessageDeflate DEFLATE = PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT);

    @FuzzTest
    void requestHead(byte[] data) throws HandshakeException {
        FuzzInput input = FuzzInput.of(data);
        int limit = HEAD_LIMITS[input.setting() % HEAD_LIMITS.length];
        HeadOutcome whole = parse(limit, input.whole());
        assertThat(parse(limit, input.pieces())).as("cut anywhere: the same outcome").isEqualTo(whole);
        assertThat(parse(limit, input.bytes())).as("a byte at a time: the same outcome").isEqualTo(whole);

        if (whole.failed()) {
            // Refused with a status the docs name; decided at the first byte over the limit, never later.
            assertThat(whole.status()).isIn(400, 431, 505);
            assertThat(whole.consumed()).isLessThanOrEqualTo(limit + 1L);
            if (whole.status() == 431) {
                assertThat(whole.consumed()).isEqualTo(limit + 1L);
            }
            assertRejectParses(new HandshakeException(whole.status(), whole.failure()));
            return;
        }
        assertThat(whole.consumed()).as("bytes read for the head").isLessThanOrEqualTo(limit);
        if (!whole.complete()) {
            return;
        }
        RequestHead head = new RequestParser(limit).parse(ByteBuffer.wrap(input.body()));
        assertThat(HeadOutcome.retainedChars(head.headers(), head.method(), head.target(), head.version()))
                .as("what the head keeps").isLessThanOrEqualTo(limit);
        if (ServerHandshake.isUpgrade(head)) {
            upgrade(head);
        }
    }

    /** The request as a WebSocket upgrade: accepted with a parseable 101, or refused with a parseable error. */
    private static void upgrade(RequestHead head) throws HandshakeException {
        UpgradeRequest request;
        try {
            request = ServerHandshake.validate(head);
        } catch (HandshakeException e) {
            assertThat(e.status()).isIn(400, 405, 426);
            assertRejectParses(e);
            return;
        }
        var accepted = ServerHandshake.negotiateExtensions(List.of(DEFLATE), request.extensions());
        try {
            Optional<String> subprotocol = ServerHandshake.chooseSubprotocol(List.of("chat", "superchat"),
                    request.subprotocols());
            ByteBuffer response = ServerHandshake.accept(request, subprotocol,
                    accepted.stream().map(ExtensionFactory.Accepted::response).toList(), Headers.of());
            ResponseHead parsed = new ResponseParser(8192).parse(response);
            assertThat(parsed).isNotNull();
            assertThat(parsed.status()).isEqualTo(101);
            assertThat(parsed.headers().all("Sec-WebSocket-Accept"))
                    .containsExactly(ServerHandshake.acceptValue(request.key()));
            assertThat(response.hasRemaining()).as("nothing after the 101 head").isFalse();
        } finally {
            accepted.forEach(a -> a.extension().close());
        }
    }

    /** An error response parses, keeps its status, and its body is one line with no internals. */
    private static void assertRejectParses(HandshakeException e) throws HandshakeException {
        ByteBuffer response = ServerHandshake.reject(e);
        ResponseHead head = new ResponseParser(8192).parse(response);
        assertThat(head).isNotNull();
        assertThat(head.status()).isEqualTo(e.status());
        String body = StandardCharsets.UTF_8.decode(response).toString();
        assertThat(body).endsWith("\n");
        assertThat(body.strip()).doesNotContain("\n", "\r", "Exception", "io.pado", "\tat ");
    }

    private static HeadOutcome parse(int limit, byte[][] pieces) {
        return HeadOutcome.of(new RequestParser(limit)::parse, h -> h.method() + " " + h.target() + " " + h.version()
                + "\n" + HeadOutcome.fields(h.headers()), pieces);
    }
}
