package dev.regula.transfer.tune;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small builders shared by the tune tests. */
final class TuneFixtures {
    private TuneFixtures() {}

    static TrialResult trial(Knob k, double value, double... foldNll) {
        List<FoldScore> folds = new ArrayList<>();
        for (int f = 0; f < foldNll.length; f++) {
            folds.add(new FoldScore(f, foldNll[f], foldNll[f] - 0.05, 10, 20));
        }
        return new TrialResult(new TrialConfig(Map.of(k, value), 1, false), 0, TrialResult.Status.COMPLETED, folds,
                List.of(new RungScore(0, 20, folds.stream().mapToDouble(FoldScore::valNll).average().orElseThrow())), null);
    }

    static TuneRequest fakeRequest(FeatureMatrix train, FeatureMatrix val, SearchSpace space, TuneSpec tune,
            TrialTrainer trainer, int epochs) {
        return new TuneRequest(train, val, null, 2, HeadSpec.linear(), RegularizationSpec.builder().l2(0.5).build(),
                TrainingSpec.adam(0.01, 16, epochs, 3), space, tune, true, trainer);
    }
}
