package dev.regula.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A combiner spec fits the combiner it names, and auto picks one of its candidates. */
class CombinerSpecTest {
    private static MemberPredictions heldOut(int[] y, float[][]... p) {
        List<String> names = new ArrayList<>();
        List<BitSet> seen = new ArrayList<>();
        for (int k = 0; k < p.length; k++) {
            names.add("m" + k);
            seen.add(new BitSet());
        }
        return new MemberPredictions(names, p, y, seen);
    }

    private static MemberPredictions preds() {
        int[] y = Data.labels(200, 2);
        return heldOut(y, Data.noisyMember(1, y, 2, 0.8, 0.7f), Data.noisyMember(2, y, 2, 0.7, 0.8f));
    }

    @Test
    void defaultsAndNames() {
        assertThat(CombinerSpec.defaults("weighted").name()).isEqualTo("weighted");
        assertThat(CombinerSpec.defaults("weighted").withTemperature().name()).isEqualTo("weighted+temperature");
        assertThat(CombinerSpec.defaults("auto").candidates()).extracting(CombinerSpec::name).containsExactly("mean",
                "mean+temperature", "weighted", "weighted+temperature", "caruana", "caruana+temperature", "stacking");
        assertThat(CombinerSpec.defaults("mean").candidates()).isEmpty();
    }

    @Test
    void fitsTheNamedCombiner() throws Exception {
        MemberPredictions p = preds();
        Combiner mean = CombinerSpec.defaults("mean").fit(p, 7);
        float[][] expected = new MeanCombiner().combine(p.proba());
        float[][] got = mean.combine(p.proba());
        for (int i = 0; i < expected.length; i++) {
            assertThat(got[i][0]).isCloseTo(expected[i][0], within(0f));
        }
        assertThat(CombinerSpec.defaults("weighted").fit(p, 7).kind()).isEqualTo("weighted");
        assertThat(CombinerSpec.defaults("caruana").withTemperature().fit(p, 7).kind()).isEqualTo("caruana+temperature");
    }

    @Test
    void autoChoosesAmongItsCandidatesReproducibly() throws Exception {
        MemberPredictions p = preds();
        CombinerSelection.Result a = CombinerSpec.defaults("auto").select(p, 3);
        CombinerSelection.Result b = CombinerSpec.defaults("auto").select(p, 3);
        assertThat(a.cvNll().keySet()).containsExactly("mean", "mean+temperature", "weighted", "weighted+temperature",
                "caruana", "caruana+temperature", "stacking");
        assertThat(a.name()).isEqualTo(b.name());
        assertThat(a.cvNll()).isEqualTo(b.cvNll());
        assertThat(CombinerSpec.defaults("auto").fit(p, 3).kind()).isEqualTo(a.chosen().kind());
    }
}
