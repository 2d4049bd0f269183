package dev.regula.pipeline.stage.ensemble;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.ensemble.Member;
import dev.regula.ensemble.MemberPredictions;
import dev.regula.pipeline.spec.EnsembleConfig;
import dev.regula.pipeline.spec.SpecKey;
import dev.regula.pipeline.stage.tune.TrialLibrary;
import java.util.ArrayList;
import java.util.BitSet;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.train.TrainedHead;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What an ensemble is built from.
 *
 * @param origin where the section came from, for messages (the spec file, or the command's options)
 * @param section the {@code ensemble:} section
 * @param heads the trained heads, in the order {@code members} defaults to
 * @param trials the tune stage's trials when some head was tuned, else null
 */
record EnsembleInputs(String origin, JsonNode section, long seed, FeatureStore store, Map<String, TrainedHead> heads,
                      TrialLibrary trials, Consumer<String> log) {
    /** The section, checked against the trained heads' names. */
    EnsembleConfig config() throws RegulaException {
        return EnsembleConfig.parse(origin, section, List.copyOf(heads.keySet()));
    }

    /** Key {@code path} of the section's origin, for errors found after parsing. */
    SpecKey key(String path) {
        return new SpecKey(java.nio.file.Path.of(origin), path);
    }

    /**
     * The members' held-out predictions on the val split: their own, or, for a member trained on the val
     * rows (a tuned head's refit, a refit trial member), its out-of-fold predictions there.
     */
    MemberPredictions heldOut(List<Member> members, FeatureMatrix val) throws RegulaException {
        int trainRows = split("train").rows();
        List<BitSet> none = new ArrayList<>();
        float[][][] p = new float[members.size()][][];
        for (int k = 0; k < members.size(); k++) {
            Member m = members.get(k);
            float[][] o = trials == null ? null : trials.heldOutVal(m.name(), trainRows, val.rows());
            p[k] = o != null ? o : m.predictProba(val);
            none.add(new BitSet());
        }
        return new MemberPredictions(members.stream().map(Member::name).toList(), p, val.labels(), none);
    }

    /** A split of the store that the ensemble needs. */
    FeatureMatrix split(String name) throws RegulaException {
        if (!store.splitNames().contains(name)) {
            throw new RegulaException(Problem.atKey("ensemble", "the feature store has no '" + name + "' split; give split."
                    + name + " a fraction > 0").withExpected("a '" + name + "' split", String.valueOf(store.splitNames())));
        }
        return store.split(name);
    }
}
