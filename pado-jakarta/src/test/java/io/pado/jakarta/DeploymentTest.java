package io.pado.jakarta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pado.ServerOptions;
import io.pado.jakarta.examples.Chat;
import io.pado.jakarta.examples.Echo;
import io.pado.jakarta.examples.Order;
import io.pado.jakarta.examples.OrderCoder;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpointConfig;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What is checked when an endpoint is deployed (Jakarta WebSocket §3.1.1, §4), without any connection. */
class DeploymentTest {

    public static class TwoTextMethods {
        @OnMessage
        public void a(String text) {
        }

        @OnMessage
        public void b(Integer number) {
        }
    }

    public static class ErrorWithoutThrowable {
        @OnError
        public void onError(Session session) {
        }
    }

    public static class BadPathParam {
        @OnOpen
        public void onOpen(@PathParam("room") List<String> room) {
        }
    }

    public static class PrimitivePathParamWithoutSegment {
        @OnOpen
        public void onOpen(@PathParam("room") int room) {
        }
    }

    public static class NoDecoder {
        @OnMessage
        public void onOrder(Order order) {
        }
    }

    public static class Parts {
        @OnMessage
        public void onText(boolean last, String part, Session session) {
        }

        @OnMessage
        public void onBinary(byte[] part, boolean last) {
        }
    }

    public static class TooLarge {
        @OnMessage(maxMessageSize = 1L << 32)
        public void onText(String text) {
        }
    }

    /** A decoder whose type comes from its superclass's type argument. */
    public abstract static class JsonDecoder<T> implements Decoder.Text<T> {
        @Override
        public boolean willDecode(String text) {
            return true;
        }
    }

    public static final class OrderDecoder extends JsonDecoder<Order> {
        @Override
        public Order decode(String text) throws DecodeException {
            return new Order(text, 1);
        }
    }

    @Nested
    class AnnotatedEndpoints { // §4.3 to §4.7
        @Test
        void twoMethodsForTextMessagesAreRefused() {
            assertThatThrownBy(() -> AnnotatedModel.of(TwoTextMethods.class, CoderSpec.NONE, Set.of()))
                    .isInstanceOf(DeploymentException.class).hasMessageContaining("two @OnMessage methods for text");
        }

        @Test
        void onErrorNeedsAThrowable() {
            assertThatThrownBy(() -> AnnotatedModel.of(ErrorWithoutThrowable.class, CoderSpec.NONE, Set.of()))
                    .isInstanceOf(DeploymentException.class).hasMessageContaining("needs a Throwable");
        }

        @Test
        void pathParametersAreStringsOrPrimitives() {
            assertThatThrownBy(() -> AnnotatedModel.of(BadPathParam.class, CoderSpec.NONE, Set.of("room")))
                    .isInstanceOf(DeploymentException.class).hasMessageContaining("must be a String, a primitive");
            assertThatThrownBy(() -> AnnotatedModel.of(PrimitivePathParamWithoutSegment.class, CoderSpec.NONE,
                    Set.of())).isInstanceOf(DeploymentException.class).hasMessageContaining("has no {room}");
        }

        @Test
        void aMessageTypeNeedsADecoder() throws DeploymentException {
            assertThatThrownBy(() -> AnnotatedModel.of(NoDecoder.class, CoderSpec.NONE, Set.of()))
                    .isInstanceOf(DeploymentException.class).hasMessageContaining("has no decoder");
            var coders = CoderSpec.of(List.of(OrderCoder.Decode.class), List.of());
            assertThat(AnnotatedModel.of(NoDecoder.class, coders, Set.of()).messages)
                    .singleElement().satisfies(m -> assertThat(m.kind()).isEqualTo(Inbound.Kind.TEXT));
        }

        @Test
        void partsAreAMessageAndABooleanInAnyOrder() throws DeploymentException {
            var model = AnnotatedModel.of(Parts.class, CoderSpec.NONE, Set.of());
            assertThat(model.messages).extracting(AnnotatedModel.MessageCallback::kind)
                    .containsExactlyInAnyOrder(Inbound.Kind.TEXT, Inbound.Kind.BINARY);
        }

        @Test
        void aMaxMessageSizeOver2GiBIsRefused() { // §4.7.1
            assertThatThrownBy(() -> AnnotatedModel.of(TooLarge.class, CoderSpec.NONE, Set.of()))
                    .isInstanceOf(DeploymentException.class).hasMessageContaining("maxMessageSize");
        }

        @Test
        void theChatExampleIsValid() throws DeploymentException {
            var model = AnnotatedModel.of(Chat.class, CoderSpec.NONE, Set.of());
            assertThat(model.onOpen).isNotNull();
            assertThat(model.messages).hasSize(2);
        }
    }

    @Nested
    class Coders {
        @Test
        void aDecoderTypeIsFoundThroughItsSuperclass() throws DeploymentException {
            var coders = CoderSpec.of(List.of(OrderDecoder.class), List.of());
            assertThat(coders.textDecoders(Order.class)).singleElement()
                    .satisfies(e -> assertThat(e.type()).isEqualTo(Order.class));
        }

        @Test
        void handlerTypesAreFoundOnAnonymousClassesButNotLambdas() {
            var anonymous = new MessageHandler.Whole<ByteBuffer>() {
                @Override
                public void onMessage(ByteBuffer message) {
                }
            };
            MessageHandler.Whole<String> lambda = text -> { };
            assertThat(Generics.typeArgument(anonymous.getClass(), MessageHandler.Whole.class))
                    .isEqualTo(ByteBuffer.class);
            assertThat(Generics.typeArgument(lambda.getClass(), MessageHandler.Whole.class)).isNull();
        }
    }

    @Nested
    class Paths { // §3.1.1
        @Test
        void templatesNameWholeSegmentsOnce() throws DeploymentException {
            assertThat(PathTemplate.variables("/chat")).isEmpty();
            assertThat(PathTemplate.variables("/rooms/{room}/users/{user}")).containsExactly("room", "user");
            for (String bad : List.of("chat", "/a//b", "/a/../b", "/a/./b", "/a/b{x}", "/a/{x}/{x}", "/a/{}")) {
                assertThatThrownBy(() -> PathTemplate.variables(bad)).as(bad)
                        .isInstanceOf(DeploymentException.class);
            }
        }

        @Test
        void twoEndpointsAtOnePathOrEquivalentTemplatesAreRefused() throws DeploymentException {
            try (var container = PadoServerContainer.create(ServerOptions.DEFAULT)) {
                container.addEndpoint(Chat.class);
                assertThatThrownBy(() -> container.addEndpoint(Chat.class)).isInstanceOf(DeploymentException.class)
                        .hasMessageContaining("already deployed at /chat");
                container.addEndpoint(ServerEndpointConfig.Builder.create(Echo.class, "/a/{x}").build());
                assertThatThrownBy(() -> container.addEndpoint(ServerEndpointConfig.Builder.create(Echo.class,
                        "/a/{y}").build())).isInstanceOf(DeploymentException.class)
                        .hasMessageContaining("already deployed at /a/{x}");
            }
        }

        @Test
        void aClassWithoutServerEndpointIsRefused() {
            try (var container = PadoServerContainer.create(ServerOptions.DEFAULT)) {
                assertThatThrownBy(() -> container.addEndpoint(TwoTextMethods.class))
                        .isInstanceOf(DeploymentException.class).hasMessageContaining("@ServerEndpoint");
            }
        }
    }
}
