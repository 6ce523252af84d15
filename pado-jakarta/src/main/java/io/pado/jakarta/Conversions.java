package io.pado.jakarta;

import java.util.Map;

/**
 * Java primitives and their boxes made from text, as the Jakarta API asks for text messages and path parameters
 * ("as if by the boxed type's one-argument String constructor"), and back to text for return values.
 */
final class Conversions {
    private static final Map<Class<?>, Class<?>> BOXES = Map.of(boolean.class, Boolean.class, byte.class, Byte.class,
            short.class, Short.class, char.class, Character.class, int.class, Integer.class, long.class, Long.class,
            float.class, Float.class, double.class, Double.class);

    private Conversions() {
    }

    /** Whether {@code type} is a primitive (not void) or a primitive's box. */
    static boolean isPrimitiveOrBox(Class<?> type) {
        return BOXES.containsKey(type) || BOXES.containsValue(type);
    }

    /** The box of a primitive type; other types unchanged. */
    static Class<?> boxed(Class<?> type) {
        return type.isPrimitive() ? BOXES.getOrDefault(type, type) : type;
    }

    /**
     * {@code text} as a {@code type}, which is a primitive, its box, or String.
     *
     * @throws IllegalArgumentException if the text is not such a value (NumberFormatException is one)
     */
    static Object parse(String text, Class<?> type) {
        Class<?> box = boxed(type);
        if (box == String.class) {
            return text;
        } else if (box == Boolean.class) {
            return Boolean.valueOf(text);
        } else if (box == Byte.class) {
            return Byte.valueOf(text);
        } else if (box == Short.class) {
            return Short.valueOf(text);
        } else if (box == Integer.class) {
            return Integer.valueOf(text);
        } else if (box == Long.class) {
            return Long.valueOf(text);
        } else if (box == Float.class) {
            return Float.valueOf(text);
        } else if (box == Double.class) {
            return Double.valueOf(text);
        } else if (box == Character.class) {
            if (text.length() != 1) {
                throw new IllegalArgumentException("not one character: " + text.length() + " chars");
            }
            return text.charAt(0);
        }
        throw new IllegalArgumentException("not a primitive type: " + type.getName());
    }
}
