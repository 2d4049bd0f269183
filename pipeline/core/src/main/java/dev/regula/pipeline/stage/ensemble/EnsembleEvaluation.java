package dev.regula.pipeline.stage.ensemble;

import dev.regula.ensemble.ClassificationMetrics;
import dev.regula.ensemble.Combiner;
import dev.regula.ensemble.CombinerSelection;
import dev.regula.ensemble.CombinerSpec;
import dev.regula.ensemble.EnsembleException;
import dev.regula.ensemble.EnsembleReport;
import dev.regula.ensemble.Member;
import dev.regula.ensemble.MemberPredictions;
import dev.regula.pipeline.RegulaException;
import dev.regula.transfer.features.FeatureMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code ensemble.json} and {@code report.json} hold: the fitted ensemble (members, combiner,
 * the selection and the soup), and the test and validation metrics of every member, the best
 * single member and the combiners shown beside the exported one.
 *
 * @param saved the content of ensemble.json
 * @param report the content of report.json
 */
record EnsembleEvaluation(Map<String, Object> saved, Map<String, Object> report) {
    /** Folds of the cross-validated validation NLL reported for each combiner when the spec does not choose by it. */
    static final int SELECTION_FOLDS = 5;

    static EnsembleEvaluation of(EnsembleInputs in, EnsembleFit.Fitted f) throws RegulaException {
        FeatureMatrix val = f.val();
        FeatureMatrix test = in.split("test");
        MemberPredictions valPreds = f.valPreds();
        CombinerSpec configured = f.config().combiner();
        String exported = f.ensemble().combiner().kind();
        long seed = in.seed();
        List<CombinerSpec> shown = shown(configured);
        List<Combiner> combiners = new ArrayList<>();
        Map<String, Double> cvNll = new TreeMap<>();
        try {
            for (CombinerSpec cc : shown) {
                combiners.add(cc.name().equals(exported) ? f.ensemble().combiner() : cc.fitOne(valPreds, seed));
                cvNll.put(cc.name(), f.selection() != null ? f.selection().cvNll().get(cc.name())
                        : CombinerSelection.crossValidatedNll(valPreds, rows -> cc.fitOne(rows, seed), SELECTION_FOLDS, seed));
            }
        } catch (EnsembleException e) {
            throw RegulaException.atKey("ensemble", e);
        }
        Map<String, Object> report = new TreeMap<>();
        try {
            EnsembleReport r = EnsembleReport.evaluate(f.ensemble().members(), combiners, valPreds, test);
            report.put("test", r);
            Map<String, Object> valMetrics = new TreeMap<>();
            Map<String, Object> members = new TreeMap<>();
            for (int k = 0; k < valPreds.members(); k++) {
                members.put(valPreds.names().get(k), ClassificationMetrics.of(valPreds.proba()[k], val.labels()));
            }
            valMetrics.put("members", members);
            Map<String, Object> comb = new TreeMap<>();
            for (Combiner c : combiners) {
                comb.put(c.kind(), ClassificationMetrics.of(c.combine(valPreds.proba()), val.labels()));
            }
            valMetrics.put("combiners", comb);
            valMetrics.put("combiners_cv_nll", cvNll);
            report.put("validation", valMetrics);
        } catch (EnsembleException e) {
            throw RegulaException.atKey("ensemble", e);
        }
        report.put("exported", exported);
        report.put("configured", configured.name());
        report.put("members", f.ensemble().members().stream().map(Member::name).toList());
        Map<String, Object> saved = new TreeMap<>();
        saved.put("members", report.get("members"));
        saved.put("combiner", f.ensemble().combiner().describe());
        if (f.selection() != null) {
            saved.put("selection", Map.of("by", "cross-validated validation NLL", "folds", f.selection().folds(),
                    "rule", f.selection().rule().key(), "cv_nll", f.selection().cvNll(),
                    "cv_gap_se", f.selection().cvGapSe(), "lowest", f.selection().lowest(), "chosen", f.selection().name()));
        }
        saved.put("classes", in.store().labels());
        if (f.soup() != null) {
            Map<String, Object> soup = new TreeMap<>();
            soup.put("kind", f.config().soup().kind());
            soup.put("of", f.config().soup().of());
            soup.put("ingredients", f.soup().ingredients());
            saved.put("soup", soup);
            report.put("soup", soup);
        }
        return new EnsembleEvaluation(saved, report);
    }

    /** Shown: auto's candidates, or the configured combiner followed by the default candidates of other names. */
    private static List<CombinerSpec> shown(CombinerSpec configured) {
        List<CombinerSpec> shown = new ArrayList<>();
        if (configured.isAuto()) {
            shown.addAll(configured.candidates());
        } else {
            shown.add(configured);
            CombinerSpec.DEFAULT_CANDIDATES.stream().filter(c -> !c.name().equals(configured.name())).forEach(shown::add);
        }
        return shown;
    }
}
