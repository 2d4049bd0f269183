package dev.regula.transfer;

import java.nio.file.Path;

/**
 * The root of every checked failure of {@code transfer} (backbone import, data, encoding, feature
 * extraction and storage, export), so a caller catches one type. It carries the file and line at
 * fault where there is one; the message starts with that location ({@code file:line: } or
 * {@code file: }) and goes on with {@link #detail()}.
 */
public abstract class TransferException extends Exception {
    private final transient Path file;
    private final long line;
    private final String detail;

    /**
     * @param file the file or folder at fault, or null
     * @param line its 1-based line, or 0 when the fault concerns the whole file (or there is no file)
     * @param detail what was wrong and what was expected
     */
    protected TransferException(Path file, long line, String detail, Throwable cause) {
        super(file == null ? detail : location(file, line) + ": " + detail, cause);
        this.file = file;
        this.line = Math.max(0, line);
        this.detail = detail;
    }

    private static String location(Path file, long line) {
        return line > 0 ? file + ":" + line : String.valueOf(file);
    }

    /** The file or folder at fault, or null when the fault is not tied to one. */
    public Path file() {
        return file;
    }

    /** 1-based line in {@link #file()}, or 0 when the fault concerns the whole file. */
    public long line() {
        return line;
    }

    /** The message without the location prefix. */
    public String detail() {
        return detail;
    }
}
