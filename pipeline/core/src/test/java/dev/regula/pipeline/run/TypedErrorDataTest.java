package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.predict.Predictor;
import dev.regula.pipeline.predict.QualityGates;
import dev.regula.pipeline.spec.SpecException;
import dev.regula.pipeline.spec.SpecReader;
import dev.regula.pipeline.stage.Pipeline;
import dev.regula.pipeline.stage.validate.GateFailedException;
import dev.regula.models.runtime.RunnerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad inputs of each family (spec keys, data files, model metadata, gates) give errors whose
 * {@link Problem} holds the key path, file, line, expected and found as data, not only in the words:
 * front ends and tools read them from there.
 */
class TypedErrorDataTest {
    @TempDir
    static Path inputs;

    @BeforeAll
    static void writeInputs() throws Exception {
        TinyPipeline.writeInputs(inputs, 7);
    }

    private static Problem specProblem(String name, String yaml) throws Exception {
        Path dir = Files.createDirectories(inputs.resolve(name));
        Path spec = TinyPipeline.writeSpec(dir, yaml.replace("model: backbone.onnx", "model: ../backbone.onnx")
                .replace("tokenizer: tokenizer.json", "tokenizer: ../tokenizer.json")
                .replace("path: data.jsonl", "path: ../data.jsonl"));
        SpecException e = assertThrows(SpecException.class, () -> SpecReader.read(spec));
        assertThat(e.problem().file()).as(name + ": the spec file").isEqualTo(spec);
        assertThat(e.getMessage()).as(name + ": the message keeps naming the file").startsWith(spec.toString());
        return e.problem();
    }

    @Test
    void specKeyErrorsCarryTheKeyPathExpectedAndFound() throws Exception {
        String base = TinyPipeline.spec();

        Problem typo = specProblem("typo", base + "reprot: {title: x}\n");
        assertThat(typo.keyPath()).isEqualTo("reprot");
        assertThat(typo.found()).isEqualTo("reprot");
        assertThat(typo.expected()).startsWith("one of [").contains("report");

        Problem type = specProblem("type", base.replace("seed: 7", "seed: seven"));
        assertThat(type.keyPath()).isEqualTo("seed");
        assertThat(type.expected()).isEqualTo("a whole number");
        assertThat(type.found()).contains("seven");

        Problem range = specProblem("range", base.replace("min_accuracy: 0.5", "min_accuracy: 1.5"));
        assertThat(range.keyPath()).isEqualTo("validate.gates.min_accuracy");
        assertThat(range.expected()).isEqualTo("a number in [0, 1]");
        assertThat(range.found()).isEqualTo("1.5");

        Problem sum = specProblem("sum", base.replace("split: {train: 0.6, val: 0.2, test: 0.2}", "split: {train: 0.5, val: 0.2, test: 0.2}"));
        assertThat(sum.keyPath()).isEqualTo("split");
        assertThat(sum.expected()).isEqualTo("1");
        assertThat(Double.parseDouble(sum.found())).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-9));

        Problem emptyVal = specProblem("empty-val", base.replace("split: {train: 0.6, val: 0.2, test: 0.2}", "split: {train: 0.8, val: 0, test: 0.2}"));
        assertThat(emptyVal.keyPath()).isEqualTo("split.val");
        assertThat(emptyVal.expected()).isEqualTo("a fraction > 0");
        assertThat(emptyVal.found()).isEqualTo("0");

        Problem head = specProblem("head", base + "export: {head: nope}\n");
        assertThat(head.keyPath()).isEqualTo("export.head");
        assertThat(head.found()).isEqualTo("nope");
        assertThat(head.expected()).contains("'best'", "linear", "mlp");

        Problem kind = specProblem("kind", base.replace("kind: linear", "kind: forest"));
        assertThat(kind.keyPath()).isEqualTo("heads[0].kind");
        assertThat(kind.found()).isEqualTo("forest");
        assertThat(kind.expected()).isNotBlank();

        Problem missing = specProblem("missing", base.replace("path: data.jsonl", "path: no-such.jsonl"));
        assertThat(missing.keyPath()).isEqualTo("data.path");
        assertThat(missing.expected()).isEqualTo("an existing file");
        assertThat(missing.found()).endsWith("no-such.jsonl");

        Problem alias = specProblem("alias", base.replace("seed: 7", "seed: &s 7") + "report: {title: *s}\n");
        assertThat(alias.line()).as("the alias's line").isEqualTo(base.split("\n", -1).length);
        assertThat(alias.found()).isEqualTo("*s");
    }

    @Test
    void aBadDataRowCarriesTheDataKeyTheFileAndTheLine(@TempDir Path work) throws Exception {
        Path dir = Files.createDirectories(inputs.resolve("bad-data"));
        List<String> rows = Files.readAllLines(inputs.resolve("data.jsonl"), StandardCharsets.UTF_8);
        List<String> bad = new java.util.ArrayList<>(rows);
        bad.set(2, "{\"text\": \"no closing brace\"");
        Path data = Files.write(dir.resolve("data.jsonl"), bad, StandardCharsets.UTF_8);
        Path spec = TinyPipeline.writeSpec(dir, TinyPipeline.spec().replace("model: backbone.onnx", "model: ../backbone.onnx")
                .replace("tokenizer: tokenizer.json", "tokenizer: ../tokenizer.json"));
        RegulaException e = assertThrows(RegulaException.class, () -> Pipeline.run(new RunRequest(spec, work, null, false, null)));
        Problem p = e.problem();
        assertThat(p.file()).as(e.getMessage()).isEqualTo(data);
        assertThat(p.line()).as(e.getMessage()).isEqualTo(3);
        assertThat(p.keyPath()).as(e.getMessage()).isEqualTo("data");
        assertThat(e.getMessage()).startsWith(data + ":3: data: ");
    }

    @Test
    void aModelWithoutRegulasMetadataNamesTheFileAndWhatWasExpected() {
        Path model = inputs.resolve("backbone.onnx");
        RegulaException e = assertThrows(RegulaException.class, () -> Predictor.open(model, RunnerOptions.defaults()));
        assertThat(e.problem().file()).isEqualTo(model);
        assertThat(e.problem().expected()).isNotBlank();
        assertThat(e.getMessage()).startsWith(model + ": metadata key ").contains("is missing");
    }

    @Test
    void gateFailuresCarryTheGatesKeyWhatWasExpectedAndWhatWasFound() {
        GateFailedException e = new GateFailedException(List.of("accuracy 0.9012 < min_accuracy 0.95",
                "parity max |error| 0.002 > max_parity_error 0.001"), Map.of());
        assertThat(e.problem().keyPath()).isEqualTo("validate.gates");
        assertThat(e.problem().expected()).isEqualTo("min_accuracy 0.95; max_parity_error 0.001");
        assertThat(e.problem().found()).isEqualTo("accuracy 0.9012; parity max |error| 0.002");
        assertThat(e.getMessage()).isEqualTo("validate.gates: validation gates failed: accuracy 0.9012 < min_accuracy 0.95; "
                + "parity max |error| 0.002 > max_parity_error 0.001");

        QualityGates.BadGateException bad = assertThrows(QualityGates.BadGateException.class,
                () -> new QualityGates(1.5, null, null, null));
        assertThat(bad.key()).isEqualTo("min_accuracy");
        assertThat(bad.value()).isEqualTo(1.5);
        assertThat(bad.expected()).contains("[0, 1]");
    }
}
