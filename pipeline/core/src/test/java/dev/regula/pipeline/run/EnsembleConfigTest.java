package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.ensemble.WeightedMean;
import dev.regula.pipeline.RegulaException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnsembleConfigTest {
    private static final List<String> HEADS = List.of("a", "b", "c");

    private static EnsembleConfig parse(String json) throws Exception {
        return EnsembleConfig.parse("spec.yaml", Json.MAPPER.readTree(json), HEADS);
    }

    @Test
    void defaultsAreEveryHeadAndTheMean() throws Exception {
        EnsembleConfig c = parse("{}");
        assertThat(c.members()).containsExactly("a", "b", "c");
        assertThat(c.combiner().kind()).isEqualTo("mean");
    }

    @Test
    void optionsAndDefaultsOfEachCombiner() throws Exception {
        EnsembleConfig w = parse("{\"members\": {\"top_k\": 2}, \"combiner\": {\"kind\": \"weighted\", \"penalty\": \"entropy\"}}");
        assertThat(w.topK()).isEqualTo(2);
        assertThat(w.members()).isNull();
        assertThat(w.combiner().penalty()).isEqualTo(WeightedMean.Penalty.ENTROPY);
        assertThat(w.combiner().strength()).isEqualTo(0.01);
        assertThat(parse("{\"combiner\": \"caruana\"}").combiner().rounds()).isEqualTo(20);
        EnsembleConfig s = parse("{\"combiner\": {\"kind\": \"stacking\", \"l2\": 0.5, \"folds\": 3}}");
        assertThat(s.combiner().l2()).containsExactly(0.5);
        assertThat(s.combiner().folds()).isEqualTo(3);
    }

    @Test
    void badInputNamesTheKeyPathAndWhatIsAllowed() {
        assertThatThrownBy(() -> parse("{\"members\": [\"a\", \"x\"]}")).isInstanceOf(RegulaException.class)
                .hasMessage("spec.yaml: ensemble.members[1]: 'x' is not a trained head; the heads are [a, b, c]");
        assertThatThrownBy(() -> parse("{\"members\": [\"a\", \"a\"]}")).hasMessageContaining("ensemble.members[1]: 'a' is listed twice");
        assertThatThrownBy(() -> parse("{\"members\": {\"top_k\": 4}}"))
                .hasMessageContaining("ensemble.members.top_k: 4 is not an integer in [1, 3]");
        assertThatThrownBy(() -> parse("{\"combiner\": \"median\"}"))
                .hasMessageContaining("ensemble.combiner: 'median', expected one of [mean, weighted, caruana, stacking]");
        assertThatThrownBy(() -> parse("{\"combiner\": {\"kind\": \"weighted\", \"rounds\": 3}}"))
                .hasMessageContaining("ensemble.combiner.rounds: not an option of combiner weighted; its options are [kind, penalty, strength]");
        assertThatThrownBy(() -> parse("{\"combiner\": {\"kind\": \"weighted\", \"penalty\": \"l1\"}}"))
                .hasMessageContaining("ensemble.combiner.penalty: 'l1', expected l2 or entropy");
        assertThatThrownBy(() -> parse("{\"combiners\": \"mean\"}")).hasMessageContaining("ensemble.combiners: unknown key");
        assertThatThrownBy(() -> parse("{\"combiner\": {\"kind\": \"stacking\", \"l2\": \"big\"}}"))
                .hasMessageContaining("ensemble.combiner.l2: expected a number or a list of numbers >= 0");
    }

    @Test
    void seedsAndBaggingNameATrainedHeadAndACount() throws Exception {
        EnsembleConfig c = parse("{\"members\": [], \"seeds\": {\"head\": \"b\", \"count\": 3}, \"bagging\": {\"head\": \"a\", \"count\": 2}}");
        assertThat(c.members()).isEmpty();
        assertThat(c.seeds()).isEqualTo(new EnsembleConfig.Extra("b", 3));
        assertThat(c.bagging()).isEqualTo(new EnsembleConfig.Extra("a", 2));
        assertThat(parse("{}").seeds()).isNull();
        assertThatThrownBy(() -> parse("{\"members\": []}")).hasMessageContaining("ensemble.members: empty list");
        assertThatThrownBy(() -> parse("{\"seeds\": {\"head\": \"x\", \"count\": 3}}"))
                .hasMessage("spec.yaml: ensemble.seeds.head: \"x\" is not a trained head; the heads are [a, b, c]");
        assertThatThrownBy(() -> parse("{\"bagging\": {\"head\": \"a\", \"count\": 0}}"))
                .hasMessageContaining("ensemble.bagging.count: 0 is not an integer in [1, 100]");
        assertThatThrownBy(() -> parse("{\"seeds\": {\"head\": \"a\", \"count\": 2, \"seed\": 1}}"))
                .hasMessageContaining("ensemble.seeds.seed: unknown key, expected head, count");
        assertThatThrownBy(() -> parse("{\"seeds\": 5}"))
                .hasMessageContaining("ensemble.seeds: expected a mapping {head: NAME, count: N}, got 5");
    }
}
