package io.pado.protocol;

import io.pado.protocol.extension.Extension;
import io.pado.protocol.extension.ExtensionFactory;
import io.pado.protocol.extension.ExtensionOffer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Test doubles for the extension SPI: factories that record what they were asked, extensions that record close. */
final class FakeExtensions {

    private FakeExtensions() {
    }

    /** An extension that transforms nothing and remembers whether it was closed. */
    static final class Fake implements Extension {
        final String name;
        final int rsvBits;
        final ExtensionOffer element;
        boolean closed;

        Fake(String name, int rsvBits, ExtensionOffer element) {
            this.name = name;
            this.rsvBits = rsvBits;
            this.element = element;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int rsvBits() {
            return rsvBits;
        }

        @Override
        public void decode(ByteBuffer payload, boolean endOfMessage, Consumer<ByteBuffer> out) {
            out.accept(payload);
        }

        @Override
        public int maxEncodedBytes(int messageBytes) {
            return -1;
        }

        @Override
        public boolean encode(ByteBuffer message, ByteBuffer out) {
            return false;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** What a {@link Factory} does with the server-side offers it is given. */
    enum Answer { ACCEPT_FIRST, DECLINE }

    /**
     * A factory that offers {@code clientOffers}, accepts the first server-side offer (or declines), and on the
     * client side refuses a response that has a parameter called {@code refuse}.
     */
    static final class Factory implements ExtensionFactory {
        final String name;
        final int rsvBits;
        final List<ExtensionOffer> clientOffers;
        final Answer answer;
        final List<List<ExtensionOffer>> asked = new ArrayList<>();
        final List<Fake> made = new ArrayList<>();

        Factory(String name, int rsvBits, Answer answer, ExtensionOffer... clientOffers) {
            this.name = name;
            this.rsvBits = rsvBits;
            this.answer = answer;
            this.clientOffers = List.of(clientOffers);
        }

        static Factory accepting(String name, int rsvBits) {
            return new Factory(name, rsvBits, Answer.ACCEPT_FIRST, new ExtensionOffer(name, List.of()));
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<ExtensionOffer> clientOffers() {
            return clientOffers;
        }

        @Override
        public Optional<Accepted> acceptOffers(List<ExtensionOffer> offers) {
            asked.add(offers);
            if (answer == Answer.DECLINE) {
                return Optional.empty();
            }
            var extension = new Fake(name, rsvBits, offers.getFirst());
            made.add(extension);
            return Optional.of(new Accepted(offers.getFirst(), extension));
        }

        @Override
        public Extension acceptResponse(ExtensionOffer response) {
            if (response.parameter("refuse").isPresent()) {
                throw new IllegalArgumentException("refuse is not a parameter we know");
            }
            var extension = new Fake(name, rsvBits, response);
            made.add(extension);
            return extension;
        }
    }
}
