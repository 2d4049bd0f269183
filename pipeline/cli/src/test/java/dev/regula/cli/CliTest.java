package dev.regula.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes, help and output of the CLI, run in-process with captured streams. */
class CliTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void helpAndVersion() {
        CliRun help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("inspect", "features", "Exit codes");
        for (String cmd : new String[] {"inspect", "features", "predict", "validate", "run"}) {
            CliRun h = run(cmd, "--help");
            assertThat(h.code()).as(cmd).isZero();
            assertThat(h.out()).as(cmd).contains("Usage: regula " + cmd);
        }
        CliRun v = run("--version");
        assertThat(v.code()).isZero();
        assertThat(v.out()).startsWith("regula ");
    }

    @Test
    void commandListShowsOneWholeSentencePerCommand() {
        // `regula --help` lists each command with the first line of its description
        picocli.CommandLine cli = new picocli.CommandLine(new RegulaCommand());
        for (Map.Entry<String, picocli.CommandLine> e : cli.getSubcommands().entrySet()) {
            String[] description = e.getValue().getCommandSpec().usageMessage().description();
            assertThat(description).as(e.getKey()).isNotEmpty();
            assertThat(description[0]).as(e.getKey()).endsWith(".").hasSizeLessThanOrEqualTo(110);
        }
    }

    @Test
    void usageErrorsExitTwo() {
        CliRun unknown = run("inspekt", "x.onnx");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("inspect");
        CliRun missing = run("features", "--data", "d.jsonl");
        assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("--out");
        CliRun noSource = run("features", "--data", "d.jsonl", "--out", "o");
        assertThat(noSource.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noSource.err()).contains("--backbone", "--feature-model");
        assertThat(run().code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void inspectPrintsTableAndJson() throws Exception {
        GraphBuilder g = GraphBuilder.create("tiny");
        OnnxRef x = g.input("x", ElemType.FLOAT, "batch", 2);
        g.output(g.softmax(g.matMul(x, g.initializer("W", new float[][] {{1, 2}, {3, 4}})), -1), "probabilities",
                ElemType.FLOAT, "batch", 2);
        Path model = dir.resolve("tiny.onnx");
        g.build().withMetadata(Map.of("regula.classes", "[\"a\",\"b\"]")).write(model);

        CliRun table = run("inspect", model.toString());
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("x", "probabilities", "[batch, 2]", "regula.classes");
        CliRun json = run("inspect", "--json", model.toString());
        assertThat(json.code()).isZero();
        assertThat(json.out().trim()).startsWith("{").contains("\"probabilities\"");
    }

    @Test
    void badModelIsExitOneWithAMessageAndNoStackTrace() throws Exception {
        Path notOnnx = dir.resolve("notes.onnx");
        Files.writeString(notOnnx, "not a model at all, just some text that protobuf cannot read as a model");
        CliRun r = run("inspect", notOnnx.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).contains("notes.onnx").doesNotContain("at com.google.protobuf", "Exception:");
        CliRun missing = run("inspect", dir.resolve("absent.onnx").toString());
        assertThat(missing.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(missing.err()).contains("absent.onnx");
    }

    @Test
    void predictNeedsOneSourceAndARegulaExport() throws Exception {
        CliRun none = run("predict", "m.onnx");
        assertThat(none.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).startsWith("error: Missing required argument").contains("--text", "--input");
        assertThat(run("predict", "m.onnx", "--text", "a", "--input", "f.txt").code()).isEqualTo(ExitCodes.USAGE);
        GraphBuilder g = GraphBuilder.create("plain");
        OnnxRef x = g.input("x", ElemType.FLOAT, "batch", 2);
        g.output(g.relu(x), "y", ElemType.FLOAT, "batch", 2);
        Path model = dir.resolve("plain.onnx");
        g.build().write(model);
        CliRun r = run("predict", model.toString(), "--text", "hello");
        assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).contains("plain.onnx", "regula.classes");
    }
}
