package dev.regula.models;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Words for what an I/O call found. NIO's exceptions carry only the path as their message
 * ({@code FileAlreadyExistsException: /x}), so "cannot prepare X: " + e.getMessage() read
 * "cannot prepare X: X" and never said what was wrong.
 */
public final class IoErrors {
    private IoErrors() {
    }

    /** What failed, in words, naming the file; for example "/x exists and is not a folder". */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f) {
            String file = f.getFile();
            String what;
            if (e instanceof FileAlreadyExistsException) {
                what = " exists and is not a folder";
            } else if (e instanceof AccessDeniedException) {
                what = ": permission denied";
            } else if (e instanceof NoSuchFileException) {
                what = " does not exist";
            } else if (e instanceof NotDirectoryException) {
                what = " is not a folder";
            } else if (e instanceof DirectoryNotEmptyException) {
                what = " is a folder that is not empty";
            } else {
                what = ": " + (f.getReason() == null ? e.getClass().getSimpleName() : f.getReason());
            }
            String subject = file == null ? "the path" : file + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
            return subject + what;
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
