package dev.regula.transfer.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The layouts Regula reads. Gzip-compressed files are accepted for every file format. */
public enum DatasetFormat {
    /** One JSON object per line, text in a field. */
    JSONL("jsonl", false),
    /** RFC 4180 CSV with a header row, text in a column. */
    CSV("csv", false),
    /** One sub-folder per label, one file per example. */
    FOLDERS("folders", false),
    /** CSV whose feature columns hold numbers. */
    NUMERIC_CSV("numeric-csv", true),
    /** JSON lines whose feature fields hold numbers (or arrays of numbers). */
    NUMERIC_JSONL("numeric-jsonl", true);

    private final String id;
    private final boolean numeric;

    DatasetFormat(String id, boolean numeric) {
        this.id = id;
        this.numeric = numeric;
    }

    /** The name used in specs and on the command line, e.g. {@code numeric-csv}. */
    public String id() {
        return id;
    }

    /** True when examples are vectors rather than texts. */
    public boolean numeric() {
        return numeric;
    }

    /** Parses a format name as written in a spec. */
    public static DatasetFormat parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (DatasetFormat f : values()) {
            if (f.id.equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown dataset format '" + name + "', expected one of "
                + Arrays.stream(values()).map(DatasetFormat::id).collect(Collectors.joining(", ", "[", "]")));
    }

    /** Guesses a text format from the path: a folder, {@code .jsonl[.gz]} or {@code .csv[.gz]}. */
    public static DatasetFormat guess(Path path) {
        if (Files.isDirectory(path)) {
            return FOLDERS;
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return JSONL;
        }
        if (name.endsWith(".csv")) {
            return CSV;
        }
        throw new IllegalArgumentException("cannot tell the format of '" + path
                + "' from its name; expected a folder, .jsonl[.gz] or .csv[.gz], or name the format");
    }
}
