package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.OnnxModel;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.predict.Predictor;
import dev.regula.pipeline.stage.Pipeline;
import dev.regula.pipeline.stage.validate.ValidateStep;
import dev.regula.transfer.data.DatasetFormat;
import dev.regula.transfer.export.ExportMetadata;
import dev.regula.transfer.data.DatasetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export folder as a hostile or careless user may hand it over: metadata naming a tokenizer
 * outside the folder, outputs removed, a holdout with one class. Everything is refused (or
 * accepted) before any text is run, with a message that says what was expected.
 */
class ExportFolderInputsTest {
    @TempDir
    static Path dir;
    static Path export;

    @BeforeAll
    static void exportOnce() throws Exception {
        TinyPipeline.writeInputs(dir, 11);
        Path spec = TinyPipeline.writeSpec(dir, TinyPipeline.spec());
        export = Pipeline.run(new RunRequest(spec, dir.resolve("work"), null, false, null)).model().getParent();
    }

    /** A copy of the export folder whose model is rewritten by {@code edit}. */
    private static Path tampered(String name, java.util.function.UnaryOperator<OnnxModel> edit) throws Exception {
        Path copy = Files.createDirectories(dir.resolve("tampered").resolve(name));
        try (Stream<Path> files = Files.list(export)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                }
            }
        }
        edit.apply(OnnxModel.read(copy.resolve("model.onnx"))).write(copy.resolve("model.onnx"));
        return copy;
    }

    private static Path withTokenizer(String name, String location) throws Exception {
        return tampered(name, m -> m.withMetadata(Map.of(ExportMetadata.KEY_TOKENIZER_FILE, location)));
    }

    private static String openError(Path folder) {
        try (Predictor p = Predictor.open(folder, RunnerOptions.defaults())) {
            throw new AssertionError("opened " + folder);
        } catch (RegulaException e) {
            return e.getMessage();
        }
    }

    @Test
    void aTokenizerOutsideTheFolderIsRefusedAlikeWhetherItExistsOrNot() throws Exception {
        // dir/tokenizer.json exists (the pipeline's input), dir/nope.json does not
        String exists = openError(withTokenizer("up-exists", "../../tokenizer.json"));
        String missing = openError(withTokenizer("up-missing", "../../nope.json"));
        assertThat(exists).contains("regula.tokenizer.file").contains("leaves the model's folder");
        assertThat(exists.replace("up-exists", "X").replace("tokenizer.json", "Y"))
                .isEqualTo(missing.replace("up-missing", "X").replace("nope.json", "Y"));
        assertThat(openError(withTokenizer("absolute", dir.resolve("tokenizer.json").toString())))
                .contains("absolute locations are refused");
        assertThat(openError(withTokenizer("passwd", "/etc/passwd"))).contains("absolute locations are refused");
    }

    @Test
    void aTokenizerSymlinkedOutOfTheFolderIsRefused() throws Exception {
        Path linked = tampered("linked", m -> m);
        Files.delete(linked.resolve("tokenizer.json"));
        Files.createSymbolicLink(linked.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        assertThat(openError(linked)).contains("symbolic link out of the model's folder");
        Path dangling = tampered("dangling", m -> m);
        Files.delete(dangling.resolve("tokenizer.json"));
        Files.createSymbolicLink(dangling.resolve("tokenizer.json"), dir.resolve("nope.json"));
        assertThat(openError(dangling).replace("dangling", "linked")).isEqualTo(openError(linked));
    }

    @Test
    void aMissingTokenizerInsideTheFolderSaysKeepTheFolderTogether() throws Exception {
        Path lone = tampered("lone", m -> m);
        Files.delete(lone.resolve("tokenizer.json"));
        assertThat(openError(lone)).contains("does not exist").contains("keep the export folder together");
    }

    @Test
    void anExportWithoutItsOutputsSaysWhatWasExpected() throws Exception {
        Path noLabel = tampered("no-label", m -> {
            ModelProto.Builder b = m.proto().toBuilder();
            b.getGraphBuilder().removeOutput(1);
            return m.withProto(b.build());
        });
        assertThat(openError(noLabel)).contains("expected the outputs of a Regula export, 'probabilities'")
                .contains("'label' (int64 [batch])").contains("the graph's outputs are [probabilities]");
    }

    @Test
    void aOneClassHoldoutIsMeasuredNotRefused() throws Exception {
        List<String> hams = Files.readAllLines(dir.resolve("data.jsonl")).stream().filter(l -> l.contains("\"ham\"")).limit(20).toList();
        Path data = Files.write(dir.resolve("ham-only.jsonl"), hams);
        ValidateStep.Result r = ValidateStep.run(new ValidateStep.Request(export,
                DatasetSpec.of(data, DatasetFormat.JSONL), RunnerOptions.defaults()));
        assertThat(r.rows()).isEqualTo(20);
        assertThat(r.metrics().accuracy()).isBetween(0.0, 1.0);
        assertThat(r.metrics().nll()).isFinite();
    }

    private static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS line in /proc/self/status");
    }

    /** RSS after a GC, the smallest of a few reads: allocator and GC jitter only ever add. */
    private static long settledRssKb() throws Exception {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            min = Math.min(min, rssKb());
        }
        return min;
    }

    /** Issue 16: 10,000 predict calls through one Predictor, and the process does not grow. */
    @Test
    void tenThousandPredictCallsThroughOnePredictorDoNotGrowTheProcess() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/status")), "needs Linux /proc");
        List<String> texts = List.of("w1 w2 w3", "w5 w6", "w2 w9 w9 w1", "w7");
        try (Predictor p = Predictor.open(export, RunnerOptions.defaults())) {
            // Warm-up: RSS climbs for the first ~13,000 calls of a fresh JVM (JIT-compiled code, ONNX
            // Runtime's arenas) with a flat Java heap, then stays flat: a 61,000-call run read 273-285 MB
            // from call 3,000 on, 284.3-284.8 MB from 13,000 to 41,000, and 273 MB after.
            for (int i = 0; i < 15_000; i++) {
                p.predict(List.of(texts.get(i % texts.size())));
            }
            // RSS sampled every 1,000 calls; the allocator's jitter (a fresh malloc arena, a page not yet
            // returned) only ever adds, so the smallest of the first and of the last samples are compared:
            // a leak lifts every later sample, a spike lifts one.
            long[] rss = new long[11];
            long[] heap = new long[11];
            for (int s = 0; s <= 10; s++) {
                if (s > 0) {
                    for (int i = 0; i < 1000; i++) {
                        p.predict(List.of(texts.get(i % texts.size())));
                    }
                }
                rss[s] = settledRssKb();
                heap[s] = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            }
            long before = Math.min(rss[0], rss[1]);
            long after = Math.min(rss[8], Math.min(rss[9], rss[10]));
            double ratio = (double) after / before;
            System.out.printf(java.util.Locale.ROOT, "memory=predict calls=10000 rss_kb_before=%d rss_kb_after=%d ratio=%.4f"
                    + " heap_kb_before=%d heap_kb_after=%d samples_kb=%s%n", before, after, ratio, heap[0] / 1024, heap[10] / 1024,
                    java.util.Arrays.toString(rss));
            assertThat(ratio).as("RSS after 10,000 calls / before, samples %s kB", java.util.Arrays.toString(rss))
                    .isLessThanOrEqualTo(1.05);
            assertThat(heap[10]).as("Java heap after GC, bytes").isLessThan(heap[0] + (4L << 20));
        }
    }
}
