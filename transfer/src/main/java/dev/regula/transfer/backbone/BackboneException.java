package dev.regula.transfer.backbone;

import dev.regula.transfer.TransferException;

/**
 * A backbone that cannot be imported: a bad source string, a missing file, artifact or jar entry,
 * or a graph that cannot be turned into a feature model. The message names the thing at fault and
 * says what was expected.
 */
public class BackboneException extends TransferException {
    private final String source;

    public BackboneException(String source, String message) {
        this(source, message, null);
    }

    public BackboneException(String source, String message, Throwable cause) {
        super(null, 0, source == null ? message : "backbone source '" + source + "': " + message, cause);
        this.source = source;
    }

    /** The source string at fault, or {@code null} when the fault is not tied to one. */
    public String source() {
        return source;
    }
}
