package io.pado.protocol.extension;

import io.pado.protocol.handshake.Http;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code Sec-WebSocket-Extensions} field value (RFC 6455 §9.1) into {@link ExtensionOffer}s. One instance
 * reads one value; not thread-safe. Use {@link ExtensionOffer#parseHeader(String)}.
 *
 * <pre>
 * extension-list  = 1#extension
 * extension       = extension-token *( ";" extension-param )
 * extension-param = token [ "=" ( token / quoted-string ) ]
 * </pre>
 *
 * Whitespace (SP, HTAB) is allowed around {@code ,} {@code ;} and {@code =}; empty list elements are skipped
 * (RFC 9110 §5.6.1 MUST).
 */
public final class ExtensionHeaderParser {

    private final String text;
    private int pos;

    private ExtensionHeaderParser(String text) {
        this.text = text;
    }

    /**
     * The elements of {@code value}, in order; empty if it has none.
     *
     * @throws IllegalArgumentException with the position and what was expected, if {@code value} breaks the grammar
     */
    public static List<ExtensionOffer> parse(String value) {
        return new ExtensionHeaderParser(value).list();
    }

    private List<ExtensionOffer> list() {
        var out = new ArrayList<ExtensionOffer>();
        while (true) {
            skipWhitespace();
            if (atEnd()) {
                return out;
            }
            if (peek() == ',') { // an empty element
                pos++;
                continue;
            }
            out.add(extension());
            skipWhitespace();
            if (!atEnd()) {
                expect(',', "',' or ';'");
            }
        }
    }

    private ExtensionOffer extension() {
        String name = token("an extension name");
        var parameters = new ArrayList<ExtensionOffer.Parameter>();
        skipWhitespace();
        while (!atEnd() && peek() == ';') {
            pos++;
            skipWhitespace();
            String parameter = token("a parameter name");
            skipWhitespace();
            String value = null;
            if (!atEnd() && peek() == '=') {
                pos++;
                skipWhitespace();
                value = !atEnd() && peek() == '"' ? quotedString() : token("a parameter value");
                skipWhitespace();
            }
            parameters.add(new ExtensionOffer.Parameter(parameter, value));
        }
        return new ExtensionOffer(name, parameters);
    }

    private String token(String what) {
        int start = pos;
        while (!atEnd() && Http.isTchar(peek())) {
            pos++;
        }
        if (pos == start) {
            throw error("expected " + what);
        }
        return text.substring(start, pos);
    }

    private String quotedString() {
        // RFC 9110 §5.6.4: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
        int start = pos++;
        var out = new StringBuilder();
        while (!atEnd()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\') {
                if (atEnd()) {
                    break;
                }
                c = text.charAt(pos++);
            }
            if (!Http.isFieldValueChar(c)) {
                pos--;
                throw error("control character in a quoted string");
            }
            out.append(c);
        }
        pos = start;
        throw error("unterminated quoted string");
    }

    private void expect(char c, String what) {
        if (atEnd() || peek() != c) {
            throw error("expected " + what);
        }
        pos++;
    }

    private void skipWhitespace() {
        while (!atEnd() && Http.isWhitespace(peek())) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private char peek() {
        return text.charAt(pos);
    }

    private IllegalArgumentException error(String what) {
        String found = atEnd() ? "the end" : Http.quote(String.valueOf(peek()));
        return new IllegalArgumentException("malformed Sec-WebSocket-Extensions: " + what + " at index " + pos
                + ", found " + found + ", in " + Http.quote(text));
    }
}
