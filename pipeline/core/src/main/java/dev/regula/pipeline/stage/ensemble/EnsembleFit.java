package dev.regula.pipeline.stage.ensemble;

import dev.regula.ensemble.Combiner;
import dev.regula.ensemble.CombinerSelection;
import dev.regula.ensemble.Ensemble;
import dev.regula.ensemble.EnsembleException;
import dev.regula.ensemble.Member;
import dev.regula.ensemble.MemberFactory;
import dev.regula.ensemble.MemberPredictions;
import dev.regula.ensemble.Soups;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.EnsembleConfig;
import dev.regula.pipeline.spec.SpecKey;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.train.TrainedHead;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ensemble's members chosen among the trained heads and extra members (the soup member made
 * from its ingredients), and its combiner fitted, or chosen by cross-validation for {@code auto},
 * on the validation split.
 */
final class EnsembleFit {
    private EnsembleFit() {
    }

    /** The spec's members and combiner, fitted on the validation split ({@code valPreds}: the members' held-out predictions there). */
    record Fitted(EnsembleConfig config, Ensemble ensemble, FeatureMatrix val, MemberPredictions valPreds,
            CombinerSelection.Result selection, Souped soup) {}

    /** The soup member and the ingredients it averages (all of {@code of} for uniform, the kept ones for greedy). */
    record Souped(Member member, List<String> ingredients) {}

    /**
     * @param trialMembers the {@code top_trials} members, placed after the named heads
     * @param extra the seeds, bagging and snapshot members, placed after those
     */
    static Fitted fit(EnsembleInputs in, List<Member> trialMembers, List<Member> extra) throws RegulaException {
        FeatureStore store = in.store();
        Map<String, TrainedHead> heads = in.heads();
        EnsembleConfig config = in.config();
        FeatureMatrix train = in.split("train");
        FeatureMatrix val = in.split("val");
        if (val.rows() == 0) {
            throw new RegulaException(Problem.atKey("ensemble", "the validation split is empty; the combiner is fitted on it, "
                    + "so give split.val a fraction > 0").withExpected("validation rows", "0"));
        }
        List<Member> all = new ArrayList<>();
        heads.forEach((n, h) -> all.add(Member.of(n, h, store.labels(), "train/" + n)));
        try {
            List<Member> members;
            if (config.topK() > 0 && in.trials() != null) {
                members = topK(in, all, config.topK(), val);
            } else if (config.topK() > 0) {
                members = new MemberFactory(train, val, store.labels()).topKByValNll(all, config.topK());
            } else {
                members = config.members().stream().map(n -> all.stream().filter(m -> m.name().equals(n)).findFirst()
                        .orElseThrow()).toList();
            }
            members = new ArrayList<>(members);
            members.addAll(trialMembers);
            members.addAll(extra);
            Souped soup = config.soup() == null ? null : soup(in, config, all, extra, val);
            if (soup != null) {
                members.add(soup.member());
            }
            MemberPredictions preds = in.heldOut(members, val);
            if (config.combiner().isAuto()) {
                CombinerSelection.Result r = config.combiner().select(preds, in.seed());
                return new Fitted(config, Ensemble.of(members, r.chosen()), val, preds, r, soup);
            }
            Combiner c = fitConfigured(config, preds, in.seed());
            return new Fitted(config, Ensemble.of(members, c), val, preds, null, soup);
        } catch (EnsembleException e) {
            throw RegulaException.atKey("ensemble", e);
        }
    }

    /**
     * The {@code soup:} member, named {@link EnsembleConfig#SOUP}. Made (not trained) from its
     * ingredients, so a rebuild makes it again. A trained head's start point is its seeded initial
     * draw ({@code seed:S}, as for the seed members): heads of one shape and one seed share it,
     * whatever their regularization. Each ingredient is first checked against the first, so a bad
     * one is named by its key path.
     */
    private static Souped soup(EnsembleInputs in, EnsembleConfig config, List<Member> heads, List<Member> extra, FeatureMatrix val)
            throws RegulaException {
        EnsembleConfig.Soup soup = config.soup();
        SpecKey at = in.key("ensemble.soup");
        if (in.heads().containsKey(EnsembleConfig.SOUP)) {
            throw at.fail("the soup member is named '" + EnsembleConfig.SOUP
                    + "', which is also a head's name; rename that head");
        }
        List<Member> ingredients = new ArrayList<>();
        for (String n : soup.of()) {
            Member m = extra.stream().filter(x -> x.name().equals(n)).findFirst().orElse(null);
            if (m == null) {
                Member h = heads.stream().filter(x -> x.name().equals(n)).findFirst().orElseThrow();
                m = Member.of(n, h.head(), h.classes(), "seed:" + h.head().training().seed());
            }
            ingredients.add(m);
        }
        for (int i = 1; i < ingredients.size(); i++) {
            try {
                Soups.uniform(List.of(ingredients.get(0), ingredients.get(i)));
            } catch (EnsembleException e) {
                String where = soup.group() == null ? ".of[" + i + "]" : ".of (" + soup.group() + ", member " + (i + 1) + ")";
                throw at.child(where).fail(e.getMessage(), e);
            }
        }
        try {
            if (soup.greedy()) {
                Soups.Greedy g = Soups.greedy(ingredients, val);
                return new Souped(ExtraMembers.rename(g.soup(), EnsembleConfig.SOUP), g.ingredients());
            }
            return new Souped(ExtraMembers.rename(Soups.uniform(ingredients), EnsembleConfig.SOUP), soup.of());
        } catch (EnsembleException e) {
            throw at.fail(e.getMessage(), e);
        }
    }

    /** The k heads with the lowest held-out val NLL (out-of-fold for refit heads), best first; ties keep head order. */
    private static List<Member> topK(EnsembleInputs in, List<Member> all, int k, FeatureMatrix val)
            throws RegulaException, EnsembleException {
        MemberPredictions p = in.heldOut(all, val);
        Integer[] order = new Integer[all.size()];
        double[] nll = new double[all.size()];
        for (int i = 0; i < all.size(); i++) {
            order[i] = i;
            nll[i] = dev.regula.ensemble.ClassificationMetrics.of(p.proba()[i], val.labels()).nll();
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(i -> nll[i]));
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add(all.get(order[i]));
        }
        return out;
    }

    /** The configured (non-auto) combiner fitted; an error names the combiner's key path. */
    private static Combiner fitConfigured(EnsembleConfig config, MemberPredictions preds, long seed) throws RegulaException {
        try {
            return config.combiner().fit(preds, seed);
        } catch (EnsembleException e) {
            throw RegulaException.atKey("ensemble.combiner", e);
        }
    }
}
