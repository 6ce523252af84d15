package io.pado.jakarta;

import jakarta.websocket.DeploymentException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The checks of a server endpoint path (Jakarta WebSocket §3.1.1): a relative URI or a level-1 URI template that
 * starts with {@code /}, has no {@code /../}, {@code /./} or {@code //}, and whose variables are whole segments
 * ({@code /rooms/{room}}), each named once.
 */
final class PathTemplate {
    private PathTemplate() {
    }

    /**
     * The variable names of {@code path}, in order; empty for a plain path.
     *
     * @throws DeploymentException naming the rule {@code path} breaks
     */
    static Set<String> variables(String path) throws DeploymentException {
        if (path == null || !path.startsWith("/")) {
            throw new DeploymentException("an endpoint path starts with '/': " + path);
        }
        if (path.contains("//") || path.contains("/../") || path.contains("/./") || path.endsWith("/..")
                || path.endsWith("/.")) {
            throw new DeploymentException("an endpoint path has no '//', '/../' or '/./': " + path);
        }
        var names = new LinkedHashSet<String>();
        for (String segment : path.substring(1).split("/", -1)) {
            boolean opens = segment.indexOf('{') >= 0;
            boolean closes = segment.indexOf('}') >= 0;
            if (!opens && !closes) {
                continue;
            }
            if (!segment.startsWith("{") || !segment.endsWith("}") || segment.indexOf('{', 1) >= 0
                    || segment.indexOf('}') != segment.length() - 1 || segment.length() < 3) {
                throw new DeploymentException("a path variable is a whole segment, as in /rooms/{room}: " + path);
            }
            String name = segment.substring(1, segment.length() - 1);
            if (!names.add(name)) {
                throw new DeploymentException("the path variable {" + name + "} is used twice: " + path);
            }
        }
        return names;
    }
}
