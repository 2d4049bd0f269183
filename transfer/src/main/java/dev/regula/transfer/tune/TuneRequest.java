package dev.regula.transfer.tune;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingSpec;
import java.util.Objects;

/**
 * Everything one head's search needs. Only the train and val splits come in: the test split is not a
 * parameter of anything in this package, so tuning cannot read it.
 *
 * @param train the train split's features
 * @param val the val split's features
 * @param groups group id per row, train rows then val rows, for grouped folds; null = stratified
 * @param classes number of classes
 * @param head the head's architecture
 * @param regularization the head's configured regularization: the base every trial changes only the
 *     searched knobs of (for {@code regularization: auto}, {@link RegularizationSpec#none()})
 * @param training the head's training spec; its epochs are the full budget R of a trial
 * @param space the searched knobs
 * @param tune the strategy and its settings
 * @param baseline whether to evaluate the configured values of the searched knobs as an extra trial
 *     (the pipeline sets it when the user wrote numbers), which the verdicts then judge
 * @param trainer trains trials (not used by the path strategy, whose full-batch solver is built in)
 */
public record TuneRequest(FeatureMatrix train, FeatureMatrix val, String[] groups, int classes, HeadSpec head,
        RegularizationSpec regularization, TrainingSpec training, SearchSpace space, TuneSpec tune, boolean baseline,
        TrialTrainer trainer) {

    public TuneRequest {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(val, "val");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(regularization, "regularization");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(tune, "tune");
        trainer = trainer == null ? new HeadTrialTrainer() : trainer;
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
        space.checkApplies(head);
        boolean hasPath = space.path() != null;
        if (hasPath != (tune.strategy() == TuneSpec.Strategy.PATH)) {
            throw new IllegalArgumentException(hasPath
                    ? "tune.strategy: the space has a path (" + space.path().knob().path() + ": {path: n}), which only "
                            + "strategy 'path' sweeps; got '" + tune.strategy().yamlName() + "'"
                    : "tune.strategy: 'path' needs a knob with a {path: n} range, the space has none");
        }
    }

    /** The same request with another strategy/settings. */
    public TuneRequest withTune(TuneSpec t) {
        return new TuneRequest(train, val, groups, classes, head, regularization, training, space, t, baseline, trainer);
    }
}
