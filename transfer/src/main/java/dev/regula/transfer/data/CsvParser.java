package dev.regula.transfer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: comma-separated fields, records ending in CRLF or LF, fields optionally in double quotes;
 * inside quotes a doubled quote is a quote and commas and line breaks are data. Blank lines are skipped.
 * A quote inside an unquoted field, text after a closing quote, and an unterminated quote are errors: they
 * mean the file is not the CSV the user thinks, and guessing would shift every later column.
 *
 * <p>Records are parsed one at a time from the stream; one record may hold at most
 * {@link DatasetReader#MAX_ROW_CHARS} characters (an unterminated quote would otherwise swallow the file).
 */
final class CsvParser {
    /** One record and the line it starts on. */
    record Record(long line, List<String> fields) {}

    private final Path file;
    private final TextFiles in;
    private long line = 1;

    CsvParser(Path file, TextFiles in) {
        this.file = file;
        this.in = in;
    }

    /** The next non-blank record, or null at the end of the file. */
    Record next() throws DatasetException {
        while (in.peek() >= 0) {
            long startLine = line;
            List<String> fields = new ArrayList<>();
            boolean anyQuoted = false;
            StringBuilder sb = new StringBuilder();
            long size = 0;
            boolean endOfRecord = false;
            while (!endOfRecord) {
                sb.setLength(0);
                if (in.peek() == '"') {
                    anyQuoted = true;
                    long quoteLine = line;
                    in.read();
                    while (true) {
                        int c = in.read();
                        if (c < 0) {
                            throw new DatasetException(file, quoteLine, null, "unterminated quoted field (the quote opens on this line)");
                        }
                        if (c == '"') {
                            if (in.peek() == '"') {
                                in.read();
                                sb.append('"');
                                continue;
                            }
                            break;
                        }
                        if (c == '\n') {
                            line++;
                        }
                        sb.append((char) c);
                        if (size + sb.length() > DatasetReader.MAX_ROW_CHARS) {
                            throw in.tooLong(startLine, DatasetReader.MAX_ROW_CHARS, "the record starting on this line");
                        }
                    }
                    int c = in.peek();
                    if (c >= 0 && c != ',' && c != '\n' && c != '\r') {
                        throw new DatasetException(file, line, null, "unexpected character '" + (char) c
                                + "' after a closing quote; expected a comma or the end of the line");
                    }
                } else {
                    while (true) {
                        int c = in.peek();
                        if (c < 0 || c == ',' || c == '\n' || c == '\r') {
                            break;
                        }
                        if (c == '"') {
                            throw new DatasetException(file, line, null,
                                    "quote inside an unquoted field; a field holding quotes must be quoted, with quotes doubled");
                        }
                        sb.append((char) in.read());
                        if (size + sb.length() > DatasetReader.MAX_ROW_CHARS) {
                            throw in.tooLong(startLine, DatasetReader.MAX_ROW_CHARS, "the record starting on this line");
                        }
                    }
                }
                fields.add(sb.toString());
                size += sb.length() + 1;
                int c = in.peek();
                if (c < 0) {
                    endOfRecord = true;
                } else if (c == ',') {
                    in.read();
                } else {
                    if (c == '\r') {
                        in.read();
                    }
                    if (in.peek() == '\n') {
                        in.read();
                        line++;
                    }
                    endOfRecord = true;
                }
            }
            boolean blank = !anyQuoted && fields.size() == 1 && fields.get(0).isBlank();
            if (!blank) {
                return new Record(startLine, fields);
            }
        }
        return null;
    }
}
