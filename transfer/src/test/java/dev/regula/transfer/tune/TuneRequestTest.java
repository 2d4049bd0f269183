package dev.regula.transfer.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TestData;
import dev.regula.transfer.train.TrainingSpec;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TuneRequestTest {

    @Test
    void theOnlyFeatureInputsAreTrainAndVal() {
        List<String> matrices = Arrays.stream(TuneRequest.class.getRecordComponents())
                .filter(c -> c.getType() == FeatureMatrix.class).map(RecordComponent::getName).toList();
        assertThat(matrices).containsExactly("train", "val");
        assertThat(Arrays.stream(TuneRequest.class.getRecordComponents()).map(RecordComponent::getName))
                .noneMatch(n -> n.toLowerCase(java.util.Locale.ROOT).contains("test"));
    }

    @Test
    void foldsCoverTrainPlusValOnceAndStratify() {
        FeatureMatrix train = TestData.blobs(1, 70, 3, 2);
        FeatureMatrix val = TestData.blobs(2, 30, 3, 2);
        Folds f = Folds.stratified(train, val, 5, 9);
        assertThat(f.trainVal().rows()).isEqualTo(100);
        int[] seen = new int[100];
        for (int k = 0; k < 5; k++) {
            int ones = 0;
            for (int i : f.heldOut().get(k)) {
                seen[i]++;
                ones += f.trainVal().labels()[i];
            }
            assertThat(f.heldOut().get(k)).hasSize(20);
            assertThat(ones).isEqualTo(10);
        }
        assertThat(seen).containsOnly(1);
        String[] groups = new String[100];
        for (int i = 0; i < 100; i++) {
            groups[i] = "g" + (i / 4);
        }
        Folds g = Folds.grouped(train, val, groups, 5, 9);
        for (int k = 0; k < 5; k++) {
            assertThat(Arrays.stream(g.heldOut().get(k)).mapToObj(i -> groups[i]).distinct().count() * 4)
                    .isEqualTo(g.heldOut().get(k).length);
        }
    }

    @Test
    void badInputNamesTheKey() {
        assertThatThrownBy(() -> Knob.of("dropout.rat")).hasMessageContaining("did you mean 'dropout.rate'");
        assertThatThrownBy(() -> new SearchSpace.Dim(Knob.DROPOUT_RATE, new Range.Choice(List.of(0.2, 1.5))))
                .hasMessageContaining("dropout.rate").hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> new SearchSpace.Dim(Knob.DROPOUT_RATE, new Range.Path(10)))
                .hasMessageContaining("penalty strength");
        assertThatThrownBy(() -> TuneSpec.Strategy.of("hyperband")).hasMessageContaining("tune.strategy")
                .hasMessageContaining("halving");
        FeatureMatrix m = TestData.blobs(1, 20, 3, 2);
        SearchSpace path = SearchSpace.of(new SearchSpace.Dim(Knob.L2, new Range.Path(5)));
        assertThatThrownBy(() -> new TuneRequest(m, m, null, 2, HeadSpec.mlp(HeadActivation.RELU, 4),
                RegularizationSpec.none(), TrainingSpec.adam(0.01, 8, 2, 1), path, TuneSpec.of(TuneSpec.Strategy.PATH, 1),
                false, null)).hasMessageContaining("linear head");
        assertThatThrownBy(() -> new TuneRequest(m, m, null, 2, HeadSpec.linear(), RegularizationSpec.none(),
                TrainingSpec.adam(0.01, 8, 2, 1), path, TuneSpec.of(TuneSpec.Strategy.GRID, 1), false, null))
                .hasMessageContaining("strategy 'path'");
        assertThatThrownBy(() -> TuneSpec.of(TuneSpec.Strategy.GRID, 1).withFolds(1)).hasMessageContaining("tune.folds");
    }

    @Test
    void defaultSpacesAreValidForTheirHeads() {
        SearchSpace.defaultFor(HeadSpec.linear()).checkApplies(HeadSpec.linear());
        HeadSpec mlp = HeadSpec.mlp(HeadActivation.RELU, 8);
        SearchSpace s = SearchSpace.defaultFor(mlp);
        s.checkApplies(mlp);
        assertThat(Tuner.configs(s, TuneSpec.of(SearchSpace.defaultStrategy(mlp), 1))).hasSize(24);
    }
}
