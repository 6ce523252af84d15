package io.pado.protocol.handshake;

/**
 * The bits of HTTP/1.1 grammar (RFC 9110 §5.6, RFC 9112) that the opening handshake needs: character classes,
 * version numbers, reason phrases, and a safe way to quote peer input in a message. Stateless.
 */
public final class Http {

    private static final int MAX_QUOTED_CHARS = 60;

    /** {@code TCHAR[c]} for each US-ASCII {@code c}: a table, because every handshake checks every header name. */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (int c = 0; c < 128; c++) {
            TCHAR[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }

    private Http() {
    }

    /** Whether {@code c} is a {@code tchar} of RFC 9110 §5.6.2. */
    public static boolean isTchar(int c) {
        return c >= 0 && c < TCHAR.length && TCHAR[c];
    }

    /** Whether {@code s} is a non-empty {@code token} of RFC 9110 §5.6.2. */
    public static boolean isToken(CharSequence s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code c} may appear in a received field value: HTAB, SP, VCHAR or obs-text (RFC 9110 §5.5). */
    public static boolean isFieldValueChar(int c) {
        return c == '\t' || (c >= 0x20 && c != 0x7F && c <= 0xFF);
    }

    /** Whether {@code c} may appear in a field value that we send: HTAB, SP or a visible US-ASCII character. */
    public static boolean isSendableValueChar(int c) {
        return c == '\t' || (c >= 0x20 && c < 0x7F);
    }

    /** Whether {@code s} is non-empty and all visible US-ASCII (VCHAR), as a request target must be (RFC 9112 §3.2). */
    public static boolean isVisible(CharSequence s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code c} is optional whitespace, SP or HTAB (RFC 9110 §5.6.3). */
    public static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t';
    }

    /** {@code s} without leading and trailing SP and HTAB (optional whitespace, RFC 9110 §5.6.3). */
    public static String trimWhitespace(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isWhitespace(s.charAt(from))) {
            from++;
        }
        while (to > from && isWhitespace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    /**
     * Throws {@link IllegalArgumentException} unless {@code value} may be sent as a field value: visible US-ASCII,
     * SP and HTAB only, so no CR or LF can split a header (RFC 9110 §5.5).
     *
     * @param what names the value in the message, e.g. {@code "Origin"}
     */
    public static void checkSendableValue(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            if (!isSendableValueChar(value.charAt(i))) {
                throw new IllegalArgumentException(what + " has a character that cannot be sent in a header (index "
                        + i + "): " + quote(value));
            }
        }
    }

    /**
     * Throws {@link IllegalArgumentException} unless {@code name} is a token (RFC 9110 §5.6.2).
     *
     * @param what names the value in the message, e.g. {@code "header name"}
     */
    public static void checkToken(String what, String name) {
        if (!isToken(name)) {
            throw new IllegalArgumentException(what + " is not an HTTP token: " + quote(name));
        }
    }

    /**
     * The version number of an {@code HTTP-version} (RFC 9112 §2.3) as {@code major * 10 + minor}, e.g. 11 for
     * {@code HTTP/1.1}; -1 if {@code version} does not match {@code "HTTP/" DIGIT "." DIGIT} (case-sensitive).
     */
    public static int versionNumber(String version) {
        if (version.length() != 8 || !version.startsWith("HTTP/") || version.charAt(6) != '.') {
            return -1;
        }
        char major = version.charAt(5);
        char minor = version.charAt(7);
        if (major < '0' || major > '9' || minor < '0' || minor > '9') {
            return -1;
        }
        return (major - '0') * 10 + (minor - '0');
    }

    /** The standard reason phrase of {@code status} (RFC 9110 §15), or a generic one for its class. */
    public static String reasonPhrase(int status) {
        return switch (status) {
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 417 -> "Expectation Failed";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> switch (status / 100) {
                case 1 -> "Informational";
                case 2 -> "Success";
                case 3 -> "Redirection";
                case 4 -> "Client Error";
                default -> "Server Error";
            };
        };
    }

    /**
     * {@code s} in double quotes for an error message: control and non-ASCII characters escaped as {@code \xNN} or
     * {@code \}{@code uNNNN}, cut after 60 characters, so that peer input can be shown without flooding a log or
     * reflecting markup.
     */
    public static String quote(CharSequence s) {
        var out = new StringBuilder(Math.min(s.length(), MAX_QUOTED_CHARS) + 8).append('"');
        int n = Math.min(s.length(), MAX_QUOTED_CHARS);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7F) {
                out.append(c);
            } else if (c <= 0xFF) {
                out.append(String.format("\\x%02X", (int) c));
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
        out.append('"');
        if (s.length() > n) {
            out.append("...");
        }
        return out.toString();
    }
}
