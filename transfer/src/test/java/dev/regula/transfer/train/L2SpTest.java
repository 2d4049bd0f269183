package dev.regula.transfer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.L2SpSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class L2SpTest {
    private static final int D = 6;
    private final FeatureMatrix train = TestData.blobs(51, 80, D, 2);
    private final TrainingSpec spec = TrainingSpec.adam(0.05, 16, 20, 8);

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    private static double norm(float[] a) {
        return distance(a, new float[a.length]);
    }

    @Test
    void pullsTowardTheInitialWeightsNotTowardZero() {
        // A single step with a negligible learning rate leaves the seeded initial weights in place.
        float[] w0 = HeadTrainer.train(train, null, 2, HeadSpec.linear(), RegularizationSpec.none(),
                TrainingSpec.adam(1e-9, 80, 1, 8)).layers().get(0).flatW();
        float[] free = HeadTrainer.train(train, null, 2, HeadSpec.linear(), RegularizationSpec.none(), spec).layers().get(0).flatW();
        float[] sp = HeadTrainer.train(train, null, 2, HeadSpec.linear(),
                RegularizationSpec.builder().l2Sp(L2SpSpec.towardInit(1.0)).build(), spec).layers().get(0).flatW();
        float[] l2 = HeadTrainer.train(train, null, 2, HeadSpec.linear(),
                RegularizationSpec.builder().l2(1.0).build(), spec).layers().get(0).flatW();
        assertThat(distance(sp, w0)).isLessThan(0.5 * distance(free, w0));
        assertThat(distance(sp, w0)).isLessThan(0.5 * distance(l2, w0));
        assertThat(norm(l2)).isLessThan(0.5 * norm(sp));
    }

    private static Path onnxWith(Path dir, String name, long[] dims, float[] values) throws Exception {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        raw.flip();
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1).setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        Path file = dir.resolve("ref.onnx");
        Files.write(file, ModelProto.newBuilder().setIrVersion(8)
                .setGraph(GraphProto.newBuilder().setName("g").addInitializer(t)).build().toByteArray());
        return file;
    }

    @Test
    void pullsTowardWeightsReadFromAnOnnxInitializer(@TempDir Path dir) throws Exception {
        // Stored [in, out] as a Gemm B would be: every weight of output row 0 is 0.7, of row 1 is −0.7.
        float[] ref = new float[D * 2];
        for (int i = 0; i < D; i++) {
            ref[i * 2] = 0.7f;
            ref[i * 2 + 1] = -0.7f;
        }
        Path model = onnxWith(dir, "head.W", new long[] {D, 2}, ref);
        TrainedHead head = HeadTrainer.train(train, null, 2, HeadSpec.linear(),
                RegularizationSpec.builder().l2Sp(new L2SpSpec(10.0, model.toString(), List.of("head.W"), true)).build(), spec);
        float[][] w = head.layers().get(0).w();
        for (int i = 0; i < D; i++) {
            assertThat(w[0][i]).isBetween(0.55f, 0.85f);
            assertThat(w[1][i]).isBetween(-0.85f, -0.55f);
        }
    }

    @Test
    void shapeMismatchAndMissingNamesAreClearErrors(@TempDir Path dir) throws Exception {
        Path model = onnxWith(dir, "head.W", new long[] {3, 2}, new float[6]);
        assertThatThrownBy(() -> HeadTrainer.train(train, null, 2, HeadSpec.linear(),
                RegularizationSpec.builder().l2Sp(new L2SpSpec(1.0, model.toString(), List.of("head.W"), false)).build(), spec))
                .hasMessageContaining("'head.W'").hasMessageContaining("shape [3, 2], expected [2, 6]");
        assertThatThrownBy(() -> HeadTrainer.train(train, null, 2, HeadSpec.linear(),
                RegularizationSpec.builder().l2Sp(new L2SpSpec(1.0, model.toString(), List.of("nope"), false)).build(), spec))
                .hasMessageContaining("no initializer 'nope'").hasMessageContaining("[head.W]");
        assertThatThrownBy(() -> new L2SpSpec(1.0, "x.onnx", List.of(), false)).hasMessageContaining("l2_sp.initializers");
    }
}
