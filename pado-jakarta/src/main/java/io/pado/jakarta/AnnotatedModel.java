package io.pado.jakarta;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The callbacks of an annotated endpoint class ({@code @ServerEndpoint} or {@code @ClientEndpoint}), found by
 * reflection and checked once, when it is deployed: which method gets {@code @OnOpen}, {@code @OnClose},
 * {@code @OnError}, and the text, binary and pong messages, and what each of their parameters is. Immutable.
 *
 * <p>As the specification says (§4.8), annotations are read from the class itself, not inherited. Every rule of
 * §4.3 to §4.7 that can be checked without a connection is checked here, and breaking one is a
 * {@link DeploymentException} that names the method.
 */
final class AnnotatedModel {

    /** What the container passes for one parameter of a callback. */
    sealed interface Param {
        record SessionArg() implements Param {}

        record ConfigArg() implements Param {}

        record CloseReasonArg() implements Param {}

        record ErrorArg() implements Param {}

        record MessageArg() implements Param {}

        record LastArg() implements Param {}

        /** A {@code @PathParam}: String, a primitive or its box; null when the path has no such segment. */
        record PathArg(String name, Class<?> type) implements Param {}
    }

    /** A callback method and what each of its parameters is. */
    record Callback(Method method, List<Param> params) {}

    /**
     * An {@code @OnMessage} method.
     *
     * @param kind            text, binary or pong
     * @param type            the message parameter's type (boxed for primitives)
     * @param maxMessageBytes {@link OnMessage#maxMessageSize()}
     * @param returns         whether the method returns a message to send back
     */
    record MessageCallback(Callback callback, Inbound.Kind kind, Class<?> type, long maxMessageBytes,
            boolean returns) {}

    final Class<?> type;
    final Callback onOpen;
    final Callback onClose;
    final Callback onError;
    final List<MessageCallback> messages;

    private AnnotatedModel(Class<?> type, Callback onOpen, Callback onClose, Callback onError,
            List<MessageCallback> messages) {
        this.type = type;
        this.onOpen = onOpen;
        this.onClose = onClose;
        this.onError = onError;
        this.messages = messages;
    }

    /**
     * The model of {@code type}.
     *
     * @param coders        the endpoint's coders, which tell which message types can be decoded
     * @param pathVariables the {@code {name}}s of a server endpoint's path; empty for a client endpoint
     * @throws DeploymentException if the class or one of its methods breaks a rule of the specification
     */
    static AnnotatedModel of(Class<?> type, CoderSpec coders, Set<String> pathVariables) throws DeploymentException {
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            throw new DeploymentException(type.getName() + " must be a public, concrete class");
        }
        Callback onOpen = null;
        Callback onClose = null;
        Callback onError = null;
        var messages = new ArrayList<MessageCallback>();
        for (Method m : type.getDeclaredMethods()) {
            if (m.isSynthetic() || m.isBridge()) {
                continue;
            }
            if (m.isAnnotationPresent(OnOpen.class)) {
                onOpen = single(onOpen, callback(m, OnOpen.class, pathVariables), OnOpen.class);
            }
            if (m.isAnnotationPresent(OnClose.class)) {
                onClose = single(onClose, callback(m, OnClose.class, pathVariables), OnClose.class);
            }
            if (m.isAnnotationPresent(OnError.class)) {
                onError = single(onError, callback(m, OnError.class, pathVariables), OnError.class);
            }
            if (m.isAnnotationPresent(OnMessage.class)) {
                MessageCallback message = message(m, coders, pathVariables);
                for (MessageCallback other : messages) {
                    if (other.kind() == message.kind()) {
                        // Jakarta WebSocket §4.7: one message handling method per native message type
                        throw new DeploymentException(type.getName() + " has two @OnMessage methods for "
                                + message.kind().name().toLowerCase() + " messages: " + other.callback().method()
                                .getName() + " and " + m.getName());
                    }
                }
                messages.add(message);
            }
        }
        return new AnnotatedModel(type, onOpen, onClose, onError, List.copyOf(messages));
    }

    private static Callback single(Callback before, Callback now, Class<? extends Annotation> annotation)
            throws DeploymentException {
        if (before != null) {
            throw new DeploymentException(now.method().getDeclaringClass().getName() + " has two @"
                    + annotation.getSimpleName() + " methods: " + before.method().getName() + " and "
                    + now.method().getName());
        }
        return now;
    }

    /** An @OnOpen, @OnClose or @OnError method: Session, EndpointConfig / CloseReason / Throwable, path params. */
    private static Callback callback(Method m, Class<? extends Annotation> annotation, Set<String> pathVariables)
            throws DeploymentException {
        checkPublic(m, annotation);
        var params = new ArrayList<Param>();
        for (Parameter p : m.getParameters()) {
            Class<?> t = p.getType();
            if (p.isAnnotationPresent(PathParam.class)) {
                params.add(pathArg(m, p, pathVariables));
            } else if (t == Session.class) {
                params.add(new Param.SessionArg());
            } else if (t == EndpointConfig.class && annotation == OnOpen.class) {
                params.add(new Param.ConfigArg());
            } else if (t == CloseReason.class && annotation == OnClose.class) {
                params.add(new Param.CloseReasonArg());
            } else if (t == Throwable.class && annotation == OnError.class) {
                params.add(new Param.ErrorArg());
            } else {
                throw badParameter(m, annotation, p);
            }
        }
        if (annotation == OnError.class && !params.contains(new Param.ErrorArg())) {
            throw new DeploymentException(describe(m, annotation) + " needs a Throwable parameter");
        }
        if (params.stream().filter(p -> !(p instanceof Param.PathArg)).distinct().count()
                != params.stream().filter(p -> !(p instanceof Param.PathArg)).count()) {
            throw new DeploymentException(describe(m, annotation) + " has the same kind of parameter twice");
        }
        return new Callback(m, List.copyOf(params));
    }

    private static MessageCallback message(Method m, CoderSpec coders, Set<String> pathVariables)
            throws DeploymentException {
        checkPublic(m, OnMessage.class);
        var params = new ArrayList<Param>();
        var candidates = new ArrayList<Parameter>();
        for (Parameter p : m.getParameters()) {
            if (p.isAnnotationPresent(PathParam.class)) {
                params.add(pathArg(m, p, pathVariables));
            } else if (p.getType() == Session.class) {
                params.add(new Param.SessionArg());
            } else {
                candidates.add(p);
                params.add(null); // the message or the last flag, decided below
            }
        }
        Parameter message;
        Parameter last = null;
        if (candidates.size() == 1) {
            message = candidates.get(0);
        } else if (candidates.size() == 2 && isBoolean(candidates.get(1))
                && Inbound.takesParts(candidates.get(0).getType())) {
            message = candidates.get(0);
            last = candidates.get(1);
        } else if (candidates.size() == 2 && isBoolean(candidates.get(0))
                && Inbound.takesParts(candidates.get(1).getType())) {
            message = candidates.get(1);
            last = candidates.get(0);
        } else {
            throw new DeploymentException(describe(m, OnMessage.class) + " must take one message parameter (and "
                    + "a boolean after a String, ByteBuffer or byte[] for parts), besides Session and @PathParam");
        }
        Parameter[] all = m.getParameters();
        for (int i = 0; i < all.length; i++) {
            if (all[i] == message) {
                params.set(i, new Param.MessageArg());
            } else if (all[i] == last) {
                params.set(i, new Param.LastArg());
            }
        }
        Class<?> type = Conversions.boxed(message.getType());
        Inbound.Kind kind = Inbound.kindOf(type, coders);
        if (kind == null) {
            throw new DeploymentException(describe(m, OnMessage.class) + " takes a " + message.getType().getName()
                    + ", which is no message type and has no decoder in the endpoint's configuration");
        }
        long max = m.getAnnotation(OnMessage.class).maxMessageSize();
        if (max > Integer.MAX_VALUE) {
            // Jakarta WebSocket §4.7.1: no String or ByteBuffer can be that large
            throw new DeploymentException(describe(m, OnMessage.class) + " has a maxMessageSize over 2^31-1: " + max);
        }
        return new MessageCallback(new Callback(m, List.copyOf(params)), kind, type, max,
                m.getReturnType() != void.class);
    }

    private static boolean isBoolean(Parameter p) {
        return p.getType() == boolean.class || p.getType() == Boolean.class;
    }

    private static Param.PathArg pathArg(Method m, Parameter p, Set<String> pathVariables)
            throws DeploymentException {
        String name = p.getAnnotation(PathParam.class).value();
        Class<?> t = p.getType();
        // Jakarta WebSocket §4.3: String, a primitive or its box, and a name
        if (t != String.class && !Conversions.isPrimitiveOrBox(t)) {
            throw new DeploymentException(m.getDeclaringClass().getName() + "." + m.getName() + ": @PathParam(\""
                    + name + "\") must be a String, a primitive or its box, not " + t.getName());
        }
        if (name == null || name.isEmpty()) {
            throw new DeploymentException(m.getDeclaringClass().getName() + "." + m.getName()
                    + ": @PathParam needs a name");
        }
        if (t.isPrimitive() && !pathVariables.contains(name)) {
            throw new DeploymentException(m.getDeclaringClass().getName() + "." + m.getName() + ": @PathParam(\""
                    + name + "\") is a " + t.getName() + " but the path has no {" + name + "} to give it a value");
        }
        return new Param.PathArg(name, t);
    }

    private static void checkPublic(Method m, Class<? extends Annotation> annotation) throws DeploymentException {
        if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers())) {
            throw new DeploymentException(describe(m, annotation) + " must be public and not static");
        }
    }

    private static DeploymentException badParameter(Method m, Class<? extends Annotation> annotation, Parameter p) {
        return new DeploymentException(describe(m, annotation) + " may not take a " + p.getType().getName());
    }

    private static String describe(Method m, Class<? extends Annotation> annotation) {
        return "@" + annotation.getSimpleName() + " method " + m.getDeclaringClass().getName() + "." + m.getName();
    }
}
