package dev.regula.transfer.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A data file read as a stream of strict UTF-8 characters, gunzipped first when it starts with the
 * gzip magic bytes, a leading BOM dropped. Nothing is read whole: memory is the buffers plus what
 * the caller keeps, so a file of any size (or one that never ends) costs time, not heap, and the
 * callers' caps ({@link DatasetReader#MAX_ROW_CHARS}) turn a runaway row into a clear error.
 * Only regular files are opened: {@code /dev/zero}, a FIFO or a terminal would never end.
 */
final class TextFiles implements Closeable {
    private static final int BUFFER = 1 << 16;

    private final Path file;
    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER).flip();
    private final CharBuffer chars = CharBuffer.allocate(BUFFER).flip();
    private boolean eof;
    private boolean flushed;
    /** Bytes decoded so far (from the start of the decompressed stream, BOM included), for error positions. */
    private long offset;
    private long byteLine = 1;
    private long byteColumn = 1;

    private TextFiles(Path file, InputStream in) {
        this.file = file;
        this.in = in;
    }

    /** Opens {@code file}; refuses anything but a regular file. */
    static TextFiles open(Path file) throws DatasetException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(file, 0, null, Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.exists(file)
                    ? "not a regular file (a device, pipe or socket); expected a data file"
                    : "no such file or folder");
        }
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        } catch (IOException e) {
            throw new DatasetException(file, 0, null, "cannot read: " + dev.regula.models.IoErrors.describe(e), e);
        }
        try {
            raw.mark(3);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, BUFFER) : raw;
            TextFiles t = new TextFiles(file, in);
            t.skipBom();
            return t;
        } catch (ZipException | java.io.EOFException e) {
            close(raw);
            throw new DatasetException(file, 0, null, "starts like gzip but is not valid gzip data: " + e.getMessage(), e);
        } catch (IOException e) {
            close(raw);
            throw new DatasetException(file, 0, null, "cannot read: " + dev.regula.models.IoErrors.describe(e), e);
        }
    }

    private void skipBom() throws IOException {
        in.mark(3);
        byte[] head = in.readNBytes(3);
        if (head.length == 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF) {
            offset = 3;
        } else if (in.markSupported()) {
            in.reset();
        } else {
            bytes.clear().put(head).flip();
        }
    }

    /** The next character without consuming it, or -1 at the end. */
    int peek() throws DatasetException {
        if (!chars.hasRemaining() && !fill()) {
            return -1;
        }
        return chars.get(chars.position());
    }

    /** The next character, or -1 at the end. */
    int read() throws DatasetException {
        if (!chars.hasRemaining() && !fill()) {
            return -1;
        }
        return chars.get();
    }

    /**
     * The next line without its {@code \n} (a trailing {@code \r} is kept, as a JSON parser skips it),
     * or null at the end.
     *
     * @param line the line's number, for the error when it is longer than {@code max} characters
     */
    String readLine(long line, int max, String what) throws DatasetException {
        if (peek() < 0) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (!chars.hasRemaining() && !fill()) {
                return sb.toString();
            }
            int start = chars.position();
            int end = start;
            int limit = chars.limit();
            while (end < limit && chars.get(end) != '\n') {
                end++;
            }
            if (sb.length() + (end - start) > max) {
                throw tooLong(line, max, what);
            }
            sb.append(chars.array(), chars.arrayOffset() + start, end - start);
            chars.position(end);
            if (end < limit) {
                chars.get(); // the newline
                return sb.toString();
            }
        }
    }

    /** The rest of the file, at most {@code max} characters. */
    String readAll(int max, String what) throws DatasetException {
        StringBuilder sb = new StringBuilder();
        while (chars.hasRemaining() || fill()) {
            if (sb.length() + chars.remaining() > max) {
                throw tooLong(0, max, what);
            }
            sb.append(chars);
            chars.position(chars.limit());
        }
        return sb.toString();
    }

    DatasetException tooLong(long line, int max, String what) {
        return new DatasetException(file, line, null, what + " is longer than " + max + " characters, the cap on one row"
                + " (DatasetReader.MAX_ROW_CHARS, see docs/reliability.md); is this the data file you meant?");
    }

    private boolean fill() throws DatasetException {
        chars.clear();
        try {
            while (chars.position() == 0) {
                if (flushed) {
                    break;
                }
                if (!eof && bytes.remaining() < 4) {
                    bytes.compact();
                    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                    if (n < 0) {
                        eof = true;
                    } else {
                        bytes.position(bytes.position() + n);
                    }
                    bytes.flip();
                }
                int before = bytes.position();
                CoderResult r = decoder.decode(bytes, chars, eof);
                track(before, bytes.position());
                if (r.isError()) {
                    throw malformed();
                }
                if (eof && !bytes.hasRemaining()) {
                    decoder.flush(chars);
                    flushed = true;
                }
            }
        } catch (ZipException | java.io.EOFException e) {
            throw new DatasetException(file, 0, null, "starts like gzip but is not valid gzip data: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DatasetException(file, 0, null, "cannot read: " + dev.regula.models.IoErrors.describe(e), e);
        }
        chars.flip();
        return chars.hasRemaining();
    }

    private void track(int from, int to) {
        byte[] a = bytes.array();
        for (int i = from; i < to; i++) {
            if (a[i] == '\n') {
                byteLine++;
                byteColumn = 1;
            } else {
                byteColumn++;
            }
        }
        offset += to - from;
    }

    private DatasetException malformed() {
        int bad = bytes.get(bytes.position()) & 0xff;
        return new DatasetException(file, byteLine, null, "not valid UTF-8: bad byte 0x" + String.format("%02x", bad)
                + " at byte offset " + offset + " (byte " + byteColumn + " of the line)");
    }

    @Override
    public void close() {
        close(in);
    }

    private static void close(InputStream s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }
}
