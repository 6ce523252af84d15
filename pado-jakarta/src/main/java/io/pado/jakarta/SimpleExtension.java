package io.pado.jakarta;

import jakarta.websocket.Extension;
import java.util.ArrayList;
import java.util.List;

/** An extension as named in {@code Sec-WebSocket-Extensions} (RFC 6455 §9.1), with its parameters. Immutable. */
record SimpleExtension(String name, List<Extension.Parameter> parameters) implements Extension {

    /** permessage-deflate (RFC 7692), the one extension pado speaks. */
    static final String PERMESSAGE_DEFLATE = "permessage-deflate";

    SimpleExtension {
        parameters = List.copyOf(parameters);
    }

    static SimpleExtension named(String name) {
        return new SimpleExtension(name, List.of());
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public List<Extension.Parameter> getParameters() {
        return parameters;
    }

    @Override
    public String toString() {
        var out = new StringBuilder(name);
        for (Extension.Parameter p : parameters) {
            out.append("; ").append(p.getName());
            if (p.getValue() != null) {
                out.append('=').append(p.getValue());
            }
        }
        return out.toString();
    }

    /** One {@code name[=value]} parameter; the value is null when there is none. */
    record Parameter(String name, String value) implements Extension.Parameter {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getValue() {
            return value;
        }
    }

    /**
     * The extensions of {@code Sec-WebSocket-Extensions} header values (RFC 6455 §9.1: a comma-separated list of
     * {@code name; param[=value]}), quoted values unquoted. Not a validator: pado's engine checks the header.
     */
    static List<Extension> parse(List<String> headerValues) {
        var extensions = new ArrayList<Extension>();
        for (String value : headerValues) {
            for (String element : value.split(",")) {
                String[] parts = element.split(";");
                String name = parts[0].trim();
                if (name.isEmpty()) {
                    continue;
                }
                var parameters = new ArrayList<Extension.Parameter>();
                for (int i = 1; i < parts.length; i++) {
                    String part = parts[i].trim();
                    int eq = part.indexOf('=');
                    if (eq < 0) {
                        parameters.add(new Parameter(part, null));
                    } else {
                        String v = part.substring(eq + 1).trim();
                        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                            v = v.substring(1, v.length() - 1);
                        }
                        parameters.add(new Parameter(part.substring(0, eq).trim(), v));
                    }
                }
                extensions.add(new SimpleExtension(name, parameters));
            }
        }
        return extensions;
    }
}
