package dev.regula.transfer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: comma-separated fields, records ending in CRLF or LF, fields optionally in double quotes;
 * inside quotes a doubled quote is a quote and commas and line breaks are data. Blank lines are skipped.
 * A quote inside an unquoted field, text after a closing quote, and an unterminated quote are errors: they
 * mean the file is not the CSV the user thinks, and guessing would shift every later column.
 */
final class CsvParser {
    /** One record and the line it starts on. */
    record Record(long line, List<String> fields) {}

    private CsvParser() {}

    static List<Record> parse(Path file, String s) throws DatasetException {
        List<Record> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        long line = 1;
        while (i < n) {
            long startLine = line;
            List<String> fields = new ArrayList<>();
            boolean anyQuoted = false;
            StringBuilder sb = new StringBuilder();
            boolean endOfRecord = false;
            while (!endOfRecord) {
                sb.setLength(0);
                if (i < n && s.charAt(i) == '"') {
                    anyQuoted = true;
                    long quoteLine = line;
                    i++;
                    while (true) {
                        if (i >= n) {
                            throw new DatasetException(file, quoteLine, null, "unterminated quoted field (the quote opens on this line)");
                        }
                        char c = s.charAt(i);
                        if (c == '"') {
                            if (i + 1 < n && s.charAt(i + 1) == '"') {
                                sb.append('"');
                                i += 2;
                                continue;
                            }
                            i++;
                            break;
                        }
                        if (c == '\n') {
                            line++;
                        }
                        sb.append(c);
                        i++;
                    }
                    if (i < n && s.charAt(i) != ',' && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                        throw new DatasetException(file, line, null, "unexpected character '" + s.charAt(i)
                                + "' after a closing quote; expected a comma or the end of the line");
                    }
                } else {
                    while (i < n) {
                        char c = s.charAt(i);
                        if (c == ',' || c == '\n' || c == '\r') {
                            break;
                        }
                        if (c == '"') {
                            throw new DatasetException(file, line, null,
                                    "quote inside an unquoted field; a field holding quotes must be quoted, with quotes doubled");
                        }
                        sb.append(c);
                        i++;
                    }
                }
                fields.add(sb.toString());
                if (i >= n) {
                    endOfRecord = true;
                } else if (s.charAt(i) == ',') {
                    i++;
                } else {
                    if (s.charAt(i) == '\r') {
                        i++;
                    }
                    if (i < n && s.charAt(i) == '\n') {
                        i++;
                        line++;
                    }
                    endOfRecord = true;
                }
            }
            boolean blank = !anyQuoted && fields.size() == 1 && fields.get(0).isBlank();
            if (!blank) {
                out.add(new Record(startLine, fields));
            }
        }
        return out;
    }
}
