package dev.regula.models;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Whole-folder moves for artifacts that must never be seen half-written: a folder is filled under
 * a staging name and then {@link #replace replaces} its target in renames. Used by every stage,
 * store and export that writes a folder.
 */
public final class Folders {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Folders() {
    }

    /**
     * Moves the finished folder {@code staging} onto {@code target}. A missing target takes one
     * rename. An existing one takes two: the old folder aside (a hidden sibling), the new one in;
     * if the second rename fails the old folder is moved back. The old folder is then deleted.
     */
    public static void replace(Path staging, Path target) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            move(staging, target);
            return;
        }
        Path aside = target.resolveSibling("." + target.getFileName() + ".old-" + randomHex());
        move(target, aside);
        try {
            move(staging, target);
        } catch (IOException e) {
            try {
                move(aside, target);
            } catch (IOException restore) {
                e.addSuppressed(restore);
            }
            throw e;
        }
        deleteTree(aside);
    }

    /** A rename, atomic where the file system allows it. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        } catch (DirectoryNotEmptyException e) {
            throw new IOException("cannot move " + from + " to " + to + ": the target appeared meanwhile and is not empty", e);
        }
    }

    /** Deletes a folder and everything in it, deepest first; links are deleted, never followed. No-op when absent. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** 12 random hex digits, for names of asides and staging folders. */
    public static String randomHex() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
