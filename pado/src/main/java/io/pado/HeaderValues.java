package io.pado;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/** Field values the client options write for the user: credentials and cookies, checked before they are sent. */
final class HeaderValues {
    private HeaderValues() {
    }

    /** RFC 7617 §2: {@code Basic base64(user-id ":" password)}, in UTF-8 (§2.1). */
    static String basic(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        // RFC 7617 §2: a user-id containing a colon character is invalid
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("user name must not contain ':': " + user);
        }
        checkNoControls("user name", user);
        checkNoControls("password", password);
        byte[] pair = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair);
    }

    /** RFC 6750 §2.1: {@code Bearer b64token}, the token checked against that grammar. */
    static String bearer(String token) {
        Objects.requireNonNull(token, "token");
        // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
        int end = token.length();
        while (end > 0 && token.charAt(end - 1) == '=') {
            end--;
        }
        boolean valid = end > 0;
        for (int i = 0; i < end && valid; i++) {
            char c = token.charAt(i);
            valid = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~+/".indexOf(c) >= 0;
        }
        if (!valid) {
            throw new IllegalArgumentException("not a bearer token (RFC 6750 §2.1 b64token), length "
                    + token.length());
        }
        return "Bearer " + token;
    }

    /** RFC 6265 §4.2.1: {@code name=value; name2=value2}, in the map's order; null for no cookies. */
    static String cookies(Map<String, String> cookies) {
        Objects.requireNonNull(cookies, "cookies");
        var out = new StringBuilder();
        cookies.forEach((name, value) -> {
            Objects.requireNonNull(name, "cookie name");
            Objects.requireNonNull(value, () -> "value of cookie " + name);
            if (!isToken(name)) {
                throw new IllegalArgumentException("cookie name is not a token (RFC 6265 §4.1.1): " + name);
            }
            if (!isCookieValue(value)) {
                throw new IllegalArgumentException("value of cookie " + name
                        + " has a character RFC 6265 §4.1.1 does not allow (space, \", comma, ;, \\ or a control)");
            }
            if (!out.isEmpty()) {
                out.append("; ");
            }
            out.append(name).append('=').append(value);
        });
        return out.isEmpty() ? null : out.toString();
    }

    private static void checkNoControls(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // RFC 7617 §2: user-id and password MUST NOT contain control characters (so no CR or LF either)
            if (c < 0x20 || c == 0x7F) {
                throw new IllegalArgumentException(what + " has a control character at index " + i);
            }
        }
    }

    /** RFC 9110 §5.6.2 token. */
    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean tchar = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }

    /** RFC 6265 §4.1.1: cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ). */
    private static boolean isCookieValue(String v) {
        String inner = v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            // cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
            if (c < 0x21 || c > 0x7E || c == '"' || c == ',' || c == ';' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
