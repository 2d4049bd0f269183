package dev.regula.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A file named by text that came from a model (external-data locations, {@code regula.tokenizer.file}):
 * that text is attacker-controlled, so the file must lie inside the model's folder. No absolute
 * paths, no {@code ..} climbing out, no symbolic link leading out.
 *
 * <p>Links are followed one hop at a time on their text, not by asking the file system for the
 * real path, so a path that leaves the folder is refused with the same message whether its
 * target exists or not: the refusal reveals nothing about files outside the folder.
 */
public final class ConfinedPath {
    /** Link hops followed before giving up (the kernel's own limit is 40). */
    private static final int MAX_HOPS = 40;

    private ConfinedPath() {
    }

    /** Why a location was refused; {@link #reason()} reads after "location 'x' ". */
    public static final class RefusedException extends IOException {
        private final String location;
        private final Path folder;
        private final String reason;

        RefusedException(String location, Path folder, String reason) {
            super("location '" + location + "' " + reason);
            this.location = location;
            this.folder = folder;
            this.reason = reason;
        }

        public String location() {
            return location;
        }

        public Path folder() {
            return folder;
        }

        public String reason() {
            return reason;
        }
    }

    /**
     * The file {@code location} names inside {@code folder}, checked as described above.
     *
     * @throws RefusedException when the location is empty, absolute, not a path, leaves the folder
     *     (lexically or through a link), or names a file that does not exist inside it
     */
    public static Path resolve(Path folder, String location) throws RefusedException {
        if (location == null || location.isBlank()) {
            throw new RefusedException(String.valueOf(location), folder, "is empty; expected a file name");
        }
        if (location.startsWith("/") || location.startsWith("\\") || location.matches("^[A-Za-z]:.*")) {
            throw new RefusedException(location, folder,
                    "is refused: absolute locations are refused; expected a path relative to the model's folder");
        }
        Path base = folder.toAbsolutePath().normalize();
        Path realBase;
        try {
            realBase = base.toRealPath();
        } catch (IOException e) {
            throw new RefusedException(location, folder, "cannot be looked up: the model's folder " + base
                    + " cannot be resolved (" + e.getMessage() + ")");
        }
        Path file;
        try {
            file = base.resolve(location).normalize();
        } catch (InvalidPathException e) {
            throw new RefusedException(location, folder, "is not a valid file path: " + e.getReason());
        }
        if (!inside(file, base, realBase)) {
            throw leaves(location, base);
        }
        Path cur = base;
        for (Path name : base.relativize(file)) {
            cur = cur.resolve(name);
            int hops = 0;
            while (Files.isSymbolicLink(cur)) {
                if (++hops > MAX_HOPS) {
                    throw new RefusedException(location, folder, "goes through more than " + MAX_HOPS + " symbolic links");
                }
                Path target;
                try {
                    target = cur.getParent().resolve(Files.readSymbolicLink(cur)).normalize();
                } catch (IOException | InvalidPathException e) {
                    throw new RefusedException(location, folder, "goes through a symbolic link that cannot be read");
                }
                if (!inside(target, base, realBase)) {
                    throw symlinkOut(location, base);
                }
                cur = target;
            }
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            throw new RefusedException(location, folder, "names " + file + ", which does not exist");
        } catch (IOException e) {
            throw new RefusedException(location, folder, "names " + file + ", which cannot be resolved: " + e.getMessage());
        }
        if (!real.startsWith(realBase)) {
            throw symlinkOut(location, base);
        }
        return real;
    }

    private static boolean inside(Path p, Path base, Path realBase) {
        return (p.startsWith(base) && !p.equals(base)) || (p.startsWith(realBase) && !p.equals(realBase));
    }

    private static RefusedException leaves(String location, Path base) {
        return new RefusedException(location, base,
                "leaves the model's folder " + base + "; expected a file inside it");
    }

    private static RefusedException symlinkOut(String location, Path base) {
        return new RefusedException(location, base, "goes through a symbolic link out of the model's folder "
                + base + "; refused");
    }
}
