package dev.regula.transfer.data;

import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How to split a dataset.
 *
 * @param mode stratified, group-aware or named by a field
 * @param fractions train/val/test fractions (ignored for {@link Mode#BY_FIELD})
 * @param seed the shuffling seed (ignored for {@link Mode#BY_FIELD})
 * @param labelOrder explicit label order, or empty for natural string order
 */
public record SplitSpec(Mode mode, SplitFractions fractions, long seed, List<String> labelOrder) {
    /** Split modes. */
    public enum Mode {
        /** Per class, a seeded shuffle cut by the fractions. */
        STRATIFIED,
        /** Whole groups go to one split; stratified by each group's majority label, approximately. */
        GROUPED,
        /** The split is named by the dataset's split field (train/val/test). */
        BY_FIELD
    }

    public SplitSpec {
        Objects.requireNonNull(mode, "mode");
        fractions = fractions == null ? SplitFractions.DEFAULT : fractions;
        labelOrder = labelOrder == null ? List.of() : List.copyOf(labelOrder);
    }

    public static SplitSpec stratified(SplitFractions fractions, long seed) {
        return new SplitSpec(Mode.STRATIFIED, fractions, seed, null);
    }

    public static SplitSpec grouped(SplitFractions fractions, long seed) {
        return new SplitSpec(Mode.GROUPED, fractions, seed, null);
    }

    public static SplitSpec byField() {
        return new SplitSpec(Mode.BY_FIELD, null, 0, null);
    }

    /**
     * The settings as a sorted map, for cache keys: features cached per split depend on how the data was
     * split as well as on the data, so callers add this to the feature store's key.
     */
    public SortedMap<String, Object> describe() {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        if (mode != Mode.BY_FIELD) {
            m.put("fractions", List.of(fractions.train(), fractions.val(), fractions.test()));
            m.put("seed", seed);
        }
        m.put("labelOrder", labelOrder);
        return m;
    }

    public SplitSpec withLabelOrder(List<String> order) {
        return new SplitSpec(mode, fractions, seed, order);
    }
}
