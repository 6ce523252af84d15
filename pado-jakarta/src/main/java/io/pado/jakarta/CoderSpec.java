package io.pado.jakarta;

import jakarta.websocket.Decoder;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Encoder;
import jakarta.websocket.EndpointConfig;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoder and decoder classes of one endpoint, with the type each one handles, checked when the endpoint is
 * deployed. Immutable; {@link #open} makes the instances of one session.
 */
final class CoderSpec {

    /** Which of the four coder interfaces a class implements. */
    enum Kind { TEXT, TEXT_STREAM, BINARY, BINARY_STREAM }

    /** A coder class, the type it encodes or decodes, and its kind. */
    record Entry(Class<?> coderClass, Class<?> type, Kind kind) {
        boolean isText() {
            return kind == Kind.TEXT || kind == Kind.TEXT_STREAM;
        }
    }

    static final CoderSpec NONE = new CoderSpec(List.of(), List.of());

    private final List<Entry> decoders;
    private final List<Entry> encoders;

    private CoderSpec(List<Entry> decoders, List<Entry> encoders) {
        this.decoders = decoders;
        this.encoders = encoders;
    }

    /**
     * The coders of an endpoint configuration.
     *
     * @throws DeploymentException if a class implements none of the four interfaces, its type cannot be known, or it
     *                             has no public no-argument constructor
     */
    static CoderSpec of(List<Class<? extends Decoder>> decoderClasses, List<Class<? extends Encoder>> encoderClasses)
            throws DeploymentException {
        var decoders = new ArrayList<Entry>();
        for (Class<? extends Decoder> c : decoderClasses) {
            decoders.add(entry(c, Decoder.Text.class, Decoder.TextStream.class, Decoder.Binary.class,
                    Decoder.BinaryStream.class));
        }
        var encoders = new ArrayList<Entry>();
        for (Class<? extends Encoder> c : encoderClasses) {
            encoders.add(entry(c, Encoder.Text.class, Encoder.TextStream.class, Encoder.Binary.class,
                    Encoder.BinaryStream.class));
        }
        return new CoderSpec(List.copyOf(decoders), List.copyOf(encoders));
    }

    private static Entry entry(Class<?> coder, Class<?>... interfaces) throws DeploymentException {
        Kind[] kinds = Kind.values();
        for (int i = 0; i < interfaces.length; i++) {
            if (interfaces[i].isAssignableFrom(coder)) {
                Class<?> type = Generics.typeArgument(coder, interfaces[i]);
                if (type == null) {
                    throw new DeploymentException(coder.getName() + " does not say which type it handles: implement "
                            + interfaces[i].getCanonicalName() + " with a type argument");
                }
                try {
                    coder.getConstructor();
                } catch (NoSuchMethodException e) {
                    throw new DeploymentException(coder.getName() + " has no public no-argument constructor", e);
                }
                return new Entry(coder, type, kinds[i]);
            }
        }
        throw new DeploymentException(coder.getName() + " implements none of Text, TextStream, Binary, BinaryStream");
    }

    /** The decoders that make a {@code type} (or a subtype) from text, in the order configured. */
    List<Entry> textDecoders(Class<?> type) {
        return decoders.stream().filter(d -> d.isText() && type.isAssignableFrom(d.type())).toList();
    }

    /** The decoders that make a {@code type} (or a subtype) from binary messages, in the order configured. */
    List<Entry> binaryDecoders(Class<?> type) {
        return decoders.stream().filter(d -> !d.isText() && type.isAssignableFrom(d.type())).toList();
    }

    List<Entry> encoders() {
        return encoders;
    }

    List<Entry> decoders() {
        return decoders;
    }

    /**
     * New instances of every coder for one session, each {@code init}ed with {@code config}.
     *
     * @throws InstantiationException if a constructor or an {@code init} threw
     */
    Coders open(EndpointConfig config) throws InstantiationException {
        var decoderInstances = new ArrayList<Decoder>();
        var encoderInstances = new ArrayList<Encoder>();
        var coders = new Coders(this, decoderInstances, encoderInstances);
        try {
            for (Entry d : decoders) {
                Decoder decoder = (Decoder) instantiate(d.coderClass());
                decoderInstances.add(decoder);
                decoder.init(config);
            }
            for (Entry e : encoders) {
                Encoder encoder = (Encoder) instantiate(e.coderClass());
                encoderInstances.add(encoder);
                encoder.init(config);
            }
        } catch (InstantiationException | RuntimeException e) {
            coders.destroy();
            throw e instanceof InstantiationException ie ? ie : failed("init threw", e);
        }
        return coders;
    }

    private static Object instantiate(Class<?> type) throws InstantiationException {
        try {
            return type.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw failed(type.getName() + " constructor threw", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw failed("cannot make a " + type.getName(), e);
        }
    }

    private static InstantiationException failed(String message, Throwable cause) {
        var e = new InstantiationException(message + ": " + cause);
        e.initCause(cause);
        return e;
    }
}
