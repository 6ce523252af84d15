package io.pado.protocol.extension;

import io.pado.protocol.handshake.Http;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One element of a {@code Sec-WebSocket-Extensions} header (RFC 6455 §9.1): an extension name and its parameters,
 * as offered by a client or answered by a server. For example {@code permessage-deflate; client_max_window_bits}.
 *
 * @param name       the extension token, e.g. {@code permessage-deflate}
 * @param parameters the parameters in the order they were written
 */
public record ExtensionOffer(String name, List<Parameter> parameters) {

    /** A parameter; {@code value} is null for a parameter written without {@code =value}. */
    public record Parameter(String name, String value) {
        /** Refuses a null name. */
        public Parameter {
            Objects.requireNonNull(name, "name");
        }

        /**
         * As written in a header: {@code name}, {@code name=value}, or {@code name="quoted value"} when the value is
         * not a token (RFC 6455 §9.1), with {@code "} and {@code \} escaped so that
         * {@link ExtensionOffer#parseHeader(String)} reads back the same value.
         */
        @Override
        public String toString() {
            if (value == null) {
                return name;
            }
            if (Http.isToken(value)) {
                return name + "=" + value;
            }
            var out = new StringBuilder(name).append("=\"");
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '"' || c == '\\') {
                    out.append('\\');
                }
                out.append(c);
            }
            return out.append('"').toString();
        }
    }

    /** Copies {@code parameters}; refuses a null name. */
    public ExtensionOffer {
        Objects.requireNonNull(name, "name");
        parameters = List.copyOf(parameters);
    }

    /**
     * Reads a {@code Sec-WebSocket-Extensions} field value (RFC 6455 §9.1), e.g.
     * {@code permessage-deflate; client_max_window_bits, x-foo; mode="fast"}, into its elements in order. Parameter
     * values may be tokens or quoted strings; quoted strings are unescaped. Whitespace around {@code , ; =} is allowed
     * and empty list elements are skipped (RFC 9110 §5.6.1), so a blank value gives an empty list.
     *
     * <p>RFC 6455 §9.1 asks that an unescaped quoted value still be a token; this is left to each
     * {@link ExtensionFactory}, which checks its own parameters, so that every value {@link #toString()} writes reads
     * back.
     *
     * @throws IllegalArgumentException if {@code value} breaks the grammar; the message says where and why
     */
    public static List<ExtensionOffer> parseHeader(String value) {
        return ExtensionHeaderParser.parse(value);
    }

    /** The first parameter called {@code name}, if any. */
    public Optional<Parameter> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
    }

    /** As written in a header: {@code name; a; b=1}. */
    @Override
    public String toString() {
        var out = new StringBuilder(name);
        for (Parameter p : parameters) {
            out.append("; ").append(p);
        }
        return out.toString();
    }
}
