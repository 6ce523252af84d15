package io.pado.protocol;

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
        public Parameter {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return value == null ? name : name + "=" + value;
        }
    }

    public ExtensionOffer {
        Objects.requireNonNull(name, "name");
        parameters = List.copyOf(parameters);
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
