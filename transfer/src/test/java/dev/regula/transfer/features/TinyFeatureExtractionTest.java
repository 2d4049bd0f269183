package dev.regula.transfer.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.regula.models.onnx.StringStringEntryProto;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.backbone.TinyBackbones;
import dev.regula.transfer.encode.NumericEncoder;
import dev.regula.transfer.encode.TextEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pooled features of tiny backbones built in code equal a hand computation in Java. */
class TinyFeatureExtractionTest {
    private static final double TOL = 1e-6;
    private static final TinyBackbones TINY = new TinyBackbones(7);
    private static final List<String> TEXTS = List.of(
            "w1 w2 w3", "w4", "w5 w6 w7 w8 w9 w1", "w2 w2", "w9 w8 w7 w6", "w3 w1 w4 w1 w5", "w7");

    @TempDir
    Path dir;

    static Stream<Arguments> textCases() {
        List<Arguments> out = new ArrayList<>();
        for (long opset : new long[] {11, 13, 18}) {
            for (Pooling p : List.of(Pooling.MEAN, Pooling.CLS, Pooling.MAX)) {
                for (boolean l2 : new boolean[] {false, true}) {
                    for (String tensor : List.of("hidden", "out")) {
                        out.add(Arguments.of(opset, p, l2, tensor));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "opset {0} {1} l2={2} tensor={3}")
    @MethodSource("textCases")
    void textFeaturesMatchHandComputation(long opset, Pooling pooling, boolean l2, String tensor) throws Exception {
        FeatureModel fm = FeatureModelBuilder.build(TINY.text(opset), "0".repeat(64), "tiny", new FeatureSpec(tensor, pooling, l2));
        assertThat(fm.dim()).isEqualTo(TinyBackbones.D);
        float[][] got;
        try (TextEncoder enc = TextEncoder.open(TinyBackbones.writeTokenizer(dir), 16, true);
             FeatureExtractor fx = FeatureExtractor.open(fm, FeatureExtractorOptions.defaults().withBatchSize(3).withProgress(false))) {
            got = fx.extract(TEXTS, enc);
        }
        for (int i = 0; i < TEXTS.size(); i++) {
            float[][] h = TINY.hidden(ids(TEXTS.get(i)));
            if (tensor.equals("out")) {
                for (float[] row : h) {
                    for (int j = 0; j < row.length; j++) {
                        row[j] = Math.max(0f, row[j]);
                    }
                }
            }
            double[] want = l2 ? normalize(pool(h, pooling)) : pool(h, pooling);
            for (int j = 0; j < TinyBackbones.D; j++) {
                assertThat((double) got[i][j]).as("text %d feature %d", i, j).isCloseTo(want[j], within(TOL));
            }
        }
    }

    @Test
    void clsPoolingDropsTheUnusedMaskInput() throws Exception {
        FeatureModel fm = FeatureModelBuilder.build(TINY.text(11), "0".repeat(64), "tiny", new FeatureSpec("hidden", Pooling.CLS, false));
        assertThat(fm.inputs()).extracting(i -> i.name()).containsExactly("input_ids");
        FeatureModel mean = FeatureModelBuilder.build(TINY.text(11), "0".repeat(64), "tiny", new FeatureSpec("hidden", Pooling.MEAN, false));
        assertThat(mean.inputs()).extracting(i -> i.name()).containsExactly("input_ids", "attention_mask");
    }

    @ParameterizedTest(name = "numeric none l2={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void numericFeaturesMatchHandComputation(boolean l2) throws Exception {
        FeatureModel fm = FeatureModelBuilder.build(TINY.numeric(13), "1".repeat(64), "tiny-numeric", new FeatureSpec("y", Pooling.NONE, l2));
        Random r = new Random(3);
        List<float[]> xs = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            float[] x = new float[TinyBackbones.NUM_IN];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) r.nextGaussian();
            }
            xs.add(x);
        }
        float[][] got;
        try (FeatureExtractor fx = FeatureExtractor.open(fm, FeatureExtractorOptions.defaults().withBatchSize(4).withProgress(false))) {
            got = fx.extract(xs, new NumericEncoder(TinyBackbones.NUM_IN));
        }
        for (int i = 0; i < xs.size(); i++) {
            double[] y = new double[TinyBackbones.D];
            for (int j = 0; j < y.length; j++) {
                for (int k = 0; k < TinyBackbones.NUM_IN; k++) {
                    y[j] += (double) xs.get(i)[k] * TINY.numericWeight[k][j];
                }
            }
            double[] want = l2 ? normalize(y) : y;
            for (int j = 0; j < y.length; j++) {
                assertThat((double) got[i][j]).isCloseTo(want[j], within(TOL));
            }
        }
    }

    @Test
    void metadataRecordsProvenanceAndSurvivesSaveAndLoad() throws Exception {
        String sha = "ab".repeat(32);
        FeatureModel fm = FeatureModelBuilder.build(TINY.text(11), sha, "models/tiny.onnx", new FeatureSpec("out", Pooling.MAX, true));
        Map<String, String> meta = new HashMap<>();
        for (StringStringEntryProto e : fm.proto().getMetadataPropsList()) {
            meta.put(e.getKey(), e.getValue());
        }
        assertThat(meta).containsEntry("regula.backbone.sha256", sha).containsEntry("regula.backbone.source", "models/tiny.onnx")
                .containsEntry("regula.feature.tensor", "out").containsEntry("regula.pooling", "max")
                .containsEntry("regula.l2_normalize", "true").containsEntry("regula.feature.dim", "4");
        assertThat(fm.proto().getGraph().getOutputList()).extracting(v -> v.getName()).containsExactly("features");
        assertThat(fm.proto().getOpsetImport(0).getVersion()).isEqualTo(11);

        Path file = dir.resolve("features.onnx");
        fm.save(file);
        assertThat(java.nio.file.Files.readAllBytes(file)).isEqualTo(fm.bytes());
        FeatureModel back = FeatureModel.load(file);
        assertThat(back.sha256()).isEqualTo(fm.sha256());
        assertThat(back.spec()).isEqualTo(fm.spec());
        assertThat(back.dim()).isEqualTo(4);
        assertThat(back.backboneSha256()).isEqualTo(sha);
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("features.onnx");
        }
    }

    @Test
    void bucketedOrderEqualsUnbucketed() throws Exception {
        FeatureModel fm = FeatureModelBuilder.build(TINY.text(13), "0".repeat(64), "tiny", new FeatureSpec("out", Pooling.MEAN, true));
        try (TextEncoder enc = TextEncoder.open(TinyBackbones.writeTokenizer(dir), 16, true);
             FeatureExtractor a = FeatureExtractor.open(fm, new FeatureExtractorOptions(3, 1, true, false));
             FeatureExtractor b = FeatureExtractor.open(fm, new FeatureExtractorOptions(1, 1, false, false));
             FeatureExtractor c = FeatureExtractor.open(fm, new FeatureExtractorOptions(2, 1, true, false, 3))) {
            int[] labels = new int[TEXTS.size()];
            Arrays.setAll(labels, i -> i % 2);
            FeatureMatrix m = a.extract(TEXTS, labels, enc);
            float[][] one = b.extract(TEXTS, enc);
            float[][] concurrent = c.extract(TEXTS, enc);
            for (int i = 0; i < TEXTS.size(); i++) {
                float[] row = m.row(i);
                for (int j = 0; j < row.length; j++) {
                    assertThat(row[j]).isCloseTo(one[i][j], within(1e-6f));
                    assertThat(concurrent[i][j]).isCloseTo(one[i][j], within(1e-6f));
                }
            }
            assertThat(m.labels()).containsExactly(labels);
        }
    }

    @Test
    void automaticBatchSizeIsOneForDynamicallyQuantizedModelsSoExamplesDoNotCouple() throws Exception {
        FeatureSpec spec = new FeatureSpec("out", Pooling.MEAN, false);
        FeatureModel plain = FeatureModelBuilder.build(TINY.text(13), "0".repeat(64), "tiny", spec);
        FeatureModel quantized = FeatureModelBuilder.build(TINY.dynamicallyQuantizedText(13), "0".repeat(64), "tiny-q", spec);
        FeatureExtractorOptions auto = FeatureExtractorOptions.defaults().withProgress(false);
        try (TextEncoder enc = TextEncoder.open(TinyBackbones.writeTokenizer(dir), 16, true);
             FeatureExtractor p = FeatureExtractor.open(plain, auto);
             FeatureExtractor q = FeatureExtractor.open(quantized, auto);
             FeatureExtractor q4 = FeatureExtractor.open(quantized, auto.withBatchSize(4))) {
            assertThat(p.options().batchSize()).isEqualTo(FeatureExtractorOptions.FLOAT_BATCH);
            assertThat(q.options().batchSize()).isEqualTo(1);
            assertThat(q4.options().batchSize()).isEqualTo(4);
            float[][] all = q.extract(TEXTS, enc);
            float[][] batched = q4.extract(TEXTS, enc);
            boolean coupled = false;
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(all[i]).as("text %d", i).containsExactly(q.extract(List.of(TEXTS.get(i)), enc)[0]);
                coupled |= !Arrays.equals(all[i], batched[i]);
            }
            assertThat(coupled).as("batches of 4 change some example's features").isTrue();
        }
    }

    @Test
    void threadsMeansThatManySingleThreadedRunsAtOnce() {
        FeatureExtractorOptions base = new FeatureExtractorOptions(8, 0, true, false, 1);
        assertThat(base.withThreads(3)).isEqualTo(new FeatureExtractorOptions(8, 1, true, false, 3));
        assertThat(base.withThreads(0)).isEqualTo(new FeatureExtractorOptions(8, 1, true, false,
                Runtime.getRuntime().availableProcessors()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> base.withThreads(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads must be >= 0");
    }

    private static long[] ids(String text) {
        return Arrays.stream(text.split(" ")).mapToLong(w -> Long.parseLong(w.substring(1))).toArray();
    }

    private static double[] pool(float[][] h, Pooling p) {
        double[] out = new double[h[0].length];
        switch (p) {
            case CLS -> {
                for (int j = 0; j < out.length; j++) {
                    out[j] = h[0][j];
                }
            }
            case MEAN -> {
                for (float[] row : h) {
                    for (int j = 0; j < out.length; j++) {
                        out[j] += row[j] / (double) h.length;
                    }
                }
            }
            case MAX -> {
                Arrays.fill(out, Double.NEGATIVE_INFINITY);
                for (float[] row : h) {
                    for (int j = 0; j < out.length; j++) {
                        out[j] = Math.max(out[j], row[j]);
                    }
                }
            }
            default -> throw new IllegalArgumentException(p.toString());
        }
        return out;
    }

    private static double[] normalize(double[] x) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double n = Math.sqrt(Math.max(ss, 1e-12));
        return Arrays.stream(x).map(v -> v / n).toArray();
    }
}
