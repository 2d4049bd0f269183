package dev.regula.transfer.tune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TestData;
import dev.regula.transfer.train.TrainingSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real training (HeadTrainer) on a small noisy problem: 3 informative features among 40, 90 rows. */
class VerdictTest {
    private final FeatureMatrix train = TestData.sparseSignal(7, 60, 40, 3, 0.5);
    private final FeatureMatrix val = TestData.sparseSignal(8, 30, 40, 3, 0.5);
    private final SearchSpace space = SearchSpace.of(new SearchSpace.Dim(Knob.L2, new Range.Choice(List.of(0.003, 0.03, 0.3))));
    private final TrainingSpec training = TrainingSpec.adam(0.05, 30, 40, 3);

    private TuneResult tune(double l2, int threads, boolean refit) throws Exception {
        TuneSpec spec = TuneSpec.of(TuneSpec.Strategy.GRID, 4).withFolds(3).withThreads(threads).withRefit(refit);
        return Tuner.tune(new TuneRequest(train, val, null, 2, HeadSpec.linear(), RegularizationSpec.builder().l2(l2).build(),
                training, space, spec, true, null), TrialLog.none());
    }

    @Test
    void unregularizedBaselineIsUnderAndHeavyOneIsOver() throws Exception {
        TuneResult under = tune(0.0, 1, false);
        Verdict u = under.selection().verdicts().get(0);
        assertThat(u.kind()).as(u.advice()).isEqualTo(Verdict.Kind.UNDER);
        assertThat(u.referenceGap()).isGreaterThan(u.selectedGap());
        TuneResult over = tune(30.0, 1, false);
        Verdict o = over.selection().verdicts().get(0);
        assertThat(o.kind()).as(o.advice()).isEqualTo(Verdict.Kind.OVER);
    }

    @Test
    void parallelTrialsGiveTheSameBytesAsSerialOnesAndRefitIsAHead() throws Exception {
        TuneResult serial = tune(0.0, 1, false);
        TuneResult parallel = tune(0.0, 2, true);
        assertThat(parallel.trials().stream().map(TuneJson::trialLine).toList())
                .isEqualTo(serial.trials().stream().map(TuneJson::trialLine).toList());
        assertThat(parallel.selection().toJson()).isEqualTo(serial.selection().toJson());
        assertThat(parallel.refit().history().epochs()).hasSize(parallel.selection().refitEpochs());
        assertThat(parallel.refit().predictProba(val)).hasNumberOfRows(30);
    }
}
