package io.pado.jakarta;

import jakarta.websocket.Extension;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a session knows of its opening handshake. Immutable, apart from the user properties, which become the
 * session's own map.
 *
 * @param requestUri     the request's path and query (server) or the URI connected to (client)
 * @param query          the query string without {@code ?}, or null when there was none
 * @param pathParameters the values of the endpoint path's {@code {name}} segments (server), decoded
 * @param userProperties the first user properties of the session: a copy of the endpoint configuration's, with what
 *                       {@code modifyHandshake} put in
 * @param extensions     the extensions agreed on
 * @param secure         whether the connection is over TLS
 */
record Handshake(URI requestUri, String query, Map<String, String> pathParameters,
        Map<String, Object> userProperties, List<Extension> extensions, boolean secure) {

    Handshake {
        pathParameters = Map.copyOf(pathParameters);
        extensions = List.copyOf(extensions);
    }

    /**
     * The parameters of a query string ({@code a=1&b=2&a=3}), each name with its values in order, both
     * percent-decoded ({@code +} is a space); an empty map for null.
     */
    static Map<String, List<String>> parameters(String query) {
        var parameters = new LinkedHashMap<String, List<String>>();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        parameters.replaceAll((name, values) -> List.copyOf(values));
        return parameters;
    }

    /** Header fields as the Jakarta API shows them: names compared ignoring case, each with its values in order. */
    static Map<String, List<String>> headerMap(io.pado.Headers headers) {
        var map = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, value) -> map.computeIfAbsent(name, n -> new ArrayList<>()).add(value));
        return map;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed %-escape: keep the text as it came
        }
    }
}
