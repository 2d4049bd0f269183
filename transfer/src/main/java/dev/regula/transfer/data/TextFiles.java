package dev.regula.transfer.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reads a whole file as strict UTF-8, gunzipping it first when it starts with the gzip magic bytes. */
final class TextFiles {
    private TextFiles() {}

    /** The decoded text; an empty file (no bytes, or only whitespace) is an error. */
    static String readNonEmpty(Path file) throws DatasetException {
        String s = read(file);
        if (s.isBlank()) {
            throw new DatasetException(file, 0, null, "empty file: no data rows");
        }
        return s;
    }

    /** The decoded text, BOM removed; may be empty. */
    static String read(Path file) throws DatasetException {
        return decode(file, bytes(file));
    }

    static byte[] bytes(Path file) throws DatasetException {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DatasetException(file, 0, null, "cannot read: " + e, e);
        }
        if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 1 << 16)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 4);
                in.transferTo(out);
                return out.toByteArray();
            } catch (ZipException | java.io.EOFException e) {
                throw new DatasetException(file, 0, null, "starts like gzip but is not valid gzip data: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new DatasetException(file, 0, null, "cannot decompress: " + e, e);
            }
        }
        return raw;
    }

    static String decode(Path file, byte[] bytes) throws DatasetException {
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length - start);
        CoderResult r = dec.decode(in, out, true);
        if (!r.isError()) {
            r = dec.flush(out);
        }
        if (r.isError()) {
            int at = in.position();
            long line = 1;
            int col = 1;
            for (int i = start; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            throw new DatasetException(file, line, null, "not valid UTF-8: bad byte 0x"
                    + String.format("%02x", bytes[at] & 0xff) + " at byte offset " + at + " (byte " + col + " of the line)");
        }
        out.flip();
        return out.toString();
    }
}
