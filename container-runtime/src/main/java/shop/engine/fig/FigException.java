package shop.engine.fig;

import com.github.dockerjava.api.exception.DockerException;
import shop.engine.support.Json;

/** A fig error a user can act on; the CLI prints its message and exits non-zero. */
public class FigException extends RuntimeException {

    public FigException(String message) {
        super(message);
    }

    public FigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The engine's own words: the API's {"message": ...} out of docker-java's "Status 400: {...}". */
    public static String engineMessage(DockerException e) {
        String text = e.getMessage();
        int brace = text.indexOf('{');
        if (brace < 0) {
            return text;
        }
        try {
            return Json.MAPPER.readTree(text.substring(brace)).path("message").asText(text);
        } catch (java.io.IOException notJson) {
            return text;
        }
    }
}
