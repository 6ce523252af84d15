package io.pado.protocol;

import io.pado.protocol.handshake.Http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The header fields of an HTTP message: an immutable, ordered multi-map whose names compare case-insensitively
 * (RFC 9110 §5.1). Each field line is kept as it came, in order, so a header that is repeated keeps all its values.
 *
 * <p>Values are kept without leading and trailing whitespace. List-valued headers such as {@code Connection},
 * {@code Upgrade} or {@code Sec-WebSocket-Protocol} may be written as one line with commas or as several lines;
 * {@link #tokens(String)} reads both forms the same way (RFC 9110 §5.3).
 *
 * <p>Instances are immutable and thread-safe.
 * {@snippet :
 * Headers headers = Headers.of("Connection", "keep-alive, Upgrade", "Upgrade", "websocket");
 * headers.hasToken("connection", "upgrade");   // true
 * headers.with("Origin", "https://example.com").all("origin"); // ["https://example.com"]
 * }
 */
public final class Headers {

    private static final Headers EMPTY = new Headers(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;

    private Headers(String[] names, String[] values) {
        this.names = names;
        this.values = values;
    }

    /**
     * Names and values that nearly every WebSocket handshake carries. A server keeps each connection's request
     * headers for as long as it is open; sharing these strings instead of keeping one copy per connection saves a
     * few hundred bytes per idle connection.
     */
    private static final Map<String, String> COMMON = Map.ofEntries(
            common("Host"), common("Upgrade"), common("Connection"), common("Origin"), common("User-Agent"),
            common("Sec-WebSocket-Key"), common("Sec-WebSocket-Version"), common("Sec-WebSocket-Protocol"),
            common("Sec-WebSocket-Extensions"), common("Sec-WebSocket-Accept"), common("Pragma"),
            common("Cache-Control"), common("Accept-Encoding"), common("Accept-Language"), common("Cookie"),
            common("host"), common("upgrade"), common("connection"), common("origin"), common("user-agent"),
            common("sec-websocket-key"), common("sec-websocket-version"), common("sec-websocket-protocol"),
            common("sec-websocket-extensions"), common("sec-websocket-accept"), common("pragma"),
            common("cache-control"), common("accept-encoding"), common("accept-language"), common("cookie"),
            common("websocket"), common("13"), common("no-cache"), common("gzip, deflate, br, zstd"),
            common("gzip, deflate, br"), common("permessage-deflate; client_max_window_bits"));

    private static Map.Entry<String, String> common(String s) {
        return Map.entry(s, s);
    }

    /** Fields that a parser has already checked; the lists are copied, and common strings shared. */
    static Headers trusted(List<String> names, List<String> values) {
        var n = new String[names.size()];
        var v = new String[values.size()];
        for (int i = 0; i < n.length; i++) {
            n[i] = COMMON.getOrDefault(names.get(i), names.get(i));
            v[i] = COMMON.getOrDefault(values.get(i), values.get(i));
        }
        return new Headers(n, v);
    }

    /**
     * Header fields from alternating names and values, in order: {@code of("Host", "example.com", "Origin", "x")}.
     *
     * @throws IllegalArgumentException if the count is odd, a name is not an HTTP token, or a value holds a control
     *                                  character other than HTAB (so no CR or LF can split a header line)
     * @throws NullPointerException     if any name or value is null
     */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs, got " + namesAndValues.length
                    + " strings: " + Arrays.toString(namesAndValues));
        }
        if (namesAndValues.length == 0) {
            return EMPTY;
        }
        int n = namesAndValues.length / 2;
        var names = new String[n];
        var values = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = checkName(namesAndValues[2 * i]);
            values[i] = checkValue(names[i], namesAndValues[2 * i + 1]);
        }
        return new Headers(names, values);
    }

    /**
     * A copy with one more field at the end.
     *
     * @throws IllegalArgumentException as {@link #of(String...)} does
     */
    public Headers with(String name, String value) {
        String checkedName = checkName(name);
        String checkedValue = checkValue(checkedName, value);
        var newNames = Arrays.copyOf(names, names.length + 1);
        var newValues = Arrays.copyOf(values, values.length + 1);
        newNames[names.length] = checkedName;
        newValues[values.length] = checkedValue;
        return new Headers(newNames, newValues);
    }

    /** A copy without any field called {@code name} (any case); this instance if there is none. */
    public Headers without(String name) {
        Objects.requireNonNull(name, "name");
        var keptNames = new ArrayList<String>(names.length);
        var keptValues = new ArrayList<String>(names.length);
        for (int i = 0; i < names.length; i++) {
            if (!names[i].equalsIgnoreCase(name)) {
                keptNames.add(names[i]);
                keptValues.add(values[i]);
            }
        }
        return keptNames.size() == names.length ? this : trusted(keptNames, keptValues);
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "header name");
        Http.checkToken("header name", name);
        return name;
    }

    private static String checkValue(String name, String value) {
        Objects.requireNonNull(value, () -> "value of header " + name);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // RFC 9110 §5.5: CR, LF and NUL in a field value are invalid and dangerous; we refuse every control.
            if (c < 0x20 && c != '\t' || c == 0x7F) {
                throw new IllegalArgumentException("value of header " + name + " has a control character: "
                        + Http.quote(value));
            }
        }
        return value;
    }

    /** The value of the first field called {@code name} (any case), if there is one. */
    public Optional<String> first(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return Optional.of(values[i]);
            }
        }
        return Optional.empty();
    }

    /** The value of each field called {@code name} (any case), one per field line, in order; empty if none. */
    public List<String> all(String name) {
        var out = new ArrayList<String>(2);
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                out.add(values[i]);
            }
        }
        return List.copyOf(out);
    }

    /** Whether there is at least one field called {@code name} (any case). */
    public boolean contains(String name) {
        return first(name).isPresent();
    }

    /**
     * The elements of a list-valued header (RFC 9110 §5.6.1): every value of every field called {@code name}, split
     * on commas, trimmed, with empty elements dropped. {@code Connection: keep-alive, Upgrade} gives
     * {@code [keep-alive, Upgrade]}. Not for headers whose elements may hold quoted commas.
     */
    public List<String> tokens(String name) {
        var out = new ArrayList<String>(4);
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                for (String element : values[i].split(",", -1)) {
                    String trimmed = Http.trimWhitespace(element);
                    if (!trimmed.isEmpty()) {
                        out.add(trimmed);
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** Whether {@link #tokens(String) tokens(name)} holds {@code token}, compared case-insensitively. */
    public boolean hasToken(String name, String token) {
        for (String t : tokens(name)) {
            if (t.equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** Calls {@code action} with each field's name and value, in order. */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < names.length; i++) {
            action.accept(names[i], values[i]);
        }
    }

    /** All fields in order, as unmodifiable name-value entries. */
    public List<Map.Entry<String, String>> fields() {
        var out = new ArrayList<Map.Entry<String, String>>(names.length);
        forEach((name, value) -> out.add(Map.entry(name, value)));
        return List.copyOf(out);
    }

    /** The number of field lines. */
    public int size() {
        return names.length;
    }

    /** Whether there are no fields. */
    public boolean isEmpty() {
        return names.length == 0;
    }

    /** Appends each field as a header line, {@code Name: value} and CRLF. */
    void appendTo(StringBuilder out) {
        for (int i = 0; i < names.length; i++) {
            out.append(names[i]).append(": ").append(values[i]).append("\r\n");
        }
    }

    /** Equal when both hold the same fields in the same order; names compare case-insensitively, values exactly. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Headers other) || other.names.length != names.length) {
            return false;
        }
        for (int i = 0; i < names.length; i++) {
            if (!names[i].equalsIgnoreCase(other.names[i]) || !values[i].equals(other.values[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < names.length; i++) {
            h = 31 * h + names[i].toLowerCase(Locale.ROOT).hashCode();
            h = 31 * h + values[i].hashCode();
        }
        return h;
    }

    /** The fields as {@code [Name: value, Name: value]}. */
    @Override
    public String toString() {
        var out = new StringBuilder("[");
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(names[i]).append(": ").append(values[i]);
        }
        return out.append(']').toString();
    }
}
