package io.pado.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pado.protocol.PerMessageDeflate;
import io.pado.protocol.ServerHandshake;
import io.pado.protocol.extension.DeflateCodec;
import io.pado.protocol.extension.Extension;
import io.pado.protocol.extension.ExtensionFactory;
import io.pado.protocol.extension.ExtensionOffer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * Coverage-guided fuzzing (Jazzer) of extension negotiation: {@code Sec-WebSocket-Extensions} values (one per line of
 * the input) read by {@link ExtensionOffer#parseHeader}, then {@link ServerHandshake#negotiateExtensions} with
 * permessage-deflate, a client accepting the answer, and messages sent both ways with what the two sides agreed.
 * Input: see {@link FuzzInput}; the setting picks the server's options.
 * Regression inputs: {@code src/test/resources/io/pado/protocol/fuzz/ExtensionNegotiationFuzzerInputs/negotiate}.
 */
class ExtensionNegotiationFuzzer {
    private static final List<PerMessageDeflate> SERVERS = List.of(
            PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT),
            PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT
                    .withMemory(PerMessageDeflate.Memory.CONTEXT_TAKEOVER)),
            PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT
                    .withMemory(PerMessageDeflate.Memory.CONTEXT_TAKEOVER).withMinWindowBits(12)),
            PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT.withMinMessageBytes(0)));
    /** A client that takes any valid answer: it keeps context unless told not to, and any window. */
    private static final PerMessageDeflate CLIENT = PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT
            .withMemory(PerMessageDeflate.Memory.CONTEXT_TAKEOVER));
    /** The pool keeps at most this many idle codecs of each kind (2 per processor), so both kinds at most twice it. */
    private static final int MAX_IDLE_CODECS = 2 * 2 * Runtime.getRuntime().availableProcessors();
    private static final int MAX_MESSAGE_BYTES = 4096;

    @FuzzTest
    void negotiate(byte[] data) {
        FuzzInput input = FuzzInput.of(data);
        String text = new String(input.body(), StandardCharsets.ISO_8859_1);
        var offers = new ArrayList<ExtensionOffer>();
        for (String value : text.split("\n", -1)) {
            List<ExtensionOffer> parsed;
            try {
                parsed = ExtensionOffer.parseHeader(value);
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).startsWith("malformed Sec-WebSocket-Extensions: ");
                return; // the server answers 400 (see RequestParserFuzzer)
            }
            assertRendersBack(parsed);
            offers.addAll(parsed);
        }
        PerMessageDeflate server = SERVERS.get(input.setting() % SERVERS.size());
        var accepted = ServerHandshake.negotiateExtensions(List.<ExtensionFactory>of(server), offers);
        assertThat(accepted).hasSizeLessThanOrEqualTo(1);
        if (accepted.isEmpty()) {
            return;
        }
        ExtensionFactory.Accepted acceptance = accepted.getFirst();
        Extension serverSide = acceptance.extension();
        Extension clientSide = null;
        try {
            ExtensionOffer response = acceptance.response();
            assertAnswers(response, offers);
            assertRendersBack(List.of(response));
            clientSide = CLIENT.acceptResponse(response); // what a server answers, a client must be able to take
            exchange(serverSide, clientSide, input);
        } finally {
            serverSide.close();
            if (clientSide != null) {
                clientSide.close();
            }
        }
        for (Extension e : new Extension[] {serverSide, clientSide}) {
            if (e instanceof DeflateCodec codec) {
                assertThat(codec.holdsNativeMemory()).as("zlib memory after close").isFalse();
            }
        }
        assertThat(server.idleCodecs()).as("idle pooled codecs").isLessThanOrEqualTo(MAX_IDLE_CODECS);
        assertThat(CLIENT.idleCodecs()).as("idle pooled codecs").isLessThanOrEqualTo(MAX_IDLE_CODECS);
    }

    /** What {@code toString} writes reads back as the same elements (so a response is sent as negotiated). */
    private static void assertRendersBack(List<ExtensionOffer> offers) {
        String rendered = String.join(", ", offers.stream().map(ExtensionOffer::toString).toList());
        assertThat(ExtensionOffer.parseHeader(rendered)).isEqualTo(offers);
    }

    /** RFC 7692 §7.1: the answer is permessage-deflate with known parameters, each once, and answers an offer. */
    private static void assertAnswers(ExtensionOffer response, List<ExtensionOffer> offers) {
        assertThat(response.name()).isEqualTo("permessage-deflate");
        var names = new HashSet<String>();
        for (ExtensionOffer.Parameter p : response.parameters()) {
            assertThat(names.add(p.name())).as("parameter once: " + p.name()).isTrue();
            switch (p.name()) {
                case "server_no_context_takeover", "client_no_context_takeover" -> assertThat(p.value()).isNull();
                case "server_max_window_bits" -> {
                    int bits = Integer.parseInt(p.value());
                    assertThat(bits).isBetween(8, 15);
                    // §7.1.2.1: the same or a smaller value than offered, if one was offered (by the accepted offer)
                    assertThat(offers.stream().anyMatch(o -> o.name().equals("permessage-deflate")
                            && windowBits(o, "server_max_window_bits").map(offered -> bits <= offered).orElse(true)))
                            .isTrue();
                }
                case "client_max_window_bits" -> {
                    // §7.1.2.2: only if the offer had client_max_window_bits
                    assertThat(offers.stream().anyMatch(o -> o.parameter("client_max_window_bits").isPresent()))
                            .isTrue();
                    assertThat(Integer.parseInt(p.value())).isBetween(8, 15);
                }
                default -> throw new AssertionError("unknown parameter in the answer: " + response);
            }
        }
    }

    private static Optional<Integer> windowBits(ExtensionOffer offer, String name) {
        return offer.parameter(name).map(ExtensionOffer.Parameter::value)
                .filter(v -> v != null && v.matches("\\d{1,2}")).map(Integer::parseInt);
    }

    /**
     * Three messages each way with the agreed settings: the input, the input again (with context takeover the second
     * refers back into the first, so both sides must agree on it) and the input reversed; each compressed message is
     * decoded in two pieces cut where the input says.
     */
    private static void exchange(Extension server, Extension client, FuzzInput input) {
        byte[] body = input.body();
        byte[] message = new byte[Math.min(MAX_MESSAGE_BYTES, Math.max(100, body.length))];
        for (int i = 0; i < message.length; i++) {
            message[i] = body.length == 0 ? (byte) i : body[i % body.length];
        }
        byte[] reversed = new byte[message.length];
        for (int i = 0; i < message.length; i++) {
            reversed[i] = message[message.length - 1 - i];
        }
        for (byte[] m : List.of(message, message, reversed)) {
            send(server, client, m, input.cutSeed());
            send(client, server, m, input.cutSeed());
        }
    }

    private static void send(Extension from, Extension to, byte[] message, int cut) {
        int max = from.maxEncodedBytes(message.length);
        if (max < 0) {
            return; // sent as it is, without RSV1
        }
        ByteBuffer original = ByteBuffer.wrap(message);
        ByteBuffer encoded = ByteBuffer.allocate(max); // encode must stay within what it said it may write
        boolean compressed = from.encode(original, encoded);
        assertThat(original.position()).as("encode does not move the message's position").isZero();
        if (!compressed) {
            assertThat(encoded.position()).as("nothing written for a message sent as it is").isZero();
            return;
        }
        encoded.flip();
        var decoded = new ByteArrayOutputStream();
        int at = encoded.position() + Math.min(encoded.remaining(), cut);
        ByteBuffer first = encoded.duplicate().limit(at);
        ByteBuffer second = encoded.duplicate().position(at);
        to.decode(first, false, b -> copy(b, decoded));
        assertThat(first.hasRemaining()).isFalse();
        to.decode(second, true, b -> copy(b, decoded));
        assertThat(decoded.toByteArray()).as("decoded as sent").isEqualTo(message);
    }

    private static void copy(ByteBuffer b, ByteArrayOutputStream out) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        out.write(bytes, 0, bytes.length);
    }
}
