package dev.regula.transfer.head;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxRef;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.HeadTrainer;
import dev.regula.transfer.train.TestData;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingSpec;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An exported head computes on ONNX Runtime what DJL computes. */
class HeadExportTest {

    private static float[][] runOrt(OnnxModel model, FeatureMatrix x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[][] rows = new float[x.rows()][];
        for (int i = 0; i < x.rows(); i++) {
            rows[i] = x.row(i);
        }
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(model.proto().toByteArray(), opts);
                OnnxTensor in = OnnxTensor.createTensor(env, rows);
                OrtSession.Result r = session.run(Map.of("features", in))) {
            return (float[][]) r.get(0).getValue();
        }
    }

    private static TrainedHead train(String kind) {
        FeatureMatrix train = TestData.blobs(91, 90, 12, 3);
        HeadSpec spec = switch (kind) {
            case "linear", "variational" -> HeadSpec.linear();
            default -> HeadSpec.mlp(HeadActivation.of(kind), 16, 8);
        };
        RegularizationSpec reg = kind.equals("variational")
                ? RegularizationSpec.builder().dropout(DropoutSpec.of(DropoutSpec.Kind.VARIATIONAL, 0, 0)).build()
                : RegularizationSpec.builder().dropout(DropoutSpec.of(DropoutSpec.Kind.STANDARD, 0.2, 0.1)).build();
        return HeadTrainer.train(train, null, 3, spec, reg, TrainingSpec.adam(0.02, 16, 40, 5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "relu", "gelu", "tanh", "variational"})
    void ortMatchesDjl(String kind) throws Exception {
        TrainedHead head = train(kind);
        if (kind.equals("variational")) {
            assertThat(head.sparsity()).as("some weights pruned, so the export must carry the zeros").isGreaterThan(0);
        }
        GraphBuilder g = GraphBuilder.create("head");
        OnnxRef features = g.input("features", ElemType.FLOAT, "batch", 12);
        g.output(head.writeGraph(g, features), "probabilities", ElemType.FLOAT, "batch", 3);
        OnnxModel model = g.build();

        FeatureMatrix test = TestData.blobs(92, 200, 12, 3);
        float[][] djl = head.predictProba(test);
        float[][] ort = runOrt(model, test);
        double maxDiff = 0;
        for (int i = 0; i < test.rows(); i++) {
            assertThat(argmax(ort[i])).as("row %d", i).isEqualTo(argmax(djl[i]));
            for (int c = 0; c < 3; c++) {
                maxDiff = Math.max(maxDiff, Math.abs(ort[i][c] - djl[i][c]));
            }
        }
        assertThat(maxDiff).isLessThanOrEqualTo(1e-5);
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }
}
