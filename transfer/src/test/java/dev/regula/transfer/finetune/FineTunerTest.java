package dev.regula.transfer.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.regula.models.OnnxModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Fine-tuning the tiny transformer's layer and a linear head on a task it must learn: the sign of token feature 0 summed over the sequence. */
class FineTunerTest {
    private static final int L = 5;
    private static final int H = TinyTransformer.HIDDEN;

    /** In-memory hidden states, every token real. */
    record Arrays(float[] x, int n) implements CutBatches {
        @Override
        public int size() {
            return n;
        }

        @Override
        public NDList batch(NDManager m, int[] rows) {
            float[] out = new float[rows.length * L * H];
            for (int k = 0; k < rows.length; k++) {
                System.arraycopy(x, rows[k] * L * H, out, k * L * H, L * H);
            }
            return new NDList(m.create(out, new Shape(rows.length, L, H)), m.ones(new Shape(rows.length, L), DataType.INT64));
        }

        int[] labels() {
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int t = 0; t < L; t++) {
                    s += x[(i * L + t) * H];
                }
                y[i] = s > 0 ? 1 : 0;
            }
            return y;
        }

        static Arrays random(long seed, int n) {
            return new Arrays(TinyTransformer.gaussian(new Random(seed), n * L * H, 1.0), n);
        }
    }

    static final Arrays TRAIN = Arrays.random(1, 96);
    static final Arrays VAL = Arrays.random(2, 48);

    static FineTuneSpec spec(FineTuneSpec.Schedule schedule, double l2sp, double l2Backbone) {
        return new FineTuneSpec(schedule, 12, schedule == FineTuneSpec.Schedule.LP_FT ? 6 : 0, 16, 0.05, 0.01, l2sp, l2Backbone, 0, 0.1, 100, 3);
    }

    /** Trains a fresh interpreter; returns the result and the max |w - pretrained| over the layer's parameters. */
    static Object[] run(FineTuneSpec spec) throws Exception {
        OnnxModel model = TinyTransformer.build(7, true);
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter top = OnnxInterpreter.create(model, List.of("x"), List.of("pooled"), InterpreterOptions.defaults(), root)) {
            Map<String, float[]> before = new LinkedHashMap<>();
            top.parameters().forEach((k, v) -> before.put(k, v.toFloatArray()));
            FineTuner.Result r = FineTuner.train(top, "x", "mask", TRAIN, TRAIN.labels(), VAL, VAL.labels(), 2, spec, root);
            double moved = 0;
            for (Map.Entry<String, NDArray> e : top.parameters().entrySet()) {
                float[] now = e.getValue().toFloatArray();
                float[] was = before.get(e.getKey());
                for (int i = 0; i < now.length; i++) {
                    moved = Math.max(moved, Math.abs(now[i] - was[i]));
                }
            }
            return new Object[] {r, moved};
        }
    }

    @Test
    void jointFineTuningLowersValidationNll() throws Exception {
        Object[] out = run(spec(FineTuneSpec.Schedule.JOINT, 0, 0));
        FineTuner.Result r = (FineTuner.Result) out[0];
        assertThat(r.initialValLoss()).isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(0.05));
        assertThat(r.bestValLoss()).isLessThan(0.7 * r.initialValLoss());
        assertThat(r.bestPhase()).isEqualTo("finetune");
        assertThat((double) out[1]).as("the layer moved").isGreaterThan(1e-2);
        assertThat(r.weight()).hasSize(H * 2);
    }

    @Test
    void hugeL2SpHoldsTheLayerAtItsPretrainedWeights() throws Exception {
        Object[] out = run(spec(FineTuneSpec.Schedule.JOINT, 1e12, 0));
        FineTuner.Result r = (FineTuner.Result) out[0];
        assertThat((double) out[1]).isLessThanOrEqualTo(1e-6);
        assertThat(r.bestValLoss()).as("the head still learns").isLessThan(r.initialValLoss());
    }

    @Test
    void frozenTrainsOnlyTheHead() throws Exception {
        Object[] out = run(spec(FineTuneSpec.Schedule.FROZEN, 0, 0));
        FineTuner.Result r = (FineTuner.Result) out[0];
        assertThat((double) out[1]).isZero();
        assertThat(r.history()).allMatch(e -> e.phase().equals("probe"));
        assertThat(r.bestValLoss()).isLessThan(r.initialValLoss());
    }

    @Test
    void lpFtProbesFirstThenUnfreezes() throws Exception {
        Object[] out = run(spec(FineTuneSpec.Schedule.LP_FT, 0, 0));
        FineTuner.Result r = (FineTuner.Result) out[0];
        List<String> phases = new ArrayList<>();
        r.history().forEach(e -> phases.add(e.phase()));
        assertThat(phases).startsWith("probe", "probe", "probe", "probe", "probe", "probe").contains("finetune");
        assertThat(phases.indexOf("finetune")).isEqualTo(6);
        assertThat(r.bestValLoss()).isLessThan(0.7 * r.initialValLoss());
    }

    @Test
    void mlpHeadLearnsAndItsLayersReproduceTheValidationNll() throws Exception {
        OnnxModel model = TinyTransformer.build(7, true);
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter top = OnnxInterpreter.create(model, List.of("x"), List.of("pooled"), InterpreterOptions.defaults(), root)) {
            FineTuner.Result r = FineTuner.train(top, "x", "mask", TRAIN, TRAIN.labels(), VAL, VAL.labels(), 2,
                    dev.regula.transfer.head.HeadSpec.mlp(dev.regula.transfer.head.HeadActivation.RELU, 6),
                    spec(FineTuneSpec.Schedule.LP_FT, 0.1, 0), root);
            assertThat(r.layers()).hasSize(2);
            assertThat(r.layers().get(0).out()).isEqualTo(6);
            assertThat(r.layers().get(0).in()).isEqualTo(H);
            assertThat(r.layers().get(1).out()).isEqualTo(2);
            assertThat(r.bestValLoss()).isLessThan(0.7 * r.initialValLoss());
            assertThatThrownBy(r::weight).hasMessageContaining("2 layers");
            // The returned layers ([out][in]) on the restored top give back the kept epoch's val NLL.
            float[] pooled;
            try (NDManager batch = root.newSubManager()) {
                int[] all = java.util.stream.IntStream.range(0, VAL.size()).toArray();
                NDList in = VAL.batch(batch, all);
                pooled = top.forward(batch, Map.of("x", in.get(0), "mask", in.get(1))).get("pooled").toFloatArray();
            }
            int[] y = VAL.labels();
            double nll = 0;
            for (int i = 0; i < VAL.size(); i++) {
                float[] h = java.util.Arrays.copyOfRange(pooled, i * H, (i + 1) * H);
                for (int l = 0; l < r.layers().size(); l++) {
                    var lw = r.layers().get(l);
                    float[] o = new float[lw.out()];
                    for (int j = 0; j < lw.out(); j++) {
                        double s = lw.b()[j];
                        for (int k = 0; k < lw.in(); k++) {
                            s += lw.w()[j][k] * h[k];
                        }
                        o[j] = l + 1 < r.layers().size() ? (float) Math.max(0, s) : (float) s;
                    }
                    h = o;
                }
                double max = Math.max(h[0], h[1]);
                double lse = max + Math.log(Math.exp(h[0] - max) + Math.exp(h[1] - max));
                nll += lse - h[y[i]];
            }
            assertThat(nll / VAL.size()).isCloseTo(r.bestValLoss(), org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void sameSeedSameResult() throws Exception {
        FineTuner.Result a = (FineTuner.Result) run(spec(FineTuneSpec.Schedule.JOINT, 0.1, 0))[0];
        FineTuner.Result b = (FineTuner.Result) run(spec(FineTuneSpec.Schedule.JOINT, 0.1, 0))[0];
        assertThat(b.weight()).containsExactly(a.weight());
        assertThat(b.history()).isEqualTo(a.history());
    }

    @Test
    void badSpecIsNamed() {
        assertThatThrownBy(() -> new FineTuneSpec(FineTuneSpec.Schedule.LP_FT, 5, 0, 16, 0.01, 0.001, 0, 0, 0, 0, 3, 1))
                .hasMessageContaining("probe_epochs is 0");
        assertThatThrownBy(() -> new FineTuneSpec(FineTuneSpec.Schedule.JOINT, 5, 0, 16, 0.01, 0.001, -1, 0, 0, 0, 3, 1))
                .hasMessageContaining("l2_sp is -1.0");
        assertThatThrownBy(() -> new FineTuneSpec(FineTuneSpec.Schedule.JOINT, 5, 0, 16, 0.01, 0.001, 0, 0, 0, 1.0, 3, 1))
                .hasMessageContaining("hidden_dropout is 1.0");
    }
}
