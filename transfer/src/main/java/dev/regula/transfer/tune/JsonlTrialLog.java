package dev.regula.transfer.tune;

import dev.regula.models.AtomicFiles;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code trials.jsonl}: one {@link TuneJson#trialLine} per finished trial-rung, appended (and flushed)
 * as trials finish, so a killed run resumes from them; a torn last line is ignored. At the end the file
 * is rewritten atomically with one line per trial (its final record) ordered by id, which makes it
 * byte-identical across runs whatever the thread scheduling was. Out-of-fold probabilities go to
 * {@code <oofDir>/<id>.r<rung>.f32} ({@link OutOfFold}).
 */
public final class JsonlTrialLog implements TrialLog {
    private final Path file;
    private final Path oofDir;
    private final int classes;

    /**
     * @param file the trials.jsonl file
     * @param oofDir folder for out-of-fold files, or null to keep them in memory only
     * @param classes number of classes (for the out-of-fold files)
     */
    public JsonlTrialLog(Path file, Path oofDir, int classes) {
        this.file = file;
        this.oofDir = oofDir;
        this.classes = classes;
    }

    @Override
    public synchronized List<TrialResult> completed() throws IOException {
        List<TrialResult> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            TrialResult r;
            try {
                r = TuneJson.parseTrial(line);
            } catch (RuntimeException e) {
                if (i == lines.size() - 1) {
                    break; // a run killed mid-write leaves a partial last line: that trial simply runs again
                }
                throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
            float[][] oof = null;
            Path p = oofFile(r);
            if (p != null && Files.exists(p)) {
                oof = OutOfFold.read(p);
            }
            out.add(new TrialResult(r.config(), r.rung(), r.status(), r.folds(), r.rungs(), oof));
        }
        return out;
    }

    @Override
    public synchronized void append(TrialResult result) throws IOException {
        Path p = oofFile(result);
        if (p != null && result.oof() != null) {
            OutOfFold.write(p, result.oof(), classes);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            w.write(TuneJson.trialLine(result));
            w.write('\n');
        }
    }

    @Override
    public synchronized void finish(List<TrialResult> finals) throws IOException {
        StringBuilder s = new StringBuilder();
        for (TrialResult r : finals) {
            s.append(TuneJson.trialLine(r)).append('\n');
        }
        AtomicFiles.writeString(file, s);
    }

    private Path oofFile(TrialResult r) {
        return oofDir == null ? null : oofDir.resolve(r.id() + ".r" + r.rung() + ".f32");
    }
}
