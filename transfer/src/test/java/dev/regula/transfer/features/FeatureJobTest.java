package dev.regula.transfer.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.data.DatasetFormat;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.data.SplitFractions;
import dev.regula.transfer.data.SplitSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole feature job on a numeric backbone: extract, store, skip when up to date, redo when a key part changes. */
class FeatureJobTest {
    private static final float[][] W = {{1, 0, 2}, {0, 1, -1}, {1, 1, 0}, {-1, 0, 1}};

    @TempDir
    Path dir;

    @Test
    void extractsOnceThenSkipsAndRedoesWhenTheSplitSeedChanges() throws Exception {
        Path backbone = linearBackbone();
        Path data = numericCsv(60);
        FeatureJobResult first = FeatureJob.run(spec(backbone, data, 1));
        assertThat(first.upToDate()).isFalse();
        assertThat(first.rows().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(60);
        assertThat(first.dim()).isEqualTo(3);
        assertThat(first.labels()).containsExactly("a", "b");

        // Every stored row is x·W of some input row: check one split against the hand computation.
        FeatureStore store = FeatureStore.open(first.store());
        FeatureMatrix train = store.split("train");
        float[][] inputs = readInputs(data);
        for (int i = 0; i < train.rows(); i++) {
            float[] row = train.row(i);
            boolean found = false;
            for (float[] x : inputs) {
                float[] y = times(x);
                if (Math.abs(y[0] - row[0]) < 1e-5 && Math.abs(y[1] - row[1]) < 1e-5 && Math.abs(y[2] - row[2]) < 1e-5) {
                    found = true;
                    break;
                }
            }
            assertThat(found).as("train row %d is x·W of an input row", i).isTrue();
        }

        byte[] before = Files.readAllBytes(first.store().resolve("train.f32"));
        FeatureJobResult again = FeatureJob.run(spec(backbone, data, 1));
        assertThat(again.upToDate()).isTrue();
        assertThat(Files.readAllBytes(again.store().resolve("train.f32"))).isEqualTo(before);

        FeatureJobResult reseeded = FeatureJob.run(spec(backbone, data, 2));
        assertThat(reseeded.upToDate()).as("a new split seed changes the store").isFalse();
    }

    @Test
    void textDataWithoutATokenizerIsAClearError() throws Exception {
        Path backbone = linearBackbone();
        Path text = dir.resolve("t.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            sb.append("{\"text\":\"row ").append(i).append("\",\"label\":\"").append(i % 2 == 0 ? "a" : "b").append("\"}\n");
        }
        Files.writeString(text, sb);
        FeatureJobSpec s = new FeatureJobSpec(backbone.toString(), null, new FeatureSpec("y", Pooling.NONE, false), 16,
                true, DatasetSpec.of(text, DatasetFormat.JSONL), SplitSpec.stratified(SplitFractions.DEFAULT, 1),
                FeatureExtractorOptions.defaults().withProgress(false), dir.resolve("out-text"), dir.resolve("cache"));
        assertThatThrownBy(() -> FeatureJob.run(s)).isInstanceOf(FeatureJobException.class)
                .hasMessageContaining("tokenizer");
        assertThat(dir.resolve("out-text").resolve(FeatureJob.STORE)).doesNotExist();
    }

    private FeatureJobSpec spec(Path backbone, Path data, long seed) {
        return new FeatureJobSpec(backbone.toString(), null, new FeatureSpec("y", Pooling.NONE, false), 16, true,
                DatasetSpec.of(data, DatasetFormat.NUMERIC_CSV), SplitSpec.stratified(SplitFractions.DEFAULT, seed),
                FeatureExtractorOptions.defaults().withProgress(false).withBatchSize(7), dir.resolve("out"),
                dir.resolve("cache"));
    }

    private Path linearBackbone() throws Exception {
        GraphBuilder g = GraphBuilder.create("linear-backbone");
        OnnxRef x = g.input("x", ElemType.FLOAT, "batch", 4);
        g.output(g.matMul(x, g.initializer("W", W)), "y", ElemType.FLOAT, "batch", 3);
        Path f = dir.resolve("backbone.onnx");
        g.build().write(f);
        return f;
    }

    private Path numericCsv(int n) throws Exception {
        SplittableRandom rnd = new SplittableRandom(5);
        StringBuilder sb = new StringBuilder("f0,f1,f2,f3,label\n");
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 4; k++) {
                sb.append(String.format(java.util.Locale.ROOT, "%.4f,", rnd.nextDouble(-1, 1)));
            }
            sb.append(i % 2 == 0 ? "a" : "b").append('\n');
        }
        Path f = dir.resolve("data.csv");
        Files.writeString(f, sb);
        return f;
    }

    private static float[][] readInputs(Path csv) throws Exception {
        return Files.readAllLines(csv).stream().skip(1).map(l -> {
            String[] p = l.split(",");
            float[] x = new float[4];
            for (int k = 0; k < 4; k++) {
                x[k] = Float.parseFloat(p[k]);
            }
            return x;
        }).toArray(float[][]::new);
    }

    private static float[] times(float[] x) {
        float[] y = new float[3];
        for (int j = 0; j < 3; j++) {
            for (int k = 0; k < 4; k++) {
                y[j] += x[k] * W[k][j];
            }
        }
        return y;
    }
}
