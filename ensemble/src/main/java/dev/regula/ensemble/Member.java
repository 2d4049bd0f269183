package dev.regula.ensemble;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.train.TrainedHead;
import java.util.List;
import java.util.Objects;

/**
 * One ensemble member: a trained head plus what the ensemble needs to know about it.
 *
 * @param name unique, human-readable id (e.g. {@code seed-3}, {@code bag-1}, {@code snapshot-2})
 * @param head the trained head
 * @param classes class names in the head's output order
 * @param trainRows rows of the training split the head was fit on, with bootstrap multiplicity;
 *     {@code null} when it saw every training row
 * @param oobRows training rows it never saw (bagging), sorted; {@code null} when it saw them all
 * @param origin id of the weights it started from; members with equal origins share a start
 *     point and may be weight-averaged ({@link Soups})
 */
public record Member(String name, TrainedHead head, List<String> classes, int[] trainRows, int[] oobRows, String origin) {
    public Member {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(origin, "origin");
        classes = List.copyOf(classes);
        if (classes.size() != head.classes()) {
            throw new IllegalArgumentException("member " + name + ": " + classes.size() + " class names for a head with "
                    + head.classes() + " outputs");
        }
        trainRows = trainRows == null ? null : trainRows.clone();
        oobRows = oobRows == null ? null : oobRows.clone();
    }

    /** A member trained on all training rows. */
    public static Member of(String name, TrainedHead head, List<String> classes, String origin) {
        return new Member(name, head, classes, null, null, origin);
    }

    /** Feature dimension the head expects. */
    public int inputDim() {
        return head.inputDim();
    }

    /** Class probabilities {@code [rows][C]}, computed in plain Java (no dropout). */
    public float[][] predictProba(FeatureMatrix x) {
        return Forward.proba(head.layers(), head.spec().activation(), x);
    }
}
