package dev.regula.models;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Hidden temporary files and folders that become outputs by a rename. Unlike
 * {@link Files#createTempFile} and {@link Files#createTempDirectory}, which make them owner-only
 * (0600 and 0700) so that the renamed output keeps those modes, these are created like any other
 * new file: with the user's umask.
 */
public final class TempPaths {
    private static final int ATTEMPTS = 16;

    private TempPaths() {
    }

    /** A new empty file {@code dir/<prefix><random><suffix>}. */
    public static Path file(Path dir, String prefix, String suffix) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve(prefix + Folders.randomHex() + suffix);
            try {
                Files.newByteChannel(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return p;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** A new empty folder {@code dir/<prefix><random>}. */
    public static Path folder(Path dir, String prefix) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                return Files.createDirectory(dir.resolve(prefix + Folders.randomHex()));
            } catch (FileAlreadyExistsException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
