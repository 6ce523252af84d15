package io.pado.chat;

import io.pado.cluster.Gap;
import io.pado.cluster.MessageFormat;
import io.pado.cluster.TopicMessage;

/**
 * How a room's messages look to members of each subprotocol, as pado-cluster renders them: once per format per
 * node, the same frame for every member of that format. A topic message's data is the chat message without its
 * seq ({@link Wire#data}); its offset is the seq. Thread-safe (stateless).
 */
final class ChatFormats {
    private ChatFormats() {
    }

    static final MessageFormat SUPERCHAT = new MessageFormat() {
        @Override
        public String message(TopicMessage m) {
            return Wire.text(Wire.message(Wire.chatMessage(m)));
        }

        @Override
        public String gap(Gap gap) {
            return Wire.gap(gap);
        }
    };

    static final MessageFormat CHAT = new MessageFormat() {
        @Override
        public String message(TopicMessage m) {
            return Wire.line(Wire.chatMessage(m));
        }

        @Override
        public String gap(Gap gap) {
            return "* missed messages in #" + gap.topic() + " cannot be recovered (" + gap.reason() + ")";
        }
    };

    static MessageFormat of(Peer.Protocol protocol) {
        return protocol == Peer.Protocol.SUPERCHAT ? SUPERCHAT : CHAT;
    }
}
