package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.regula.models.onnx.ModelProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graphs built by Regula must pass the reference ONNX checker ({@code onnx.checker.check_model}
 * with {@code full_check=True}, which adds strict shape inference), not only Regula's own.
 * The checker is Python's {@code onnx} package; .ci/run installs Debian's {@code python3-onnx}.
 * Where no Python with {@code onnx} exists the test is skipped, and says so.
 */
class IndependentCheckerTest {
    private static final String SCRIPT = String.join("\n",
            "import sys, onnx",
            "bad = 0",
            "for p in sys.argv[1:]:",
            "    try:",
            "        onnx.checker.check_model(onnx.load(p), full_check=True)",
            "        print('ok', p)",
            "    except Exception as e:",
            "        bad += 1",
            "        print('FAIL', p, e)",
            "sys.exit(1 if bad else 0)");

    @Test
    void builderSurgeryAndAppendedMiniLmPassTheOnnxChecker(@TempDir Path dir) throws Exception {
        List<String> python = pythonWithOnnx();
        assumeTrue(python != null, "no Python with the onnx package here (apt-get install python3-onnx)");

        List<Path> files = new ArrayList<>();
        for (int opset : new int[] {11, 13, 17}) {
            files.add(write(dir, "classifier-" + opset, classifier(opset)));
            files.add(write(dir, "pool-" + opset, pooling(opset)));
            files.add(write(dir, "tfidf-" + opset, TfIdfBlockTest.model(new TfIdfBlock(
                    java.util.List.of(new long[] {3}, new long[] {3, 5}), new float[] {1f, 2f}, 2, true, true), opset)));
            files.add(write(dir, "window-" + opset, TokenWindowSliceTest.model(new TokenWindowSlice(4, 102), opset)));
        }
        OnnxModel mlp = mlp();
        files.add(write(dir, "mlp", mlp));
        files.add(write(dir, "cut", Surgery.cut(mlp, "Relu")));
        files.add(write(dir, "merged", Surgery.merge(Surgery.cut(mlp, "Relu"), head(), Map.of("Relu", "h"), "a/", "b/")));
        files.add(write(dir, "minilm-pooled", miniLmPooled()));
        for (int opset : new int[] {11, 17}) {
            OnnxModel tiny = dev.regula.models.quant.TinyEncoder.model(opset, 7);
            files.add(write(dir, "static-int8-" + opset, dev.regula.models.quant.Calibration.quantizeStatic(tiny,
                    dev.regula.models.quant.TinyEncoder.batches(2, 2, 5, 1),
                    dev.regula.models.quant.CalibrationMethod.MINMAX, 99.99)));
            files.add(write(dir, "dynamic-int8-" + opset, dev.regula.models.quant.Quantizer.quantizeDynamic(tiny)));
        }

        List<String> cmd = new ArrayList<>(python);
        cmd.add("-c");
        cmd.add(SCRIPT);
        files.forEach(f -> cmd.add(f.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.lines().filter(l -> l.startsWith("ok ")).count()).as(out).isEqualTo(files.size());
    }

    private static OnnxModel classifier(int opset) {
        GraphBuilder g = GraphBuilder.create("classifier", opset);
        OnnxRef x = g.input("x", ElemType.FLOAT, "batch", 3);
        OnnxRef logits = g.add(g.matMul(x, g.initializer("W", new float[][] {{1, 2}, {3, 4}, {5, 6}})),
                g.initializer("b", new float[] {0.5f, -0.5f}, 2));
        OnnxRef probs = g.softmax(logits, -1);
        g.output(probs, "probabilities", ElemType.FLOAT, "batch", 2);
        g.output(g.argMax(probs, 1, false), "label", ElemType.INT64, "batch");
        return g.build();
    }

    private static OnnxModel pooling(int opset) {
        GraphBuilder g = GraphBuilder.create("pool", opset);
        OnnxRef hidden = g.input("hidden", ElemType.FLOAT, "batch", "seq", 4);
        OnnxRef mask = g.input("mask", ElemType.INT64, "batch", "seq");
        g.output(Pooling.l2Normalize(g, Pooling.meanPool(g, hidden, mask)), "features", ElemType.FLOAT, "batch", 4);
        return g.build();
    }

    private static OnnxModel mlp() {
        GraphBuilder g = GraphBuilder.create("mlp");
        OnnxRef x = g.input("x", ElemType.FLOAT, "batch", 2);
        OnnxRef h = g.relu(g.add(g.matMul(x, g.initializer("W1", new float[][] {{1, -1, 0}, {0, 1, 1}})),
                g.initializer("b1", new float[] {0, 0.1f, -0.1f}, 3)));
        g.output(g.sigmoid(g.reduceSum(h, new long[] {1}, true)), "y", ElemType.FLOAT, "batch", 1);
        return g.build();
    }

    private static OnnxModel head() {
        GraphBuilder g = GraphBuilder.create("head");
        OnnxRef h = g.input("h", ElemType.FLOAT, "batch", 3);
        g.output(g.softmax(g.matMul(h, g.initializer("W", new float[][] {{1, 0}, {0, 1}, {1, 1}})), 1),
                "probabilities", ElemType.FLOAT, "batch", 2);
        return g.build();
    }

    private static OnnxModel miniLmPooled() throws IOException {
        ModelProto proto;
        try (InputStream in = IndependentCheckerTest.class.getResourceAsStream("/" + MiniLm.FILE_NAME)) {
            proto = ModelProto.parseFrom(in.readAllBytes());
        }
        GraphBuilder g = GraphBuilder.appendTo(Surgery.cut(OnnxModel.of(proto), "last_hidden_state"));
        OnnxRef pooled = Pooling.l2Normalize(g, Pooling.meanPool(g, g.existing("last_hidden_state"), g.existing("attention_mask")));
        g.removeOutput("last_hidden_state");
        g.output(pooled, "features", ElemType.FLOAT, "batch_size", 384);
        return g.build();
    }

    private static Path write(Path dir, String name, OnnxModel m) throws OnnxModelException {
        assertThat(Checker.problems(m.proto())).as(name).isEmpty();
        Path f = dir.resolve(name + ".onnx");
        m.write(f);
        return f;
    }

    /** A Python that imports onnx, ignoring user site-packages so a stray pip install cannot shadow the system one. */
    private static List<String> pythonWithOnnx() {
        String configured = System.getenv("REGULA_PYTHON");
        List<List<String>> candidates = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            candidates.add(List.of(configured, "-s"));
        }
        candidates.add(List.of("/usr/bin/python3", "-s"));
        candidates.add(List.of("python3", "-s"));
        for (List<String> c : candidates) {
            try {
                List<String> cmd = new ArrayList<>(c);
                cmd.addAll(List.of("-c", "import onnx"));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return c;
                }
            } catch (IOException | InterruptedException e) {
                // not this one
            }
        }
        return null;
    }
}
