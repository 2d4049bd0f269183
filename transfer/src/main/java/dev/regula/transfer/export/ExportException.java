package dev.regula.transfer.export;

import dev.regula.transfer.TransferException;
import java.nio.file.Path;

/**
 * An export that could not be written or read back: a bad request, a target in the way, an I/O
 * failure, or a model lacking the metadata an export carries. The message names the file or key
 * at fault and what was expected.
 */
public class ExportException extends TransferException {
    public ExportException(Path file, String message) {
        this(file, message, null);
    }

    public ExportException(Path file, String message, Throwable cause) {
        super(file, 0, message, cause);
    }
}
