package io.pado.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pado.protocol.ClientHandshake;
import io.pado.protocol.HandshakeException;
import io.pado.protocol.Headers;
import io.pado.protocol.PerMessageDeflate;
import io.pado.protocol.ResponseHead;
import io.pado.protocol.ResponseParser;
import io.pado.protocol.extension.Extension;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Coverage-guided fuzzing (Jazzer) of the client's side of the opening handshake: {@link ResponseParser} on any
 * bytes, then {@link ClientHandshake#validate} on what it reads, for a client that offered subprotocols and
 * permessage-deflate. Input: see {@link FuzzInput}; the setting picks the head limit and the client's offers.
 * Regression inputs: {@code src/test/resources/io/pado/protocol/fuzz/ResponseParserFuzzerInputs/responseHead}.
 */
class ResponseParserFuzzer {
    private static final int[] HEAD_LIMITS = {8192, 1, 32, 256};
    /** The key whose accept value the corpus uses: {@code MDEyMzQ1Njc4OWFiY2RlZg==}. */
    private static final byte[] KEY = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final List<PerMessageDeflate> DEFLATES = List.of(
            PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT),
            PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT
                    .withMemory(PerMessageDeflate.Memory.CONTEXT_TAKEOVER).withServerWindowBitsToAsk(10)));
    private static final List<String> SUBPROTOCOLS = List.of("chat", "superchat");

    @FuzzTest
    void responseHead(byte[] data) {
        FuzzInput input = FuzzInput.of(data);
        int limit = HEAD_LIMITS[input.setting() % HEAD_LIMITS.length];
        HeadOutcome whole = parse(limit, input.whole());
        assertThat(parse(limit, input.pieces())).as("cut anywhere: the same outcome").isEqualTo(whole);
        assertThat(parse(limit, input.bytes())).as("a byte at a time: the same outcome").isEqualTo(whole);
        if (whole.failed()) {
            // The server broke HTTP: status 0, never a status it did not send; and no more than the limit read.
            assertThat(whole.status()).isZero();
            assertThat(whole.consumed()).isLessThanOrEqualTo(limit + 1L);
            return;
        }
        assertThat(whole.consumed()).isLessThanOrEqualTo(limit);
        if (!whole.complete()) {
            return;
        }
        ResponseHead head;
        try {
            head = new ResponseParser(limit).parse(ByteBuffer.wrap(input.body()));
        } catch (HandshakeException e) {
            throw new AssertionError("parsed once, failed the second time", e);
        }
        assertThat(head.status()).isBetween(100, 599);
        assertThat(HeadOutcome.retainedChars(head.headers(), head.version(), head.reason())).isLessThanOrEqualTo(limit);
        validate(head, DEFLATES.get((input.setting() / HEAD_LIMITS.length) % DEFLATES.size()));
    }

    /** The client accepts only a 101 that answers what it offered; a refusal carries the status the server sent. */
    private static void validate(ResponseHead head, PerMessageDeflate deflate) {
        var client = ClientHandshake.create(URI.create("ws://h.example/chat"), SUBPROTOCOLS, Optional.of(deflate),
                Headers.of(), Optional.empty(), KEY);
        ClientHandshake.Result result;
        try {
            result = client.validate(head);
        } catch (HandshakeException e) {
            assertThat(e.status()).isEqualTo(head.status() == 101 ? 0 : head.status());
            return;
        }
        try {
            assertThat(head.status()).isEqualTo(101);
            result.subprotocol().ifPresent(p -> assertThat(p).isIn(SUBPROTOCOLS));
            assertThat(result.extensions()).hasSizeLessThanOrEqualTo(1);
            for (Extension e : result.extensions()) {
                assertThat(e.name()).isEqualTo("permessage-deflate");
            }
        } finally {
            result.extensions().forEach(Extension::close);
        }
    }

    private static HeadOutcome parse(int limit, byte[][] pieces) {
        return HeadOutcome.of(new ResponseParser(limit)::parse, h -> h.version() + " " + h.status() + " " + h.reason()
                + "\n" + HeadOutcome.fields(h.headers()), pieces);
    }
}
