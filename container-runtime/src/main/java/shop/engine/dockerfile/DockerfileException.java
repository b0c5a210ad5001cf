package shop.engine.dockerfile;

import shop.engine.support.EngineException;

/** A Dockerfile error that names the file, the line and the instruction, e.g. {@code Dockerfile:7: COPY: ...}. */
public final class DockerfileException extends EngineException {

    public DockerfileException(String file, int line, String instruction, String message) {
        super(Kind.INVALID, file + ":" + line + ": " + (instruction == null ? "" : instruction + ": ") + message);
    }
}
