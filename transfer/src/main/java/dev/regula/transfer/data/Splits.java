package dev.regula.transfer.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A dataset split three ways. Each list keeps the dataset's order.
 *
 * @param train training examples
 * @param val validation examples (model selection, early stopping, calibration)
 * @param test held-out examples
 * @param labels the label vocabulary shared by all three
 */
public record Splits(List<Example> train, List<Example> val, List<Example> test, LabelVocab labels) {
    /** The split names, in order. */
    public static final List<String> NAMES = List.of("train", "val", "test");

    public Splits {
        train = List.copyOf(train);
        val = List.copyOf(val);
        test = List.copyOf(test);
        Objects.requireNonNull(labels, "labels");
    }

    /** A split by name: train, val or test. */
    public List<Example> get(String name) {
        return switch (name) {
            case "train" -> train;
            case "val" -> val;
            case "test" -> test;
            default -> throw new IllegalArgumentException("unknown split '" + name + "', expected one of " + NAMES);
        };
    }

    /** Examples per class in a split, indexed like {@link #labels()}. */
    public int[] counts(String split) {
        int[] c = new int[labels.size()];
        for (Example e : get(split)) {
            c[labels.index(e.label())]++;
        }
        return c;
    }

    /** split name to (label to count), both in order, for reports. */
    public Map<String, Map<String, Integer>> countsPerClass() {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        for (String s : NAMES) {
            int[] c = counts(s);
            Map<String, Integer> m = new LinkedHashMap<>();
            for (int i = 0; i < c.length; i++) {
                m.put(labels.name(i), c[i]);
            }
            out.put(s, m);
        }
        return out;
    }
}
