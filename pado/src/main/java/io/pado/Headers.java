package io.pado;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The header fields of an HTTP message: an immutable, ordered multi-map whose names compare case-insensitively
 * (RFC 9110 §5.1). A repeated header keeps all its values, in order. Values are kept without leading and trailing
 * whitespace. Immutable and thread-safe.
 *
 * {@snippet :
 * Headers headers = Headers.of("Connection", "keep-alive, Upgrade", "Upgrade", "websocket");
 * headers.first("upgrade");                                  // Optional[websocket]
 * headers.with("Origin", "https://example.com").all("origin"); // [https://example.com]
 * }
 */
public final class Headers {
    private static final Headers EMPTY = new Headers(io.pado.protocol.Headers.of());

    private final io.pado.protocol.Headers fields;

    Headers(io.pado.protocol.Headers fields) {
        this.fields = fields;
    }

    /**
     * Header fields from alternating names and values, in order: {@code of("Host", "example.com", "Origin", "x")}.
     *
     * @throws IllegalArgumentException if the count is odd, a name is not an HTTP token, or a value holds a control
     *                                  character other than HTAB (so no CR or LF can split a header line)
     * @throws NullPointerException     if any name or value is null
     */
    public static Headers of(String... namesAndValues) {
        return namesAndValues.length == 0 ? EMPTY : new Headers(io.pado.protocol.Headers.of(namesAndValues));
    }

    /**
     * Header fields from name-value entries, in order.
     *
     * @throws IllegalArgumentException as {@link #of(String...)} does
     */
    public static Headers of(List<Map.Entry<String, String>> fields) {
        var namesAndValues = new String[2 * fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            namesAndValues[2 * i] = fields.get(i).getKey();
            namesAndValues[2 * i + 1] = fields.get(i).getValue();
        }
        return of(namesAndValues);
    }

    /** The engine's headers (for the runtime). */
    io.pado.protocol.Headers fields() {
        return fields;
    }

    /**
     * A copy with one more field at the end.
     *
     * @throws IllegalArgumentException as {@link #of(String...)} does
     */
    public Headers with(String name, String value) {
        return new Headers(fields.with(name, value));
    }

    /** A copy without any field called {@code name} (any case); this instance if there is none. */
    public Headers without(String name) {
        io.pado.protocol.Headers rest = fields.without(name);
        return rest == fields ? this : new Headers(rest);
    }

    /** The value of the first field called {@code name} (any case), if there is one. */
    public Optional<String> first(String name) {
        return fields.first(name);
    }

    /** The value of each field called {@code name} (any case), one per field line, in order; empty if none. */
    public List<String> all(String name) {
        return fields.all(name);
    }

    /** Whether there is at least one field called {@code name} (any case). */
    public boolean contains(String name) {
        return fields.contains(name);
    }

    /**
     * The elements of a list-valued header (RFC 9110 §5.6.1): every value of every field called {@code name}, split
     * on commas, trimmed, with empty elements dropped. {@code Connection: keep-alive, Upgrade} gives
     * {@code [keep-alive, Upgrade]}. Not for headers whose elements may hold quoted commas.
     */
    public List<String> tokens(String name) {
        return fields.tokens(name);
    }

    /** Calls {@code action} with each field's name and value, in order. */
    public void forEach(BiConsumer<String, String> action) {
        fields.forEach(action);
    }

    /** All fields in order, as unmodifiable name-value entries. */
    public List<Map.Entry<String, String>> entries() {
        return fields.fields();
    }

    /** The number of field lines. */
    public int size() {
        return fields.size();
    }

    /** Whether there are no fields. */
    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /** Equal when both hold the same fields in the same order; names compare case-insensitively, values exactly. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Headers other && fields.equals(other.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    /** The fields as {@code [Name: value, Name: value]}. */
    @Override
    public String toString() {
        return fields.toString();
    }

    static Headers wrap(io.pado.protocol.Headers fields) {
        return fields.isEmpty() ? EMPTY : new Headers(Objects.requireNonNull(fields));
    }
}
