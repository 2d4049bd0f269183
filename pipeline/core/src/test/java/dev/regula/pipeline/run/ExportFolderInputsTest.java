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
        return tampered(name, m -> m.withMetadata(Map.of(Predictor.KEY_TOKENIZER_FILE, location)));
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
}
