package dev.regula.transfer.features;

import dev.regula.models.Folders;
import dev.regula.models.Hashing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/** Low-level file work for the store: little-endian payload files, hashed as written; tree deletion. */
final class StoreFiles {
    private static final int CHUNK_BYTES = 1 << 16;

    private StoreFiles() {}

    /** Writes {@code count} floats from position 0 of {@code data} as float32 LE, fsyncs, returns the entry. */
    static StoreManifest.FileEntry writeFloats(Path file, FloatBuffer data, long count) throws IOException {
        FloatBuffer src = data.duplicate();
        src.position(0).limit(Math.toIntExact(count));
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        MessageDigest md = Hashing.newSha256();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (src.hasRemaining()) {
                buf.clear();
                FloatBuffer view = buf.asFloatBuffer();
                int n = Math.min(view.capacity(), src.remaining());
                FloatBuffer part = src.slice();
                part.limit(n);
                view.put(part);
                src.position(src.position() + n);
                buf.limit(n * Float.BYTES);
                md.update(buf.array(), 0, n * Float.BYTES);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            ch.force(true);
        }
        return new StoreManifest.FileEntry(file.getFileName().toString(), count * Float.BYTES, Hashing.hex(md.digest()));
    }

    /** Writes ints as int32 LE, fsyncs, returns the entry. */
    static StoreManifest.FileEntry writeInts(Path file, int[] values) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asIntBuffer().put(values);
        String sha = Hashing.sha256(buf.array());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        return new StoreManifest.FileEntry(file.getFileName().toString(), (long) values.length * Integer.BYTES, sha);
    }

    /** Writes bytes and fsyncs. */
    static void writeBytes(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    /** Maps a float32 LE file read-only; the mapping outlives the channel. */
    static FloatBuffer mapFloats(Path file, long bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        }
    }

    static int[] readInts(Path file, int count) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        IntBuffer ib = b.asIntBuffer();
        int[] out = new int[count];
        ib.get(out);
        return out;
    }

    /** Deletes a folder and its contents; deepest first. */
    static void deleteTree(Path dir) throws IOException {
        Folders.deleteTree(dir);
    }
}
