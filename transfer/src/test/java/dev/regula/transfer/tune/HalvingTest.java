package dev.regula.transfer.tune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.train.TestData;
import dev.regula.transfer.features.FeatureMatrix;
import java.util.List;
import org.junit.jupiter.api.Test;

class HalvingTest {

    @Test
    void rungSizesForBudgetAndEta() {
        // R = 27, r_min 3: s = 2, trials 27 -> 9 -> 3. First rung r: cost 27r + 9(3r - r) + 3(27 - 3r) = 36r + 81
        // must stay <= 27 * 27 / 3 = 243: r = 4 (225), not 5 (261). Rungs 4, 12, 27.
        assertThat(Halving.schedule(27, 27, 3, 3)).containsExactly(
                new Halving.Rung(0, 4, 27), new Halving.Rung(1, 12, 9), new Halving.Rung(2, 27, 3));
        // The tune-mlp benchmark: 27 trials, R = 30, r_min = round(30/9) = 3: cost 36r + 90 <= 270 gives r = 5,
        // rungs 5, 15, 30, exactly a third of the grid's 810 epochs.
        assertThat(Halving.defaultMinEpochs(30, 3)).isEqualTo(3);
        List<Halving.Rung> mlp = Halving.schedule(27, 30, 3, 3);
        assertThat(mlp).containsExactly(new Halving.Rung(0, 5, 27), new Halving.Rung(1, 15, 9), new Halving.Rung(2, 30, 3));
        assertThat(Halving.cost(mlp)).isEqualTo(27 * 5 + 9 * 10 + 3 * 15).isEqualTo(270);
        // 10 trials, R = 30: 10 -> 3 -> 1; cost 10r + 3(2r) + (30 - 3r) = 13r + 30 <= 100 gives r = 5 (95), not 6 (108).
        assertThat(Halving.schedule(10, 30, 3, 3)).containsExactly(
                new Halving.Rung(0, 5, 10), new Halving.Rung(1, 15, 3), new Halving.Rung(2, 30, 1));
        // eta 2, r_min 5, R 20: s = 2, 8 -> 4 -> 2; cost 8r + 4r + 2(20 - 2r) = 8r + 40 <= 80 already at r = 5:
        // rungs stay 5, 10, 20.
        assertThat(Halving.schedule(8, 20, 5, 2)).containsExactly(
                new Halving.Rung(0, 5, 8), new Halving.Rung(1, 10, 4), new Halving.Rung(2, 20, 2));
        // One halving (s = 1), 9 -> 3: cost 9r + 3(9 - r) = 45 at r_min 3 is over 27, so r_min stays.
        assertThat(Halving.schedule(9, 9, 3, 3)).containsExactly(new Halving.Rung(0, 3, 9), new Halving.Rung(1, 9, 3));
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
        // 9 trials, R = 27: 9 -> 3 -> 1, cost 9r + 3(2r) + (27 - 3r) = 12r + 27 <= 81 gives r = 4: rungs 4, 12, 27.
        // Survivors continue, so per fold: 9 x 4, then 3 x 8 more, then 1 x 15 more, plus the baseline's 27.
        assertThat(r.epochsTrained()).isEqualTo(3L * (9 * 4 + 3 * 8 + 15 + 27));
        assertThat(fake.epochs.get()).isEqualTo(3 * (9 * 4 + 3 * 8 + 15 + 27));
        assertThat(r.trials()).hasSize(10);
        assertThat(r.trials()).filteredOn(t -> !t.config().baseline())
                .allSatisfy(t -> assertThat(t.folds()).allSatisfy(f -> assertThat(f.epochs()).isGreaterThanOrEqualTo(3)));
        assertThat(r.trials()).filteredOn(t -> t.status() == TrialResult.Status.STOPPED).hasSize(8);
        assertThat(r.selection().winner().config().value(Knob.L2)).isEqualTo(1e-2);
        TrialResult w = r.selection().winner();
        assertThat(w.rungs()).extracting(RungScore::epochs).containsExactly(4, 12, 27);
        // Fake val NLL is lowest at epoch round(sqrt(0.5/0.004)) = 11, within the 27-epoch budget.
        assertThat(w.meanBestEpoch()).isEqualTo(11.0);
        assertThat(r.selection().refitEpochs()).isEqualTo(11);
    }
}
