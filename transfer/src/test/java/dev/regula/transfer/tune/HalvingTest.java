package dev.regula.transfer.tune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.train.TestData;
import dev.regula.transfer.features.FeatureMatrix;
import java.util.List;
import org.junit.jupiter.api.Test;

class HalvingTest {

    @Test
    void rungSizesForBudgetAndEta() {
        assertThat(Halving.schedule(27, 27, 3, 3)).containsExactly(
                new Halving.Rung(0, 3, 27), new Halving.Rung(1, 9, 9), new Halving.Rung(2, 27, 3));
        // R = 30, r_min = round(30/9) = 3: rungs at 3, 10, 30 epochs; 10 -> 3 -> 1 trials.
        assertThat(Halving.defaultMinEpochs(30, 3)).isEqualTo(3);
        assertThat(Halving.schedule(10, 30, 3, 3)).containsExactly(
                new Halving.Rung(0, 3, 10), new Halving.Rung(1, 10, 3), new Halving.Rung(2, 30, 1));
        // eta 2, r_min 5, R 20: 5, 10, 20 epochs; 8 -> 4 -> 2 trials.
        assertThat(Halving.schedule(8, 20, 5, 2)).containsExactly(
                new Halving.Rung(0, 5, 8), new Halving.Rung(1, 10, 4), new Halving.Rung(2, 20, 2));
        // r_min equal to R: one rung, nobody is stopped early.
        assertThat(Halving.schedule(5, 10, 10, 3)).containsExactly(new Halving.Rung(0, 10, 5));
    }

    @Test
    void promotesTheBestByMeanThenId() {
        TrialResult a = TuneFixtures.trial(Knob.L2, 1.0, 0.5, 0.5);
        TrialResult b = TuneFixtures.trial(Knob.L2, 2.0, 0.3, 0.3);
        TrialResult c = TuneFixtures.trial(Knob.L2, 3.0, 0.4, 0.4);
        assertThat(Halving.promote(List.of(a, b, c), 2)).extracting(TrialResult::meanValNll)
                .containsExactlyInAnyOrder(0.3, 0.4);
    }

    @Test
    void halvingSearchKeepsTheBestAndNeverStopsBeforeTheMinimum() throws Exception {
        FeatureMatrix train = TestData.blobs(1, 60, 3, 2);
        FeatureMatrix val = TestData.blobs(2, 30, 3, 2);
        SearchSpace space = SearchSpace.of(new SearchSpace.Dim(Knob.L2,
                new Range.Choice(List.of(1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0, 1e3, 1e4))));
        FakeTrainer fake = new FakeTrainer();
        TuneSpec spec = TuneSpec.of(TuneSpec.Strategy.HALVING, 5).withFolds(3).withRefit(false).withHalving(3, 3);
        TuneResult r = Tuner.tune(TuneFixtures.fakeRequest(train, val, space, spec, fake, 27).withTune(spec),
                TrialLog.none());
        // 9 trials: rungs 3 epochs x 9, 9 epochs x 3, 27 epochs x 1, plus the baseline's 27, on 3 folds.
        assertThat(r.epochsTrained()).isEqualTo(3L * (9 * 3 + 3 * 9 + 27 + 27));
        assertThat(r.trials()).hasSize(10);
        assertThat(r.trials()).filteredOn(t -> !t.config().baseline())
                .allSatisfy(t -> assertThat(t.folds()).allSatisfy(f -> assertThat(f.epochs()).isGreaterThanOrEqualTo(3)));
        assertThat(r.trials()).filteredOn(t -> t.status() == TrialResult.Status.STOPPED).hasSize(8);
        assertThat(r.selection().winner().config().value(Knob.L2)).isEqualTo(1e-2);
        TrialResult w = r.selection().winner();
        assertThat(w.rungs()).extracting(RungScore::epochs).containsExactly(3, 9, 27);
        // Fake val NLL is lowest at epoch round(sqrt(0.5/0.004)) = 11, within the 27-epoch budget.
        assertThat(w.meanBestEpoch()).isEqualTo(11.0);
        assertThat(r.selection().refitEpochs()).isEqualTo(11);
    }
}
