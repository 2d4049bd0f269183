package dev.regula.ensemble;

import dev.regula.models.AtomicFiles;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-split metrics of every member, of the best single member (chosen by validation NLL, never
 * by test results) and of every combiner, plus the members' diversity.
 *
 * @param members metrics per member name
 * @param bestSingle name of the member with the lowest validation NLL
 * @param combiners metrics per combiner, keyed by kind (suffixed {@code #2}, ... on repeats)
 * @param combinerDescriptions what each combiner learned, same keys
 * @param diversity disagreement and the ambiguity decomposition (uniform weights)
 */
public record EnsembleReport(
        @JsonProperty("members") Map<String, ClassificationMetrics> members,
        @JsonProperty("best_single") String bestSingle,
        @JsonProperty("best_single_metrics") ClassificationMetrics bestSingleMetrics,
        @JsonProperty("combiners") Map<String, ClassificationMetrics> combiners,
        @JsonProperty("combiner_descriptions") Map<String, Map<String, Object>> combinerDescriptions,
        @JsonProperty("diversity") Diversity diversity) {

    /** Evaluates {@code members} and {@code combiners} (each fitted for these members) on {@code test}. */
    public static EnsembleReport evaluate(List<Member> members, List<Combiner> combiners, FeatureMatrix val, FeatureMatrix test)
            throws EnsembleException {
        Ensemble.checkMembers(members);
        return evaluate(members, combiners, MemberPredictions.heldOut(members, val), test);
    }

    /**
     * As {@link #evaluate(List, List, FeatureMatrix, FeatureMatrix)}, the best single member picked on given
     * held-out validation predictions (e.g. out-of-fold ones for members that were trained on the val rows).
     */
    public static EnsembleReport evaluate(List<Member> members, List<Combiner> combiners, MemberPredictions val,
            FeatureMatrix test) throws EnsembleException {
        Ensemble.checkMembers(members);
        if (val.members() != members.size()) {
            throw new EnsembleException("report: " + val.members() + " validation predictions for " + members.size() + " members");
        }
        if (val.rows() == 0) {
            throw new EnsembleException("report: the validation split has 0 rows, cannot pick the best single member");
        }
        if (test.rows() == 0) {
            throw new EnsembleException("report: the test split has 0 rows");
        }
        List<String> names = members.stream().map(Member::name).toList();
        float[][][] testP = new float[members.size()][][];
        Map<String, ClassificationMetrics> per = new LinkedHashMap<>();
        String best = null;
        double bestNll = Double.POSITIVE_INFINITY;
        for (int k = 0; k < members.size(); k++) {
            Member m = members.get(k);
            testP[k] = m.predictProba(test);
            per.put(m.name(), ClassificationMetrics.of(testP[k], test.labels()));
            double nll = Probs.nll(val.proba()[k], val.labels());
            if (nll < bestNll || best == null) {
                bestNll = nll;
                best = m.name();
            }
        }
        Map<String, ClassificationMetrics> comb = new LinkedHashMap<>();
        Map<String, Map<String, Object>> desc = new LinkedHashMap<>();
        for (Combiner c : combiners) {
            Ensemble.of(members, c);
            String key = c.kind();
            for (int i = 2; comb.containsKey(key); i++) {
                key = c.kind() + "#" + i;
            }
            comb.put(key, ClassificationMetrics.of(c.combine(testP), test.labels()));
            desc.put(key, c.describe());
        }
        Diversity div = Diversity.of(names, testP, test.labels(), Probs.uniform(members.size()));
        return new EnsembleReport(per, best, per.get(best), comb, desc, div);
    }

    /** Writes the report as indented JSON, atomically (temp file in the same folder, then a move). */
    public void write(Path file) throws EnsembleException {
        try {
            AtomicFiles.write(file, out -> Json.INDENTED.writeValue(out, this));
        } catch (IOException e) {
            throw new EnsembleException("report: cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
