package dev.regula.transfer.train;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import java.util.List;

/** Input checks of a stacked run, each failing with what was expected and what was found. */
final class StackChecks {
    private StackChecks() {}

    static void validate(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head, List<HeadJob> jobs) {
        java.util.Objects.requireNonNull(head, "head");
        if (jobs.isEmpty()) {
            throw new IllegalArgumentException("a stack needs at least one head, got none");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2 (binary tasks use 2), got " + classes);
        }
        if (train.rows() == 0) {
            throw new IllegalArgumentException("the training split is empty");
        }
        checkLabels("train", train, classes);
        if (val != null) {
            checkLabels("val", val, classes);
            if (val.dim() != train.dim()) {
                throw new IllegalArgumentException("val features have dim " + val.dim() + ", train has " + train.dim());
            }
        }
        StackKey key = StackKey.of(jobs.get(0));
        int[] widths = head.widths(train.dim(), classes);
        for (int k = 0; k < jobs.size(); k++) {
            HeadJob job = jobs.get(k);
            List<String> diff = key.differences(StackKey.of(job));
            if (!diff.isEmpty()) {
                throw new IllegalArgumentException("heads 0 and " + k + " cannot share a stack: " + String.join(", ", diff));
            }
            String at = jobs.size() == 1 ? "" : "head " + k + ": ";
            if (job.regularization().earlyStopping() != null && job.watchRows() == null && (val == null || val.rows() == 0)) {
                throw new IllegalArgumentException(at + "early_stopping needs a non-empty validation split");
            }
            if (job.rowWeights() != null && job.rowWeights().length != train.rows()) {
                throw new IllegalArgumentException(at + "row weights have " + job.rowWeights().length + " entries, expected one per training row ("
                        + train.rows() + ")");
            }
            if (job.watchRows() != null) {
                for (int r : job.watchRows()) {
                    if (r < 0 || r >= train.rows()) {
                        throw new IllegalArgumentException(at + "watch row " + r + " is outside the training rows 0.." + (train.rows() - 1));
                    }
                }
            }
            if (job.initial() != null) {
                checkInitial(at, job.initial(), widths);
            }
        }
    }

    private static void checkInitial(String at, List<LayerWeights> initial, int[] widths) {
        if (initial.size() != widths.length - 1) {
            throw new IllegalArgumentException(at + "initial weights have " + initial.size() + " layers, the head has " + (widths.length - 1));
        }
        for (int l = 0; l < initial.size(); l++) {
            LayerWeights lw = initial.get(l);
            if (lw.in() != widths[l] || lw.out() != widths[l + 1]) {
                throw new IllegalArgumentException(at + "initial layer " + l + " is [" + lw.out() + " x " + lw.in() + "], expected ["
                        + widths[l + 1] + " x " + widths[l] + "]");
            }
        }
    }

    private static void checkLabels(String split, FeatureMatrix m, int classes) {
        for (int i = 0; i < m.rows(); i++) {
            int y = m.labels()[i];
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException(split + " row " + i + " has label " + y + ", expected 0.." + (classes - 1));
            }
        }
    }
}
