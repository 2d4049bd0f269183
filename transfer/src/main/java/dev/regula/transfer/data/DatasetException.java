package dev.regula.transfer.data;

import dev.regula.transfer.TransferException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A dataset could not be read or split: bad file, bad row, bad label distribution.
 *
 * <p>The message always starts with the location ({@code file:line:} or {@code file:}) so a user can go
 * straight to the fault.
 */
public class DatasetException extends TransferException {
    private final String field;

    /**
     * @param file the file (or folder) at fault
     * @param line 1-based line number, or 0 when the fault concerns the whole file
     * @param field the field or column at fault, or null
     * @param detail what was wrong and what was expected
     */
    public DatasetException(Path file, long line, String field, String detail) {
        this(file, line, field, detail, null);
    }

    public DatasetException(Path file, long line, String field, String detail, Throwable cause) {
        super(Objects.requireNonNull(file, "file"), line, detail, cause);
        this.field = field;
    }

    /** A fault tied to one example, located by its {@link Example#source()} ({@code file:line}). */
    static DatasetException atSource(String source, String field, String detail) {
        int colon = source.lastIndexOf(':');
        long line = 0;
        String file = source;
        if (colon > 0) {
            try {
                line = Long.parseLong(source.substring(colon + 1));
                file = source.substring(0, colon);
            } catch (NumberFormatException e) {
                line = 0;
            }
        }
        return new DatasetException(Path.of(file), line, field, detail);
    }

    /** The field or column at fault, or null. */
    public String field() {
        return field;
    }
}
