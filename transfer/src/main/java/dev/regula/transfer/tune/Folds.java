package dev.regula.transfer.tune;

import dev.regula.transfer.features.FeatureMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Cross-validation folds over the train+val rows (train rows first, then val rows). The test split is
 * not an input anywhere in this package.
 *
 * @param trainVal train rows followed by val rows
 * @param heldOut per fold, the row indices (into trainVal) it holds out, ascending
 * @param fixed whether this is the fixed train/val split ({@code folds: 0}) rather than k-fold
 */
public record Folds(FeatureMatrix trainVal, List<int[]> heldOut, boolean fixed) {

    /** One fold's matrices. */
    public record Fold(int index, FeatureMatrix train, FeatureMatrix val, int[] valRows) {}

    public Folds {
        heldOut = List.copyOf(heldOut);
    }

    /** Number of folds. */
    public int size() {
        return heldOut.size();
    }

    /** Fold {@code f}'s train and held-out matrices (copied into memory). */
    public Fold fold(int f) {
        int[] val = heldOut.get(f);
        boolean[] out = new boolean[trainVal.rows()];
        for (int i : val) {
            out[i] = true;
        }
        int[] train = new int[trainVal.rows() - val.length];
        int t = 0;
        for (int i = 0; i < out.length; i++) {
            if (!out[i]) {
                train[t++] = i;
            }
        }
        return new Fold(f, trainVal.select(train), trainVal.select(val), val.clone());
    }

    /** Rows of a fold's training part (the same for every fold up to rounding). */
    public int trainRows(int f) {
        return trainVal.rows() - heldOut.get(f).length;
    }

    /** The fixed split: train rows train, val rows validate. */
    public static Folds fixed(FeatureMatrix train, FeatureMatrix val) {
        FeatureMatrix all = concat(train, val);
        int[] v = new int[val.rows()];
        for (int i = 0; i < v.length; i++) {
            v[i] = train.rows() + i;
        }
        return new Folds(all, List.of(v), true);
    }

    /**
     * Stratified k-fold: per class (in label order) the rows are shuffled with the seed and dealt round-robin
     * into the folds, the deal continuing across classes so fold sizes differ by at most one.
     *
     * @throws IllegalArgumentException when a class has fewer than k rows (names the class and the count)
     */
    public static Folds stratified(FeatureMatrix train, FeatureMatrix val, int k, long seed) {
        FeatureMatrix all = concat(train, val);
        TreeMap<Integer, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < all.rows(); i++) {
            byClass.computeIfAbsent(all.labels()[i], c -> new ArrayList<>()).add(i);
        }
        byClass.forEach((c, rows) -> {
            if (rows.size() < k) {
                throw new IllegalArgumentException("tune.folds: " + k + " stratified folds need at least " + k
                        + " train+val rows of every class; class " + c + " has " + rows.size());
            }
        });
        SplittableRandom rng = new SplittableRandom(seed);
        List<List<Integer>> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            folds.add(new ArrayList<>());
        }
        int next = 0;
        for (List<Integer> rows : byClass.values()) {
            int[] idx = rows.stream().mapToInt(Integer::intValue).toArray();
            shuffle(idx, rng);
            for (int i : idx) {
                folds.get(next).add(i);
                next = (next + 1) % k;
            }
        }
        return new Folds(all, sorted(folds), false);
    }

    /**
     * Grouped k-fold: every row of a group is held out by the same fold. Groups are taken largest first
     * (ties in seeded random order) and each goes to the fold with the fewest rows so far (lowest index on
     * ties), so folds are balanced in size; class proportions are only approximately kept.
     *
     * @param groups one group id per train+val row, train rows first
     * @throws IllegalArgumentException when there are fewer groups than folds, or a group id is missing
     */
    public static Folds grouped(FeatureMatrix train, FeatureMatrix val, String[] groups, int k, long seed) {
        FeatureMatrix all = concat(train, val);
        if (groups.length != all.rows()) {
            throw new IllegalArgumentException("groups: expected one id per train+val row (" + all.rows() + "), got "
                    + groups.length);
        }
        TreeMap<String, List<Integer>> byGroup = new TreeMap<>();
        for (int i = 0; i < groups.length; i++) {
            if (groups[i] == null) {
                throw new IllegalArgumentException("groups: train+val row " + i + " has no group id");
            }
            byGroup.computeIfAbsent(groups[i], g -> new ArrayList<>()).add(i);
        }
        if (byGroup.size() < k) {
            throw new IllegalArgumentException("tune.folds: " + k + " grouped folds need at least " + k + " groups, got "
                    + byGroup.size());
        }
        String[] order = byGroup.keySet().toArray(new String[0]);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            String t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(byGroup.get(b).size(), byGroup.get(a).size()));
        List<List<Integer>> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            folds.add(new ArrayList<>());
        }
        for (String g : order) {
            int best = 0;
            for (int f = 1; f < k; f++) {
                if (folds.get(f).size() < folds.get(best).size()) {
                    best = f;
                }
            }
            folds.get(best).addAll(byGroup.get(g));
        }
        return new Folds(all, sorted(folds), false);
    }

    private static List<int[]> sorted(List<List<Integer>> folds) {
        List<int[]> out = new ArrayList<>();
        for (List<Integer> f : folds) {
            int[] a = f.stream().mapToInt(Integer::intValue).toArray();
            Arrays.sort(a);
            out.add(a);
        }
        return out;
    }

    /** Train rows then val rows, in memory. */
    static FeatureMatrix concat(FeatureMatrix train, FeatureMatrix val) {
        if (train.dim() != val.dim()) {
            throw new IllegalArgumentException("val features have dim " + val.dim() + ", train has " + train.dim());
        }
        // A sparse block stays sparse: folds of a 20,000-wide lexical store are never densified here.
        return FeatureMatrix.concat(train, val);
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
