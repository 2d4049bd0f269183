package dev.regula.pipeline.spec;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A key path in a spec file (or in a section that options describe), to name in a
 * {@link SpecException}: {@code at.child(".members[" + i + "]").fail("'x' is listed twice")}.
 *
 * @param file the spec file, or the pseudo-file options are read as ({@code ensemble options})
 * @param path the key path, e.g. {@code ensemble.soup}
 */
public record SpecKey(Path file, String path) {
    public SpecKey {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(path, "path");
    }

    /** The key {@code suffix} below this one: {@code ".of[1]"}, {@code ".kind"}. */
    public SpecKey child(String suffix) {
        return new SpecKey(file, path + suffix);
    }

    /** The error at this key. */
    public SpecException fail(String detail) {
        return new SpecException(file, path, detail);
    }

    /** The error at this key, caused by {@code cause}. */
    public SpecException fail(String detail, Throwable cause) {
        return new SpecException(file, path, detail, cause);
    }
}
