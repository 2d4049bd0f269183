package dev.regula.cli;

import dev.regula.pipeline.run.TinyInputs;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code features → train → ensemble → export → validate/predict}, each command on explicit folders,
 * on a tiny generated text backbone (Gather → MatMul → Relu over a 10-word vocabulary) and generated
 * two-class data; then the bad inputs each command must refuse with exit 1 or 2 and a clear message.
 */
class StageCommandsTest {
    @TempDir
    static Path dir;
    static Path features;
    static Path heads;
    static final ObjectMapper JSON = new ObjectMapper();

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    @BeforeAll
    static void featuresAndHeads() throws Exception {
        TinyInputs.write(dir, 21);
        CliRun f = run("features", "--backbone", p("backbone.onnx"), "--tokenizer", p("tokenizer.json"), "--max-length", "16",
                "--data", p("data.jsonl"), "--split", "0.6,0.2,0.2", "--threads", "1", "--out", p("features"), "--json");
        assertThat(f.code()).as(f.err()).isZero();
        features = dir.resolve("features");
        assertThat(features.resolve("tokenizer.json")).hasSameBinaryContentAs(dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("heads.yaml"), """
                seed: 3
                heads:
                  - {name: linear, kind: linear, training: {learning_rate: 0.05, epochs: 6, batch_size: 16}}
                  - name: mlp
                    kind: mlp
                    hidden_sizes: [8]
                    regularization: {dropout: {kind: standard, rate: 0.1}, weight_decay: 0.01}
                    training: {learning_rate: 0.02, epochs: 6, batch_size: 16}
                """);
        CliRun t = run("train", "--features", features.toString(), "--heads", p("heads.yaml"), "--out", p("heads"));
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("train: linear best epoch", "train: mlp best epoch", "heads: " + p("heads"));
        heads = dir.resolve("heads");
    }

    @Test
    void trainWritesThePipelinesHeadFilesAndIsDeterministic() throws Exception {
        for (String f : List.of("heads.json", "linear/head.json", "linear/history.json", "mlp/head.json", "mlp/history.json")) {
            assertThat(heads.resolve(f)).isRegularFile();
        }
        CliRun again = run("train", "--features", features.toString(), "--heads", p("heads.yaml"), "--out", p("heads-again"), "--json");
        assertThat(again.code()).as(again.err()).isZero();
        JsonNode j = JSON.readTree(again.out());
        assertThat(j.get("heads").fieldNames()).toIterable().containsExactly("linear", "mlp");
        assertThat(dir.resolve("heads-again/mlp/head.json")).hasSameBinaryContentAs(heads.resolve("mlp/head.json"));
        // rerunning onto an earlier output replaces it; no staging folder is left beside it
        assertThat(run("train", "--features", features.toString(), "--heads", p("heads.yaml"), "--out", p("heads-again")).code())
                .isZero();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(x -> x.getFileName().toString())).noneMatch(n -> n.contains("staging"));
        }
    }

    @Test
    void oneHeadByOptions() throws Exception {
        CliRun r = run("train", "--features", features.toString(), "--kind", "mlp", "--name", "small", "--hidden-sizes", "4",
                "--dropout", "0.2", "--epochs", "3", "--learning-rate", "0.02", "--out", p("one-head"), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode head = JSON.readTree(dir.resolve("one-head/small/head.json").toFile());
        assertThat(head.at("/spec/hidden_sizes/0").asInt()).isEqualTo(4);
        assertThat(head.at("/regularization/dropout/rate").asDouble()).isEqualTo(0.2);
        assertThat(head.at("/training/epochs").asInt()).isEqualTo(3);
        CliRun bad = run("train", "--features", features.toString(), "--kind", "mlp", "--hidden-sizes", "4", "--dropout", "1.5",
                "--out", p("bad-head"));
        assertThat(bad.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(bad.err()).contains("--dropout (regularization.dropout.rate): 1.5 is not in [0, 1)").doesNotContain("Exception");
        assertThat(dir.resolve("bad-head")).doesNotExist();
    }

    @Test
    void chainEnsembleExportThenValidateAndPredict() throws Exception {
        CliRun e = run("ensemble", "--features", features.toString(), "--heads", heads.toString(), "--combiner", "weighted",
                "--combiner-option", "strength=0.1", "--out", p("ens"), "--json");
        assertThat(e.code()).as(e.err()).isZero();
        JsonNode ej = JSON.readTree(e.out());
        assertThat(ej.get("members")).extracting(JsonNode::asText).containsExactly("linear", "mlp");
        assertThat(ej.get("combiner").asText()).isEqualTo("weighted");
        assertThat(ej.at("/test/accuracy").asDouble()).isGreaterThan(0.6);
        for (String f : List.of("ensemble.json", "report.json", "config.json")) {
            assertThat(dir.resolve("ens").resolve(f)).isRegularFile();
        }

        CliRun x = run("export", "--features", features.toString(), "--ensemble", p("ens"), "--heads", heads.toString(),
                "--out", p("model-ens"), "--json");
        assertThat(x.code()).as(x.err()).isZero();
        assertThat(JSON.readTree(x.out()).get("exported").asText()).isEqualTo("ensemble");
        Path model = dir.resolve("model-ens/model.onnx");
        assertThat(dir.resolve("model-ens/tokenizer.json")).isRegularFile();
        assertThat(OnnxModel.read(model).metadata()).containsEntry("regula.head.name", "ensemble")
                .containsKeys("regula.ensemble.members", "regula.ensemble.combiner", "regula.data.sha256")
                .containsEntry("regula.tokenizer.max_length", "16");

        // the test split's rows as a labelled file, for validate
        Path test = dir.resolve("some.jsonl");
        Files.write(test, Files.readAllLines(dir.resolve("data.jsonl")).subList(0, 60));
        CliRun v = run("validate", model.toString(), "--data", test.toString(), "--json");
        assertThat(v.code()).as(v.err()).isZero();
        assertThat(JSON.readTree(v.out()).at("/metrics/accuracy").asDouble()).isGreaterThan(0.6);
        CliRun pr = run("predict", dir.resolve("model-ens").toString(), "--text", "w1 w2 w3");
        assertThat(pr.code()).as(pr.err()).isZero();
        assertThat(pr.out()).contains("spam");
        // one text per line from a file or from standard input gives the same lines as --text
        Path texts = dir.resolve("texts.txt");
        Files.writeString(texts, "w1 w2 w3\n\nw4 w5\n");
        CliRun fromFile = run("predict", dir.resolve("model-ens").toString(), "--input", texts.toString());
        assertThat(fromFile.code()).as(fromFile.err()).isZero();
        assertThat(fromFile.out().lines()).hasSize(2).first().isEqualTo(pr.out().strip());
        java.io.InputStream stdin = System.in;
        CliRun fromStdin;
        try {
            System.setIn(Files.newInputStream(texts));
            fromStdin = run("predict", dir.resolve("model-ens").toString(), "--input", "-");
        } finally {
            System.setIn(stdin);
        }
        assertThat(fromStdin.code()).as(fromStdin.err()).isZero();
        assertThat(fromStdin.out()).isEqualTo(fromFile.out());
        CliRun absent = run("predict", dir.resolve("model-ens").toString(), "--input", p("absent.txt"));
        assertThat(absent.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(absent.err()).contains("--input: file not found: " + p("absent.txt"), "- for standard input");

        CliRun single = run("export", "--features", features.toString(), "--head", heads.toString(), "--out", p("model-best"));
        assertThat(single.code()).as(single.err()).isZero();
        assertThat(single.out()).startsWith("export: ");
        CliRun named = run("export", "--features", features.toString(), "--head", heads.resolve("linear/head.json").toString(),
                "--out", p("model-linear"), "--json");
        assertThat(named.code()).as(named.err()).isZero();
        assertThat(OnnxModel.read(dir.resolve("model-linear/model.onnx")).metadata()).containsEntry("regula.head.name", "linear");
        CliRun top = run("ensemble", "--features", features.toString(), "--heads", heads.toString(), "--top-k", "1",
                "--seeds", "linear:2", "--out", p("ens-seeds"));
        assertThat(top.code()).as(top.err()).isZero();
        assertThat(top.out()).contains("linear-seed-1", "linear-seed-2");
        CliRun xs = run("export", "--features", features.toString(), "--ensemble", p("ens-seeds"), "--heads", heads.toString(),
                "--out", p("model-seeds"));
        assertThat(xs.code()).as(xs.err()).isZero();
    }

    @Test
    void snapshotsAndTheirSoupByOptionsThenTheSoupExportedAndReportedAlone() throws Exception {
        CliRun e = run("ensemble", "--features", features.toString(), "--heads", heads.toString(), "--members", "mlp",
                "--snapshots", "mlp:3:2", "--soup", "uniform:snapshots", "--out", p("ens-soup"), "--json");
        assertThat(e.code()).as(e.err()).isZero();
        List<String> snaps = List.of("mlp-snap-1", "mlp-snap-2", "mlp-snap-3");
        List<String> members = new ArrayList<>(List.of("mlp"));
        members.addAll(snaps);
        members.add("soup");
        assertThat(JSON.readTree(e.out()).get("members")).extracting(JsonNode::asText).containsExactlyElementsOf(members);
        Path ens = dir.resolve("ens-soup");
        JsonNode saved = JSON.readTree(ens.resolve("ensemble.json").toFile());
        assertThat(saved.at("/soup/kind").asText()).isEqualTo("uniform");
        assertThat(saved.at("/soup/ingredients")).extracting(JsonNode::asText).containsExactlyElementsOf(snaps);
        // the options are the spec's keys: the same section in a spec builds the same bytes
        CliRun fromSpec = run("ensemble", "--features", features.toString(), "--heads", heads.toString(), "--spec",
                writeYaml("soup.yaml", "ensemble:\n  members: [mlp]\n  snapshots: {head: mlp, cycles: 3, epochs_per_cycle: 2}\n"
                        + "  soup: {of: snapshots, kind: uniform}\n"), "--out", p("ens-soup-spec"));
        assertThat(fromSpec.code()).as(fromSpec.err()).isZero();
        for (String f : List.of("ensemble.json", "report.json", "members/soup.json", "members/mlp-snap-3.json")) {
            assertThat(dir.resolve("ens-soup-spec").resolve(f)).as(f).hasSameBinaryContentAs(ens.resolve(f));
        }

        CliRun x = run("export", "--features", features.toString(), "--ensemble", ens.toString(), "--heads", heads.toString(),
                "--soup", "--out", p("model-soup"), "--json");
        assertThat(x.code()).as(x.err()).isZero();
        assertThat(JSON.readTree(x.out()).get("exported").asText()).isEqualTo("soup");
        var meta = OnnxModel.read(dir.resolve("model-soup/model.onnx")).metadata();
        assertThat(meta).containsEntry("regula.head.name", "soup").doesNotContainKey("regula.ensemble.members");
        assertThat(JSON.readTree(meta.get("regula.soup"))).isEqualTo(saved.get("soup"));
        // the soup's head file exported with --head is named after the file, not its folder (members)
        CliRun xh = run("export", "--features", features.toString(), "--head", ens.resolve("members/soup.json").toString(),
                "--out", p("model-soup-head"), "--json");
        assertThat(xh.code()).as(xh.err()).isZero();
        assertThat(JSON.readTree(xh.out()).get("exported").asText()).isEqualTo("soup");
        assertThat(OnnxModel.read(dir.resolve("model-soup-head/model.onnx")).metadata()).containsEntry("regula.head.name", "soup");

        // the report finds the soup in --ensemble; its test figures are the soup member's in the ensemble report
        CliRun rep = run("report", "--features", features.toString(), "--heads", heads.toString(), "--ensemble", ens.toString(),
                "--model", p("model-soup"), "--out", p("report-soup"), "--json");
        assertThat(rep.code()).as(rep.err()).isZero();
        JsonNode rj = JSON.readTree(rep.out());
        assertThat(rj.get("exported").asText()).isEqualTo("soup");
        assertThat(rj.at("/test/accuracy").asDouble()).isEqualTo(
                JSON.readTree(ens.resolve("report.json").toFile()).at("/test/members/soup/accuracy").asDouble());
        CliRun noEns = run("report", "--features", features.toString(), "--heads", heads.toString(), "--model", p("model-soup"),
                "--out", p("r-soup1"));
        assertThat(noEns.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(noEns.err()).contains("--ensemble: ", "exports the soup member of an ensemble");
        CliRun plain = run("ensemble", "--features", features.toString(), "--heads", heads.toString(), "--out", p("ens-plain"));
        assertThat(plain.code()).as(plain.err()).isZero();
        CliRun otherEns = run("report", "--features", features.toString(), "--heads", heads.toString(), "--ensemble", p("ens-plain"),
                "--model", p("model-soup"), "--out", p("r-soup2"));
        assertThat(otherEns.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(otherEns.err()).contains("records no soup member");
        CliRun noSoup = run("export", "--features", features.toString(), "--ensemble", p("ens-plain"), "--heads", heads.toString(),
                "--soup", "--out", p("x-soup1"));
        assertThat(noSoup.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(noSoup.err()).contains("--soup: ", "records no soup member");
        CliRun soupOfHead = run("export", "--features", features.toString(), "--head", heads.toString(), "--soup",
                "--out", p("x-soup2"));
        assertThat(soupOfHead.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(soupOfHead.err()).contains("--soup: exports the soup member of --ensemble");
        for (String o : List.of("r-soup1", "r-soup2", "x-soup1", "x-soup2")) {
            assertThat(dir.resolve(o)).as(o).doesNotExist();
        }
    }

    @Test
    void badSnapshotAndSoupOptionsNameTheOptionAndKey() throws Exception {
        // heads of different shapes cannot be souped: exit 1, naming the option, the key and the member
        CliRun shapes = run("ensemble", "--features", features.toString(), "--heads", heads.toString(), "--soup", "uniform:linear,mlp",
                "--out", p("s1"));
        assertThat(shapes.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(shapes.err()).contains("--soup (ensemble.soup.of[1]): soup: member mlp has shape ")
                .contains("weights can only be averaged between heads of the same shape").doesNotContain("Exception");
        CliRun cycles = run("ensemble", "--features", features.toString(), "--heads", heads.toString(), "--snapshots", "mlp:0:2",
                "--out", p("s2"));
        assertThat(cycles.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(cycles.err()).contains("--snapshots (ensemble.snapshots.cycles): 0 is not an integer in [1, 100]");
        CliRun head = run("ensemble", "--features", features.toString(), "--heads", heads.toString(), "--snapshots", "mpl:2:2",
                "--out", p("s3"));
        assertThat(head.err()).contains("--snapshots (ensemble.snapshots.head): \"mpl\" is not a trained head; the heads are "
                + "[linear, mlp]");
        CliRun kind = run("ensemble", "--features", features.toString(), "--heads", heads.toString(), "--snapshots", "mlp:2:1",
                "--soup", "average:snapshots", "--out", p("s4"));
        assertThat(kind.err()).contains("--soup (ensemble.soup.kind): \"average\", expected uniform or greedy");
        CliRun group = run("ensemble", "--features", features.toString(), "--heads", heads.toString(), "--soup", "greedy:snapshots",
                "--out", p("s5"));
        assertThat(group.err()).contains("--soup (ensemble.soup.of): 'snapshots' names the snapshots members, but the "
                + "ensemble has no snapshots key");
        CliRun unknown = run("ensemble", "--features", features.toString(), "--heads", heads.toString(), "--soup", "uniform:mlp,mlp-snap-1",
                "--out", p("s6"));
        assertThat(unknown.err()).contains("--soup (ensemble.soup.of[1]): \"mlp-snap-1\" is not a trained head or extra member");
        for (CliRun r : List.of(head, kind, group, unknown)) {
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.FAILURE);
        }

        // malformed values: usage errors, exit 2, before any work
        for (String[] bad : List.of(new String[] {"--snapshots", "mlp:3"}, new String[] {"--snapshots", "mlp:three:2"},
                new String[] {"--snapshots", ":3:2"}, new String[] {"--soup", "snapshots"}, new String[] {"--soup", "uniform:"},
                new String[] {"--soup", "uniform:mlp,,linear"}, new String[] {"--bagging", "mlp"})) {
            CliRun r = run("ensemble", "--features", features.toString(), "--heads", heads.toString(), bad[0], bad[1], "--out", p("s7"));
            assertThat(r.code()).as(String.join(" ", bad)).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).as(String.join(" ", bad)).contains("error: " + bad[0] + ": expected ", "got '" + bad[1] + "'",
                    "Try 'regula ensemble --help'");
        }
        for (String o : List.of("s1", "s2", "s3", "s4", "s5", "s6", "s7")) {
            assertThat(dir.resolve(o)).as(o).doesNotExist();
        }
    }

    @Test
    void badInputsNameThePathOrOptionAtFault() throws Exception {
        CliRun missing = run("train", "--features", p("nowhere"), "--kind", "linear", "--out", p("o1"));
        assertThat(missing.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(missing.err()).contains("--features: folder not found: " + p("nowhere"));
        CliRun notStore = run("train", "--features", heads.toString(), "--kind", "linear", "--out", p("o2"));
        assertThat(notStore.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(notStore.err()).contains("--features: " + heads + " is not a feature store");
        Files.createDirectories(dir.resolve("occupied"));
        Files.writeString(dir.resolve("occupied/notes.txt"), "mine");
        CliRun occupied = run("train", "--features", features.toString(), "--kind", "linear", "--epochs", "1", "--out", p("occupied"));
        assertThat(occupied.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(occupied.err()).contains("--out: " + p("occupied") + " is not empty and was not written by this command (it has no .regula-output marker naming heads.json)");
        assertThat(dir.resolve("occupied/notes.txt")).hasContent("mine");
        CliRun typo = run("train", "--features", features.toString(), "--heads", writeYaml("typo.yaml",
                "heads: [{kind: linear, trainng: {epochs: 1}}]\n"), "--out", p("o3"));
        assertThat(typo.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(typo.err()).contains("heads[0].trainng: unknown key, did you mean 'training'?");

        // features of another backbone (different dim) do not fit the heads
        Path other = otherFeatures();
        CliRun mismatch = run("ensemble", "--features", other.toString(), "--heads", heads.toString(), "--out", p("o4"));
        assertThat(mismatch.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(mismatch.err()).contains("--heads: head 'linear' takes 8 features, but the feature store");
        CliRun wrongModel = run("export", "--features", features.toString(), "--feature-model",
                other.resolve("feature-model.onnx").toString(), "--head", heads.toString(), "--out", p("o5"));
        assertThat(wrongModel.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(wrongModel.err()).contains("--feature-model: ").contains("outputs 5 features, but the feature store");
        CliRun wrongTok = run("export", "--features", features.toString(), "--tokenizer", p("heads.yaml"), "--head",
                heads.toString(), "--out", p("o6"));
        assertThat(wrongTok.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(wrongTok.err()).contains("--tokenizer: " + p("heads.yaml") + " has sha256");
        CliRun noHeads = run("export", "--features", features.toString(), "--ensemble", p("heads"), "--out", p("o7"));
        assertThat(noHeads.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(noHeads.err()).contains("--heads: required with --ensemble");
        CliRun notEnsemble = run("export", "--features", features.toString(), "--ensemble", heads.toString(), "--heads",
                heads.toString(), "--out", p("o8"));
        assertThat(notEnsemble.err()).contains("--ensemble: " + heads + " holds no ensemble.json");
        CliRun badName = run("export", "--features", features.toString(), "--head", heads.toString(), "--name", "lin",
                "--out", p("o9"));
        assertThat(badName.err()).contains("--name: no head 'lin'", "[linear, mlp]");
        CliRun badSeeds = run("ensemble", "--features", features.toString(), "--heads", heads.toString(), "--seeds", "linear",
                "--out", p("o10"));
        assertThat(badSeeds.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badSeeds.err()).contains("--seeds: expected HEAD:COUNT");
        CliRun badMember = run("ensemble", "--features", features.toString(), "--heads", heads.toString(), "--members", "linear,mpl",
                "--out", p("o11"));
        assertThat(badMember.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(badMember.err()).contains("mpl");
        for (String o : List.of("o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8", "o9", "o10", "o11")) {
            assertThat(dir.resolve(o)).as(o).doesNotExist();
        }

        // usage errors: exit 2
        assertThat(run("train", "--features", features.toString(), "--out", p("u")).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("train", "--features", features.toString(), "--heads", p("heads.yaml"), "--kind", "linear", "--out", p("u"))
                .code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("export", "--features", features.toString(), "--head", "a", "--ensemble", "b", "--out", p("u")).code())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("ensemble", "--features", features.toString(), "--out", p("u")).err()).contains("--heads");
    }

    @Test
    void helpOfEveryStageCommand() {
        CliRun top = run("--help");
        assertThat(top.out()).contains("train", "ensemble", "export");
        for (String cmd : List.of("train", "ensemble", "export")) {
            CliRun h = run(cmd, "--help");
            assertThat(h.code()).as(cmd).isZero();
            assertThat(h.out()).contains("Usage: regula " + cmd, "--features", "--out", "--json");
        }
    }

    private static String writeYaml(String name, String yaml) throws Exception {
        Files.writeString(dir.resolve(name), yaml);
        return p(name);
    }

    /** Features of a numeric backbone with 5 outputs, to mismatch the text heads (8 features). */
    private static Path otherFeatures() throws Exception {
        Path d = Files.createDirectories(dir.resolve("numeric"));
        Random r = new Random(5);
        GraphBuilder g = GraphBuilder.create("numeric5");
        OnnxRef x = g.input("x", ElemType.FLOAT, "batch", 3L);
        g.output(g.matMul(x, g.initializer("W", random(r, 3, 5))), "y", ElemType.FLOAT, "batch", 5L);
        g.build().write(d.resolve("numeric.onnx"));
        StringBuilder csv = new StringBuilder("a,b,c,label\n");
        for (int i = 0; i < 60; i++) {
            csv.append(String.format(java.util.Locale.ROOT, "%.3f,%.3f,%.3f,%s%n", r.nextGaussian() + 2 * (i % 2), r.nextGaussian(),
                    r.nextGaussian(), i % 2 == 0 ? "ham" : "spam"));
        }
        Files.writeString(d.resolve("data.csv"), csv);
        CliRun f = run("features", "--backbone", d.resolve("numeric.onnx").toString(), "--pooling", "none", "--no-l2",
                "--data", d.resolve("data.csv").toString(), "--format", "numeric-csv", "--out", d.resolve("out").toString());
        assertThat(f.code()).as(f.err()).isZero();
        return d.resolve("out");
    }

    private static float[][] random(Random r, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return m;
    }
}
