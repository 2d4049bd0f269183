package dev.regula.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metrics against values worked out by hand, and the JSON report. */
class ReportTest {

    @Test
    void metricsMatchHandComputedValues() throws Exception {
        float[][] p = {{0.9f, 0.1f}, {0.62f, 0.38f}, {0.3f, 0.7f}, {0.18f, 0.82f}};
        int[] y = {0, 1, 1, 1};
        ClassificationMetrics m = ClassificationMetrics.of(p, y);
        assertThat(m.accuracy()).isEqualTo(0.75);
        // class 0: tp 1, 2 predicted, 1 actual -> F1 2/3; class 1: tp 2, 2 predicted, 3 actual -> F1 0.8
        assertThat(m.macroF1()).isCloseTo((2.0 / 3 + 0.8) / 2, within(1e-12));
        double nll = -(Math.log(0.9f) + Math.log(0.38f) + Math.log(0.7f) + Math.log(0.82f)) / 4;
        assertThat(m.nll()).isCloseTo(nll, within(1e-9));
        double brier = (2 * 0.01 + 2 * 0.62 * 0.62 + 2 * 0.09 + 2 * 0.18 * 0.18) / 4;
        assertThat(m.brier()).isCloseTo(brier, within(1e-6));
        // confidences 0.9 (bin 13, right), 0.62 (bin 9, wrong), 0.7 (bin 10, right), 0.82 (bin 12, right); bin b is (b/15, (b+1)/15]
        assertThat(m.reliability()).hasSize(15);
        assertThat(m.reliability().get(13).count()).isEqualTo(1);
        assertThat(m.reliability().get(9).count()).isEqualTo(1);
        assertThat(m.reliability().get(9).accuracy()).isEqualTo(0);
        assertThat(m.reliability().get(9).meanConfidence()).isCloseTo(0.62, within(1e-6));
        assertThat(m.reliability().get(12).count()).isEqualTo(1);
        assertThat(m.reliability().stream().mapToInt(ClassificationMetrics.Bin::count).sum()).isEqualTo(4);
        double ece = (0.1 + 0.62 + 0.3 + 0.18) / 4;
        assertThat(m.ece()).isCloseTo(ece, within(1e-6));
    }

    @Test
    void ambiguityDecompositionIsAnIdentity() {
        int[] y = Data.labels(50, 3);
        float[][][] p = {Data.noisyMember(1, y, 3, 0.7, 0.6f), Data.noisyMember(2, y, 3, 0.5, 0.9f), Data.noisyMember(3, y, 3, 0.8, 0.5f)};
        Diversity d = Diversity.of(List.of("a", "b", "c"), p, y, new double[] {0.2, 0.3, 0.5});
        Diversity.Ambiguity a = d.ambiguity();
        assertThat(a.ambiguity()).isGreaterThan(0);
        assertThat(a.ensembleLoss()).isCloseTo(a.meanMemberLoss() - a.ambiguity(), within(1e-9));
        assertThat(d.disagreement()[0][0]).isZero();
        assertThat(d.disagreement()[0][1]).isEqualTo(d.disagreement()[1][0]).isGreaterThan(0);
    }

    @Test
    void reportCoversMembersBestSingleAndCombinersAndIsWrittenAsJson(@TempDir Path dir) throws Exception {
        FeatureMatrix train = Data.blobs(3, 60, 6, 3, 1.5);
        FeatureMatrix val = Data.blobs(4, 60, 6, 3, 1.5);
        FeatureMatrix test = Data.blobs(5, 90, 6, 3, 1.5);
        List<Member> ms = new MemberFactory(train, val, List.of("a", "b", "c")).seeds(HeadSpec.linear(), RegularizationSpec.none(),
                TrainingSpec.adam(0.03, 16, 3, 0), 1, 2, 3);
        MemberPredictions vp = MemberPredictions.heldOut(ms, val);
        List<Combiner> cs = List.of(new MeanCombiner(), WeightedMean.fit(vp, WeightedMean.Penalty.L2, 0.1),
                WeightedMean.fit(vp, WeightedMean.Penalty.ENTROPY, 0.1), CaruanaSelection.fit(vp, 8));
        EnsembleReport r = EnsembleReport.evaluate(ms, cs, val, test);
        assertThat(r.members()).containsOnlyKeys("seed-1", "seed-2", "seed-3");
        assertThat(r.combiners()).containsOnlyKeys("mean", "weighted", "weighted#2", "caruana");
        double bestVal = ms.stream().mapToDouble(m -> Probs.nll(m.predictProba(val), val.labels())).min().orElseThrow();
        Member best = ms.stream().filter(m -> m.name().equals(r.bestSingle())).findFirst().orElseThrow();
        assertThat(Probs.nll(best.predictProba(val), val.labels())).isEqualTo(bestVal);

        Path file = dir.resolve("sub/report.json");
        r.write(file);
        JsonNode json = new ObjectMapper().readTree(Files.readString(file));
        assertThat(json.at("/combiners/mean/ece").asDouble()).isEqualTo(r.combiners().get("mean").ece());
        assertThat(json.at("/combiners/mean/reliability")).hasSize(15);
        assertThat(json.at("/diversity/ambiguity/ensemble_loss").asDouble()).isEqualTo(r.diversity().ambiguity().ensembleLoss());
        assertThat(json.at("/combiner_descriptions/caruana/counts")).hasSize(3);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }
}
