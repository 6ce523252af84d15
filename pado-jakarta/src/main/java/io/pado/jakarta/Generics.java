package io.pado.jakarta;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds what a class binds a generic interface's type parameter to: the {@code T} of a
 * {@code Decoder.Text<T>}, an {@code Encoder.Binary<T>} or a {@code MessageHandler.Whole<T>}, through superclasses
 * and interfaces. The Jakarta API asks for it ({@code Session.addMessageHandler(MessageHandler)} has no class
 * parameter), and only reflection can answer it.
 */
final class Generics {
    private Generics() {
    }

    /**
     * The raw class {@code type} binds the first type parameter of {@code generic} to, or null when it cannot be
     * known (a lambda, a raw implementation, a type variable left open).
     */
    static Class<?> typeArgument(Class<?> type, Class<?> generic) {
        Type bound = find(type, generic, new HashMap<>());
        return bound == null ? null : raw(bound);
    }

    private static Type find(Type type, Class<?> generic, Map<TypeVariable<?>, Type> bindings) {
        Class<?> raw = raw(type);
        if (raw == null) {
            return null;
        }
        if (type instanceof ParameterizedType p) {
            TypeVariable<?>[] variables = raw.getTypeParameters();
            Type[] arguments = p.getActualTypeArguments();
            for (int i = 0; i < variables.length; i++) {
                bindings.put(variables[i], resolve(arguments[i], bindings));
            }
        }
        if (raw == generic) {
            TypeVariable<?>[] variables = raw.getTypeParameters();
            return variables.length == 0 ? null : bindings.get(variables[0]);
        }
        for (Type parent : raw.getGenericInterfaces()) {
            Type found = find(parent, generic, bindings);
            if (found != null) {
                return found;
            }
        }
        Type superclass = raw.getGenericSuperclass();
        return superclass == null ? null : find(superclass, generic, bindings);
    }

    private static Type resolve(Type type, Map<TypeVariable<?>, Type> bindings) {
        return type instanceof TypeVariable<?> v ? bindings.getOrDefault(v, v) : type;
    }

    /** The class of {@code type}; null for a type variable. */
    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (type instanceof GenericArrayType a) {
            Class<?> component = raw(a.getGenericComponentType());
            return component == null ? null : component.arrayType();
        }
        return null;
    }
}
