package dev.regula.transfer.tune;

import dev.regula.models.AtomicFiles;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.BufferedInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Out-of-fold probabilities on disk: {@code int rows, int classes}, then {@code rows·classes} float32,
 * big-endian; a row no fold held out is written as NaNs and read back as null. Written atomically.
 */
public final class OutOfFold {
    private OutOfFold() {}

    public static void write(Path file, float[][] proba, int classes) throws IOException {
        AtomicFiles.write(file, stream -> {
            DataOutputStream out = new DataOutputStream(stream);
            out.writeInt(proba.length);
            out.writeInt(classes);
            for (float[] row : proba) {
                for (int c = 0; c < classes; c++) {
                    out.writeFloat(row == null ? Float.NaN : row[c]);
                }
            }
            out.flush();
        });
    }

    public static float[][] read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int rows = in.readInt();
            int classes = in.readInt();
            if (rows < 0 || classes < 1 || (long) rows * classes * 4 + 8 != Files.size(file)) {
                throw new IOException(file + ": not an out-of-fold file (header says " + rows + " x " + classes
                        + ", file has " + Files.size(file) + " bytes)");
            }
            float[][] out = new float[rows][];
            for (int i = 0; i < rows; i++) {
                float[] row = new float[classes];
                for (int c = 0; c < classes; c++) {
                    row[c] = in.readFloat();
                }
                out[i] = Float.isNaN(row[0]) ? null : row;
            }
            return out;
        }
    }
}
