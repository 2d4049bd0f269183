package dev.regula.ensemble.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.ensemble.CaruanaSelection;
import dev.regula.ensemble.Combiner;
import dev.regula.ensemble.Data;
import dev.regula.ensemble.Ensemble;
import dev.regula.ensemble.MeanCombiner;
import dev.regula.ensemble.Member;
import dev.regula.ensemble.MemberFactory;
import dev.regula.ensemble.MemberPredictions;
import dev.regula.ensemble.Soups;
import dev.regula.ensemble.Stacking;
import dev.regula.ensemble.Temperature;
import dev.regula.ensemble.WeightedMean;
import dev.regula.models.Checker;
import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxRef;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.StringStringEntryProto;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.Tensor;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fused export = unfused export = the Java ensemble, on ONNX Runtime CPU, for every combiner. */
class EnsembleExportTest {
    static final int D = 8;
    static final List<String> CLASSES = List.of("x", "y", "z");
    static final FeatureMatrix TRAIN = Data.blobs(11, 90, D, 3, 1.5);
    static final FeatureMatrix VAL = Data.blobs(12, 90, D, 3, 1.5);
    static final FeatureMatrix TEST = Data.blobs(13, 150, D, 3, 1.5);
    static List<Member> members;

    @BeforeAll
    static void trainMembers() throws Exception {
        MemberFactory f = new MemberFactory(TRAIN, VAL, CLASSES);
        TrainingSpec fast = TrainingSpec.adam(0.03, 16, 4, 0);
        RegularizationSpec none = RegularizationSpec.none();
        List<Member> relu = f.seeds(HeadSpec.mlp(HeadActivation.RELU, 6), none, fast, 1, 2, 3);
        List<Member> lin = f.seeds(HeadSpec.linear(), none, fast, 4, 5);
        List<Member> gelu = f.seeds(HeadSpec.mlp(HeadActivation.GELU, 5, 4), none, fast, 6, 7);
        List<Member> tanh = f.seeds(HeadSpec.mlp(HeadActivation.TANH, 6), none, fast, 8);
        // Interleaved, so fused groups must be put back into member order.
        members = List.of(relu.get(0), lin.get(0), relu.get(1), gelu.get(0), tanh.get(0), lin.get(1), gelu.get(1), relu.get(2));
    }

    static List<Combiner> combiners() throws Exception {
        MemberPredictions val = MemberPredictions.heldOut(members, VAL);
        WeightedMean weighted = WeightedMean.fit(val, WeightedMean.Penalty.L2, 0.01);
        return List.of(new MeanCombiner(), weighted, CaruanaSelection.fit(val, 12), Stacking.fit(val, new double[] {1e-2, 1e-1}, 3, 5),
                Temperature.fit(new MeanCombiner(), val), Temperature.fit(weighted, val),
                // far from 1 both ways, so a wrong scale or direction in the graph cannot hide in rounding
                Temperature.of(weighted, 0.3), Temperature.of(new MeanCombiner(), 4.0));
    }

    @Test
    void fusedEqualsUnfusedEqualsJavaForEveryCombiner() throws Exception {
        for (Combiner c : combiners()) {
            Ensemble e = Ensemble.of(members, c);
            float[][] java = e.predictProba(TEST);
            OnnxModel fused = build(e, EnsembleExport.Layout.FUSED);
            OnnxModel unfused = build(e, EnsembleExport.Layout.UNFUSED);
            Checker.check(fused);
            Checker.check(unfused);
            Result f = run(fused, TEST);
            Result u = run(unfused, TEST);
            assertClose(c.kind() + " fused vs java", f.proba, java);
            assertClose(c.kind() + " unfused vs java", u.proba, java);
            assertClose(c.kind() + " fused vs unfused", f.proba, u.proba);
            for (int i = 0; i < TEST.rows(); i++) {
                assertThat(f.label[i]).as("%s row %d", c.kind(), i).isEqualTo(argmax(java[i])).isEqualTo(u.label[i]);
            }
        }
    }

    @Test
    void fusedGraphReadsTheFeaturesOncePerShapeAndMetadataReadsBack() throws Exception {
        Ensemble e = Ensemble.of(members, new MeanCombiner());
        OnnxModel fused = build(e, EnsembleExport.Layout.FUSED);
        OnnxModel unfused = build(e, EnsembleExport.Layout.UNFUSED);
        assertThat(consumersOf(fused.proto(), "features")).hasSize(4); // relu6, linear, gelu5-4, tanh6
        assertThat(consumersOf(fused.proto(), "features")).allMatch(n -> n.getOpType().equals("MatMul"));
        assertThat(consumersOf(unfused.proto(), "features")).hasSize(members.size());

        Map<String, String> meta = EnsembleMetadata.of(e);
        ModelProto.Builder withMeta = fused.proto().toBuilder();
        meta.forEach((k, v) -> withMeta.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        ModelProto back = ModelProto.parseFrom(withMeta.build().toByteArray());
        Map<String, String> read = new HashMap<>();
        back.getMetadataPropsList().forEach(p -> read.put(p.getKey(), p.getValue()));
        assertThat(read).containsAllEntriesOf(meta);
        assertThat(read.get(EnsembleMetadata.MEMBERS)).contains("\"name\":\"seed-1\"").contains("regularization");
        assertThat(read.get(EnsembleMetadata.COMBINER)).contains("\"kind\":\"mean\"");
        assertThat(read.get(EnsembleMetadata.CLASSES)).isEqualTo("[\"x\",\"y\",\"z\"]");
    }

    @Test
    void soupExportsAsOneHead() throws Exception {
        MemberFactory f = new MemberFactory(TRAIN, VAL, CLASSES);
        List<Member> regs = f.regularizationDiverse(HeadSpec.mlp(HeadActivation.RELU, 6),
                List.of(RegularizationSpec.none(), RegularizationSpec.builder().l2(1e-2).build()), TrainingSpec.adam(0.03, 16, 4, 2));
        Member soup = Soups.uniform(regs);
        Ensemble e = Ensemble.of(List.of(soup), new MeanCombiner());
        OnnxModel model = build(e, EnsembleExport.Layout.FUSED);
        assertThat(consumersOf(model.proto(), "features")).hasSize(1);
        assertClose("soup", run(model, TEST).proba, soup.predictProba(TEST));
    }

    static OnnxModel build(Ensemble e, EnsembleExport.Layout layout) {
        GraphBuilder g = GraphBuilder.create("ensemble");
        OnnxRef features = g.input("features", ElemType.FLOAT, "batch", D);
        OnnxRef p = EnsembleExport.writeGraph(g, features, e, layout);
        g.output(p, "probabilities", ElemType.FLOAT, "batch", CLASSES.size());
        g.output(g.argMax(p, 1, false), "label", ElemType.INT64, "batch");
        return g.build();
    }

    record Result(float[][] proba, long[] label) {}

    static Result run(OnnxModel model, FeatureMatrix x) throws Exception {
        float[][] rows = new float[x.rows()][];
        for (int i = 0; i < x.rows(); i++) {
            rows[i] = x.row(i);
        }
        try (OrtRunner r = OrtRunner.open(model, RunnerOptions.defaults())) {
            Map<String, Tensor> out = r.run(Map.of("features", Tensor.ofMatrix(rows)));
            float[] flat = out.get("probabilities").floats();
            int c = CLASSES.size();
            float[][] p = new float[x.rows()][c];
            for (int i = 0; i < x.rows(); i++) {
                System.arraycopy(flat, i * c, p[i], 0, c);
            }
            return new Result(p, out.get("label").longs());
        }
    }

    static List<NodeProto> consumersOf(ModelProto m, String tensor) {
        List<NodeProto> out = new ArrayList<>();
        for (NodeProto n : m.getGraph().getNodeList()) {
            if (n.getInputList().contains(tensor)) {
                out.add(n);
            }
        }
        return out;
    }

    static void assertClose(String what, float[][] a, float[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int c = 0; c < a[i].length; c++) {
                max = Math.max(max, Math.abs(a[i][c] - b[i][c]));
            }
        }
        assertThat(max).as(what).isLessThanOrEqualTo(1e-5);
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }
}
