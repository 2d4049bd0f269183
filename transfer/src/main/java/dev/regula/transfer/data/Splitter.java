package dev.regula.transfer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Splits a dataset into train/val/test. Deterministic for a seed: every iteration runs over lists in
 * dataset order or maps sorted by key, and the only randomness is a {@link SplittableRandom} built from the
 * seed passed in.
 */
public final class Splitter {
    private static final int TRAIN = 0;
    private static final int VAL = 1;
    private static final int TEST = 2;

    private Splitter() {}

    /** Splits as the spec says. */
    public static Splits split(Dataset data, SplitSpec spec) throws DatasetException {
        LabelVocab labels = LabelVocab.of(data, spec.labelOrder());
        return switch (spec.mode()) {
            case STRATIFIED -> stratified(data, labels, spec.fractions(), spec.seed());
            case GROUPED -> grouped(data, labels, spec.fractions(), spec.seed());
            case BY_FIELD -> byField(data, labels);
        };
    }

    /**
     * Per class: shuffle with the seed, cut into test, val and train by the fractions, each split getting at
     * least one example of every class.
     *
     * @throws DatasetException when a class has too few examples for that (names the class, its count and the
     *     minimum)
     */
    public static Splits stratified(Dataset data, LabelVocab labels, SplitFractions fractions, long seed)
            throws DatasetException {
        List<List<Integer>> byClass = indicesByClass(data, labels);
        for (int c = 0; c < labels.size(); c++) {
            int n = byClass.get(c).size();
            if (allocate(n, fractions) == null) {
                throw new DatasetException(data.path(), 0, data.spec().labelField(), "class '" + labels.name(c) + "' has "
                        + n + " examples; a stratified " + fractions.train() + "/" + fractions.val() + "/" + fractions.test()
                        + " split needs at least " + minimumPerClass(fractions) + " per class (one in each split)");
            }
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] assign = new int[data.size()];
        for (int c = 0; c < labels.size(); c++) {
            int[] idx = byClass.get(c).stream().mapToInt(Integer::intValue).toArray();
            shuffle(idx, rnd);
            int[] k = allocate(idx.length, fractions);
            for (int i = 0; i < idx.length; i++) {
                assign[idx[i]] = i < k[TEST] ? TEST : i < k[TEST] + k[VAL] ? VAL : TRAIN;
            }
        }
        return collect(data, labels, assign);
    }

    /**
     * All examples of a group go to one split. Groups are bucketed by their majority label (ties to the lower
     * label index), and within a bucket assigned, largest first with ties in seeded random order, to the
     * split furthest below its target share. Class proportions are therefore only approximately kept.
     *
     * @throws DatasetException when an example has no group, or when there are too few groups to fill all
     *     three splits
     */
    public static Splits grouped(Dataset data, LabelVocab labels, SplitFractions fractions, long seed)
            throws DatasetException {
        TreeMap<String, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < data.size(); i++) {
            Example e = data.examples().get(i);
            if (e.group() == null) {
                throw DatasetException.atSource(e.source(), data.spec().groupField(),
                        "example has no group; a group-aware split needs a group field on every example");
            }
            groups.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(i);
        }
        List<List<String>> buckets = new ArrayList<>();
        for (int c = 0; c < labels.size(); c++) {
            buckets.add(new ArrayList<>());
        }
        for (Map.Entry<String, List<Integer>> g : groups.entrySet()) {
            int[] counts = new int[labels.size()];
            for (int i : g.getValue()) {
                counts[labels.index(data.examples().get(i).label())]++;
            }
            int best = 0;
            for (int c = 1; c < counts.length; c++) {
                if (counts[c] > counts[best]) {
                    best = c;
                }
            }
            buckets.get(best).add(g.getKey());
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] assign = new int[data.size()];
        for (List<String> bucket : buckets) {
            String[] order = bucket.toArray(new String[0]);
            shuffle(order, rnd);
            // Stable sort keeps the seeded order among groups of equal size.
            Arrays.sort(order, (a, b) -> Integer.compare(groups.get(b).size(), groups.get(a).size()));
            long total = bucket.stream().mapToLong(g -> groups.get(g).size()).sum();
            double[] deficit = {fractions.train() * total, fractions.val() * total, fractions.test() * total};
            for (String g : order) {
                int s = TRAIN;
                for (int t = VAL; t <= TEST; t++) {
                    if (deficit[t] > deficit[s]) {
                        s = t;
                    }
                }
                deficit[s] -= groups.get(g).size();
                for (int i : groups.get(g)) {
                    assign[i] = s;
                }
            }
        }
        Splits out = collect(data, labels, assign);
        for (String s : Splits.NAMES) {
            if (out.get(s).isEmpty()) {
                throw new DatasetException(data.path(), 0, data.spec().groupField(), "group-aware split left '" + s
                        + "' empty: " + groups.size() + " groups are too few for three splits");
            }
        }
        return out;
    }

    /**
     * The split is named by each example's split field: train, val or test.
     *
     * @throws DatasetException for a missing or unknown split name (names the row), an empty split, or a class
     *     absent from train
     */
    public static Splits byField(Dataset data, LabelVocab labels) throws DatasetException {
        int[] assign = new int[data.size()];
        for (int i = 0; i < data.size(); i++) {
            Example e = data.examples().get(i);
            String field = data.spec().splitField();
            if (e.splitName() == null) {
                throw DatasetException.atSource(e.source(), field, "no split name; splitting by field needs a split field ("
                        + (field == null ? "none configured" : "'" + field + "'") + ") on every row");
            }
            int s = Splits.NAMES.indexOf(e.splitName());
            if (s < 0) {
                throw DatasetException.atSource(e.source(), field, "unknown split '" + e.splitName() + "' in field '" + field
                        + "', expected one of " + Splits.NAMES);
            }
            assign[i] = s;
        }
        Splits out = collect(data, labels, assign);
        for (String s : Splits.NAMES) {
            if (out.get(s).isEmpty()) {
                throw new DatasetException(data.path(), 0, data.spec().splitField(), "no rows name the split '" + s + "'");
            }
        }
        int[] train = out.counts("train");
        for (int c = 0; c < train.length; c++) {
            if (train[c] == 0) {
                throw new DatasetException(data.path(), 0, data.spec().splitField(), "class '" + labels.name(c)
                        + "' has no examples in train");
            }
        }
        return out;
    }

    /** Examples per split for a class of n: {train, val, test}, or null when some split would get none. */
    static int[] allocate(int n, SplitFractions f) {
        int test = Math.max(1, (int) Math.round(n * f.test()));
        int val = Math.max(1, (int) Math.round(n * f.val()));
        int train = n - val - test;
        return train >= 1 ? new int[] {train, val, test} : null;
    }

    /** The smallest class size {@link #allocate} accepts. */
    static int minimumPerClass(SplitFractions f) {
        int n = 3;
        while (allocate(n, f) == null) {
            n++;
        }
        return n;
    }

    private static List<List<Integer>> indicesByClass(Dataset data, LabelVocab labels) {
        List<List<Integer>> out = new ArrayList<>();
        for (int c = 0; c < labels.size(); c++) {
            out.add(new ArrayList<>());
        }
        for (int i = 0; i < data.size(); i++) {
            out.get(labels.index(data.examples().get(i).label())).add(i);
        }
        return out;
    }

    private static Splits collect(Dataset data, LabelVocab labels, int[] assign) {
        List<List<Example>> parts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < assign.length; i++) {
            parts.get(assign[i]).add(data.examples().get(i));
        }
        return new Splits(parts.get(TRAIN), parts.get(VAL), parts.get(TEST), labels);
    }

    private static void shuffle(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static <T> void shuffle(T[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            T t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
