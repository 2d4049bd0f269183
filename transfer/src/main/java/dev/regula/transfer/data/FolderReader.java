package dev.regula.transfer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One sub-folder per label, one regular file per example (its whole content is the text). Hidden entries
 * (names starting with '.') are skipped; files beside the label folders (a README, a licence) are ignored;
 * a folder inside a label folder is an error, since its files would silently be left out.
 * Everything is visited in sorted name order so the example order does not depend on the file system.
 */
final class FolderReader {
    private FolderReader() {}

    static List<Example> read(DatasetSpec spec, SkippedRows.Log log, long budgetBytes) throws DatasetException {
        Path root = spec.path();
        if (!Files.isDirectory(root)) {
            throw new DatasetException(root, 0, null, "the folders format needs a folder with one sub-folder per label");
        }
        List<Path> labelDirs = new ArrayList<>();
        for (Path p : sortedChildren(root)) {
            if (Files.isDirectory(p)) {
                labelDirs.add(p);
            }
        }
        if (labelDirs.isEmpty()) {
            throw new DatasetException(root, 0, null, "empty dataset: no label sub-folders");
        }
        List<Example> out = new KeptRows(budgetBytes);
        for (Path dir : labelDirs) {
            String label = dir.getFileName().toString();
            for (Path f : sortedChildren(dir)) {
                if (Files.isDirectory(f)) {
                    throw new DatasetException(f, 0, null, "unexpected folder inside label folder '" + label
                            + "'; label folders hold one file per example");
                }
                if (!Files.isRegularFile(f)) {
                    continue;
                }
                String text;
                try (TextFiles in = TextFiles.open(f)) {
                    text = in.readAll(DatasetReader.MAX_ROW_CHARS, "the file");
                }
                if (text.isBlank()) {
                    BadRow.handle(new BadRow("empty file", null, "empty file: no text"), f, 0, spec.badRows(), log);
                    continue;
                }
                out.add(new Example(text, null, label, null, null, f + ":1"));
            }
        }
        return out;
    }

    private static List<Path> sortedChildren(Path dir) throws DatasetException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new DatasetException(dir, 0, null, "cannot list folder: " + e, e);
        }
    }
}
