package dev.regula.pipeline.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.ensemble.CombinerSpec;
import dev.regula.ensemble.MemberFactory;
import dev.regula.ensemble.WeightedMean;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Json;
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
                .hasMessageContaining("ensemble.combiner: 'median', expected one of [mean, weighted, caruana, stacking, auto]");
        assertThatThrownBy(() -> parse("{\"combiner\": {\"kind\": \"weighted\", \"rounds\": 3}}"))
                .hasMessageContaining("ensemble.combiner.rounds: not an option of combiner weighted; its options are [kind, penalty, strength, temperature]");
        assertThatThrownBy(() -> parse("{\"combiner\": {\"kind\": \"weighted\", \"penalty\": \"l1\"}}"))
                .hasMessageContaining("ensemble.combiner.penalty: 'l1', expected l2 or entropy");
        assertThatThrownBy(() -> parse("{\"combiners\": \"mean\"}")).hasMessageContaining("ensemble.combiners: unknown key, did you mean 'combiner'?");
        assertThatThrownBy(() -> parse("{\"combiner\": {\"kind\": \"stacking\", \"l2\": \"big\"}}"))
                .hasMessageContaining("ensemble.combiner.l2: expected a number or a list of numbers >= 0");
    }

    @Test
    void seedsAndBaggingNameATrainedHeadAndACount() throws Exception {
        EnsembleConfig c = parse("{\"members\": [], \"seeds\": {\"head\": \"b\", \"count\": 3}, \"bagging\": {\"head\": \"a\", \"count\": 2}}");
        assertThat(c.members()).isEmpty();
        assertThat(c.seeds()).isEqualTo(new EnsembleConfig.Extra("b", 3, null));
        assertThat(c.bagging()).isEqualTo(new EnsembleConfig.Extra("a", 2, MemberFactory.StopOn.OOB));
        assertThat(parse("{}").seeds()).isNull();
        assertThatThrownBy(() -> parse("{\"members\": []}")).hasMessageContaining("ensemble.members: empty list");
        assertThatThrownBy(() -> parse("{\"seeds\": {\"head\": \"x\", \"count\": 3}}"))
                .hasMessage("spec.yaml: ensemble.seeds.head: \"x\" is not a trained head; the heads are [a, b, c]");
        assertThatThrownBy(() -> parse("{\"bagging\": {\"head\": \"a\", \"count\": 0}}"))
                .hasMessageContaining("ensemble.bagging.count: 0 is not an integer in [1, 100]");
        assertThatThrownBy(() -> parse("{\"seeds\": {\"head\": \"a\", \"count\": 2, \"seed\": 1}}"))
                .hasMessageContaining("ensemble.seeds.seed: unknown key, did you mean 'head'?");
        assertThatThrownBy(() -> parse("{\"bagging\": {\"head\": \"a\", \"count\": 2, \"early_stopping\": \"train\"}}"))
                .hasMessageContaining("ensemble.bagging.early_stopping: \"train\", expected oob or val");
        assertThat(parse("{\"bagging\": {\"head\": \"a\", \"count\": 2, \"early_stopping\": \"val\"}}").bagging().stopOn())
                .isEqualTo(MemberFactory.StopOn.VAL);
        assertThatThrownBy(() -> parse("{\"seeds\": {\"head\": \"a\", \"count\": 2, \"early_stopping\": \"oob\"}}"))
                .hasMessageContaining("ensemble.seeds.early_stopping: unknown key, valid keys here: [head, count]");
        assertThatThrownBy(() -> parse("{\"seeds\": 5}"))
                .hasMessageContaining("ensemble.seeds: expected a mapping {head: NAME, count: N}, got 5");
    }

    @Test
    void snapshotsAndSoupsNameTheirMembersAndBadOnesNameTheKeyPath() throws Exception {
        EnsembleConfig c = parse("{\"members\": [], \"seeds\": {\"head\": \"a\", \"count\": 2}, "
                + "\"snapshots\": {\"head\": \"b\", \"cycles\": 3, \"epochs_per_cycle\": 4}, \"soup\": {\"of\": \"snapshots\"}}");
        assertThat(c.snapshots()).isEqualTo(new EnsembleConfig.Snapshots("b", 3, 4));
        assertThat(c.snapshotNames()).containsExactly("b-snap-1", "b-snap-2", "b-snap-3");
        assertThat(c.soup()).isEqualTo(new EnsembleConfig.Soup(List.of("b-snap-1", "b-snap-2", "b-snap-3"), "snapshots", false));
        assertThat(parse("{\"seeds\": {\"head\": \"a\", \"count\": 2}, \"soup\": {\"of\": [\"a-seed-2\", \"c\"], "
                + "\"kind\": \"greedy\"}}").soup()).isEqualTo(new EnsembleConfig.Soup(List.of("a-seed-2", "c"), null, true));
        assertThat(parse("{\"members\": [], \"soup\": {\"of\": [\"a\"]}}").members()).isEmpty();
        assertThat(parse("{}").soup()).isNull();
        assertThatThrownBy(() -> parse("{\"snapshots\": {\"head\": \"a\", \"cycles\": 0, \"epochs_per_cycle\": 2}}"))
                .hasMessage("spec.yaml: ensemble.snapshots.cycles: 0 is not an integer in [1, 100]");
        assertThatThrownBy(() -> parse("{\"snapshots\": {\"head\": \"a\", \"cycles\": 2}}"))
                .hasMessageContaining("ensemble.snapshots: expected a mapping {head: NAME, cycles: N, epochs_per_cycle: E}");
        assertThatThrownBy(() -> parse("{\"snapshots\": {\"head\": \"a\", \"cycles\": 2, \"epochs_per_cycle\": 1, \"lr\": 1}}"))
                .hasMessageContaining("ensemble.snapshots.lr: unknown key, valid keys here: [head, cycles, epochs_per_cycle]");
        assertThatThrownBy(() -> parse("{\"soup\": {\"of\": \"snapshots\"}}"))
                .hasMessage("spec.yaml: ensemble.soup.of: 'snapshots' names the snapshots members, but the ensemble has no "
                        + "snapshots key");
        assertThatThrownBy(() -> parse("{\"soup\": {\"of\": \"heads\"}}"))
                .hasMessageContaining("ensemble.soup.of: 'heads', expected a list of member names or one of [snapshots, seeds, bagging]");
        assertThatThrownBy(() -> parse("{\"seeds\": {\"head\": \"a\", \"count\": 1}, \"soup\": {\"of\": [\"a\", \"a-seed-2\"]}}"))
                .hasMessage("spec.yaml: ensemble.soup.of[1]: \"a-seed-2\" is not a trained head or extra member; expected one of "
                        + "[a, b, c, a-seed-1]");
        assertThatThrownBy(() -> parse("{\"soup\": {\"of\": [\"a\", \"a\"]}}"))
                .hasMessageContaining("ensemble.soup.of[1]: 'a' is listed twice");
        assertThatThrownBy(() -> parse("{\"soup\": {\"of\": []}}")).hasMessageContaining("ensemble.soup.of: expected a non-empty list");
        assertThatThrownBy(() -> parse("{\"soup\": {\"of\": [\"a\"], \"kind\": \"average\"}}"))
                .hasMessageContaining("ensemble.soup.kind: \"average\", expected uniform or greedy");
        assertThatThrownBy(() -> parse("{\"soup\": \"a\"}")).hasMessageContaining("ensemble.soup: expected a mapping {of:");
    }

    @Test
    void autoChoosesAmongCandidatesAndTemperatureIsAnOptionOfEveryKind() throws Exception {
        EnsembleConfig a = parse("{\"combiner\": \"auto\"}");
        assertThat(a.combiner().kind()).isEqualTo("auto");
        assertThat(a.combiner().folds()).isEqualTo(5);
        assertThat(a.combiner().candidates()).extracting(CombinerSpec::name).containsExactly("mean",
                "mean+temperature", "weighted", "weighted+temperature", "caruana", "caruana+temperature", "stacking");
        EnsembleConfig b = parse("{\"combiner\": {\"kind\": \"auto\", \"folds\": 4, \"candidates\": [\"mean\", "
                + "{\"kind\": \"weighted\", \"strength\": 0.5, \"temperature\": true}]}}");
        assertThat(b.combiner().folds()).isEqualTo(4);
        assertThat(a.combiner().rule()).isEqualTo(dev.regula.ensemble.CombinerSelection.Rule.ONE_SE);
        assertThat(parse("{\"combiner\": {\"kind\": \"auto\", \"rule\": \"min\"}}").combiner().rule())
                .isEqualTo(dev.regula.ensemble.CombinerSelection.Rule.MIN);
        assertThatThrownBy(() -> parse("{\"combiner\": {\"kind\": \"auto\", \"rule\": \"best\"}}"))
                .hasMessageContaining("ensemble.combiner.rule: 'best', expected one_se or min");
        assertThat(b.combiner().candidates()).extracting(CombinerSpec::name).containsExactly("mean",
                "weighted+temperature");
        assertThat(b.combiner().candidates().get(1).strength()).isEqualTo(0.5);
        assertThat(parse("{\"combiner\": {\"kind\": \"caruana\", \"temperature\": true}}").combiner().name())
                .isEqualTo("caruana+temperature");

        assertThatThrownBy(() -> parse("{\"combiner\": {\"kind\": \"auto\", \"candidates\": [\"auto\"]}}"))
                .hasMessageContaining("ensemble.combiner.candidates[0]: 'auto', expected one of [mean, weighted, caruana, stacking]");
        assertThatThrownBy(() -> parse("{\"combiner\": {\"kind\": \"auto\", \"candidates\": []}}"))
                .hasMessageContaining("ensemble.combiner.candidates: expected a non-empty list");
        assertThatThrownBy(() -> parse("{\"combiner\": {\"kind\": \"auto\", \"candidates\": [\"mean\", {\"kind\": \"mean\"}]}}"))
                .hasMessageContaining("ensemble.combiner.candidates[1]: 'mean' is listed twice");
        assertThatThrownBy(() -> parse("{\"combiner\": {\"kind\": \"auto\", \"temperature\": true}}"))
                .hasMessageContaining("ensemble.combiner.temperature: not an option of combiner auto; its options are [candidates, folds, kind, rule]");
        assertThatThrownBy(() -> parse("{\"combiner\": {\"kind\": \"mean\", \"temperature\": \"yes\"}}"))
                .hasMessageContaining("ensemble.combiner.temperature: expected true or false, got \"yes\"");
    }
}
