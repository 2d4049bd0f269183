package dev.regula.transfer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitterTest {
    private static final Path FILE = Path.of("gen.jsonl");

    /** n examples per class, labels c0..c{k-1}, each with a group g{i % groups} within its class. */
    static Dataset generated(int[] perClass, int groupsPerClass) {
        List<Example> ex = new ArrayList<>();
        int line = 1;
        for (int c = 0; c < perClass.length; c++) {
            for (int i = 0; i < perClass[c]; i++) {
                String group = "c" + c + "-g" + (i % groupsPerClass);
                ex.add(new Example("t" + line, null, "c" + c, group, null, FILE + ":" + line));
                line++;
            }
        }
        // Interleave classes so file order is not class order; fixed seed keeps the fixture stable.
        java.util.Collections.shuffle(ex, new java.util.Random(7));
        return new Dataset(DatasetSpec.of(FILE, DatasetFormat.JSONL).withGroupField("group"), ex, SkippedRows.none(), "0".repeat(64));
    }

    private static List<String> sources(List<Example> l) {
        return l.stream().map(Example::source).toList();
    }

    @Test
    void stratifiedKeepsClassProportions() throws Exception {
        Dataset d = generated(new int[] {400, 100, 40}, 5);
        Splits s = Splitter.split(d, SplitSpec.stratified(SplitFractions.DEFAULT, 42));
        assertThat(s.labels().names()).containsExactly("c0", "c1", "c2");
        assertThat(s.counts("train")).containsExactly(280, 70, 28);
        assertThat(s.counts("val")).containsExactly(60, 15, 6);
        assertThat(s.counts("test")).containsExactly(60, 15, 6);
        assertThat(s.countsPerClass().get("val")).containsEntry("c2", 6);
        // Every example lands in exactly one split.
        List<String> all = new ArrayList<>(sources(s.train()));
        all.addAll(sources(s.val()));
        all.addAll(sources(s.test()));
        assertThat(all).hasSize(540).doesNotHaveDuplicates();
    }

    @Test
    void smallClassesGetAtLeastOneExamplePerSplit() throws Exception {
        Splits s = Splitter.split(generated(new int[] {50, 3}, 1), SplitSpec.stratified(new SplitFractions(0.8, 0.1, 0.1), 1));
        assertThat(s.counts("train")[1]).isEqualTo(1);
        assertThat(s.counts("val")[1]).isEqualTo(1);
        assertThat(s.counts("test")[1]).isEqualTo(1);
    }

    @Test
    void sameSeedSameSplitDifferentSeedDifferentSplit() throws Exception {
        Dataset d = generated(new int[] {100, 60}, 5);
        Splits a = Splitter.split(d, SplitSpec.stratified(SplitFractions.DEFAULT, 11));
        Splits b = Splitter.split(d, SplitSpec.stratified(SplitFractions.DEFAULT, 11));
        Splits c = Splitter.split(d, SplitSpec.stratified(SplitFractions.DEFAULT, 12));
        assertThat(sources(a.test())).isEqualTo(sources(b.test()));
        assertThat(sources(a.train())).isEqualTo(sources(b.train()));
        assertThat(sources(a.test())).isNotEqualTo(sources(c.test()));
        // Splits keep the dataset's order.
        List<String> order = sources(d.examples());
        List<String> train = sources(a.train());
        assertThat(train).isSortedAccordingTo((x, y) -> Integer.compare(order.indexOf(x), order.indexOf(y)));
    }

    @Test
    void tooFewExamplesNamesClassCountAndMinimum() {
        Dataset d = generated(new int[] {50, 2}, 1);
        DatasetException e = catchThrowableOfType(DatasetException.class,
                () -> Splitter.split(d, SplitSpec.stratified(SplitFractions.DEFAULT, 1)));
        assertThat(e.getMessage()).isEqualTo(FILE + ": class 'c1' has 2 examples; a stratified 0.7/0.15/0.15 split needs at least 3 per class (one in each split)");
        assertThat(Splitter.minimumPerClass(new SplitFractions(0.1, 0.6, 0.3))).isGreaterThan(3);
    }

    @Test
    void fractionsAreValidated() {
        assertThatThrownBy(() -> new SplitFractions(0.7, 0.2, 0.2)).hasMessageContaining("must sum to 1");
        assertThatThrownBy(() -> new SplitFractions(0.9, 0.0, 0.1)).hasMessageContaining("'val' must be in (0, 1), got 0.0");
        assertThatThrownBy(() -> new SplitFractions(Double.NaN, 0.5, 0.5)).hasMessageContaining("'train' must be in (0, 1)");
    }

    @Test
    void groupAwareNeverSplitsAGroup() throws Exception {
        for (long seed = 0; seed < 5; seed++) {
            Dataset d = generated(new int[] {300, 120}, 20);
            Splits s = Splitter.split(d, SplitSpec.grouped(SplitFractions.DEFAULT, seed));
            Map<String, String> where = new HashMap<>();
            for (String name : Splits.NAMES) {
                for (Example e : s.get(name)) {
                    String prev = where.put(e.group(), name);
                    assertThat(prev == null || prev.equals(name)).as("group %s in %s and %s", e.group(), prev, name).isTrue();
                }
            }
            assertThat(s.train().size() + s.val().size() + s.test().size()).isEqualTo(420);
            // Approximately stratified: both classes in every split, train near 70%.
            for (String name : Splits.NAMES) {
                assertThat(java.util.Arrays.stream(s.counts(name)).min().getAsInt()).as(name).isPositive();
            }
            assertThat(s.train().size()).isBetween(260, 330);
        }
    }

    @Test
    void groupAwareIsDeterministicAndFailsWithTooFewGroups() throws Exception {
        Dataset d = generated(new int[] {300, 120}, 20);
        assertThat(sources(Splitter.split(d, SplitSpec.grouped(SplitFractions.DEFAULT, 3)).val()))
                .isEqualTo(sources(Splitter.split(d, SplitSpec.grouped(SplitFractions.DEFAULT, 3)).val()));
        Dataset few = generated(new int[] {30, 30}, 1);
        DatasetException e = catchThrowableOfType(DatasetException.class,
                () -> Splitter.split(few, SplitSpec.grouped(SplitFractions.DEFAULT, 3)));
        assertThat(e.getMessage()).contains("group-aware split left").contains("2 groups are too few");
    }

    @Test
    void groupAwareNeedsGroups() {
        List<Example> ex = List.of(Example.text("a", "x", "f:1"), Example.text("b", "y", "f:2"));
        Dataset d = new Dataset(DatasetSpec.of(Path.of("f"), DatasetFormat.JSONL), ex, SkippedRows.none(), "h");
        assertThat(catchThrowableOfType(DatasetException.class, () -> Splitter.split(d, SplitSpec.grouped(SplitFractions.DEFAULT, 1))))
                .hasMessage("f:1: example has no group; a group-aware split needs a group field on every example");
    }

    @Test
    void splitByField() throws Exception {
        List<Example> ex = new ArrayList<>();
        String[] names = {"train", "train", "val", "test", "train", "test", "val", "train"};
        for (int i = 0; i < names.length; i++) {
            ex.add(new Example("t" + i, null, i % 2 == 0 ? "a" : "b", null, names[i], "f:" + (i + 1)));
        }
        Dataset d = new Dataset(DatasetSpec.of(Path.of("f"), DatasetFormat.JSONL).withSplitField("split"), ex, SkippedRows.none(), "h");
        Splits s = Splitter.split(d, SplitSpec.byField());
        assertThat(sources(s.train())).containsExactly("f:1", "f:2", "f:5", "f:8");
        assertThat(sources(s.val())).containsExactly("f:3", "f:7");
        assertThat(sources(s.test())).containsExactly("f:4", "f:6");

        List<Example> bad = new ArrayList<>(ex);
        bad.set(4, new Example("t", null, "a", null, "validation", "f:5"));
        Dataset dBad = new Dataset(d.spec(), bad, SkippedRows.none(), "h");
        assertThat(catchThrowableOfType(DatasetException.class, () -> Splitter.split(dBad, SplitSpec.byField())))
                .hasMessage("f:5: unknown split 'validation' in field 'split', expected one of [train, val, test]");

        List<Example> noVal = ex.stream().filter(e -> !e.splitName().equals("val")).toList();
        Dataset dNoVal = new Dataset(d.spec(), noVal, SkippedRows.none(), "h");
        assertThat(catchThrowableOfType(DatasetException.class, () -> Splitter.split(dNoVal, SplitSpec.byField())))
                .hasMessage("f: no rows name the split 'val'");
    }

    @Test
    void splitByFieldFromCsv(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path f = ReadersTest.write(tmp.resolve("d.csv"), "text,label,split\na,x,train\nb,y,train\nc,x,val\nd,y,test\ne,x,holdout\n");
        Dataset d = DatasetReader.read(DatasetSpec.of(f, DatasetFormat.CSV).withSplitField("split"));
        assertThat(catchThrowableOfType(DatasetException.class, () -> Splitter.split(d, SplitSpec.byField())))
                .hasMessage(f + ":6: unknown split 'holdout' in field 'split', expected one of [train, val, test]");
    }

    @Test
    void explicitLabelOrderIsUsed() throws Exception {
        Splits s = Splitter.split(generated(new int[] {20, 20}, 2),
                SplitSpec.stratified(SplitFractions.DEFAULT, 5).withLabelOrder(List.of("c1", "c0")));
        assertThat(s.labels().names()).containsExactly("c1", "c0");
        assertThat(s.labels().index("c0")).isEqualTo(1);
    }

    @Test
    void describeCoversEverySettingThatChangesTheSplit() {
        SplitSpec a = SplitSpec.stratified(SplitFractions.DEFAULT, 1);
        assertThat(a.describe()).containsEntry("mode", "stratified").containsEntry("seed", 1L)
                .containsEntry("fractions", List.of(0.7, 0.15, 0.15)).containsEntry("labelOrder", List.of());
        assertThat(SplitSpec.stratified(SplitFractions.DEFAULT, 2).describe()).isNotEqualTo(a.describe());
        assertThat(SplitSpec.grouped(SplitFractions.DEFAULT, 1).describe()).isNotEqualTo(a.describe());
        assertThat(a.withLabelOrder(List.of("b", "a")).describe()).isNotEqualTo(a.describe());
        assertThat(SplitSpec.byField().describe()).containsOnlyKeys("mode", "labelOrder");
    }
}
