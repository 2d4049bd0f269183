package dev.regula.ensemble;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.train.TrainedHead;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Weight averaging ("model soups", Wortsman et al. 2022) of members that share architecture and
 * start point. A soup is one head: it costs what a single member costs at inference.
 */
public final class Soups {
    private Soups() {}

    /** The average of all members' weights. */
    public static Member uniform(List<Member> members) throws EnsembleException {
        check(members);
        return soup("soup-uniform", members);
    }

    /**
     * A greedy soup and what it kept.
     *
     * @param soup the averaged member, named {@code soup-greedy[a,b,...]} after its ingredients
     * @param ingredients the names of the members it averages, in the order they were added (best
     *     validation NLL first)
     */
    public record Greedy(Member soup, List<String> ingredients) {
        public Greedy {
            ingredients = List.copyOf(ingredients);
        }
    }

    /**
     * Greedy soup: members sorted by validation NLL, best first; each is added to the soup only
     * if the soup's validation NLL does not get worse.
     */
    public static Greedy greedy(List<Member> members, FeatureMatrix val) throws EnsembleException {
        check(members);
        if (val.rows() == 0) {
            throw new EnsembleException("soup: the validation split has 0 rows, cannot rank members or score soups");
        }
        List<Member> ranked = new ArrayList<>(members);
        List<Double> nll = new ArrayList<>();
        for (Member m : ranked) {
            nll.add(Probs.nll(m.predictProba(val), val.labels()));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < ranked.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble(nll::get));
        List<Member> ingredients = new ArrayList<>(List.of(ranked.get(order.get(0))));
        double best = nll.get(order.get(0));
        for (int i = 1; i < order.size(); i++) {
            List<Member> trial = new ArrayList<>(ingredients);
            trial.add(ranked.get(order.get(i)));
            double score = Probs.nll(soup("trial", trial).predictProba(val), val.labels());
            if (score <= best) {
                best = score;
                ingredients = trial;
            }
        }
        List<String> kept = ingredients.stream().map(Member::name).toList();
        return new Greedy(soup("soup-greedy[" + String.join(",", kept) + "]", ingredients), kept);
    }

    private static Member soup(String name, List<Member> ingredients) {
        Member first = ingredients.get(0);
        List<LayerWeights> avg = new ArrayList<>();
        for (int l = 0; l < first.head().layers().size(); l++) {
            LayerWeights shape = first.head().layers().get(l);
            double[][] w = new double[shape.out()][shape.in()];
            double[] b = new double[shape.out()];
            for (Member m : ingredients) {
                LayerWeights lw = m.head().layers().get(l);
                for (int o = 0; o < shape.out(); o++) {
                    b[o] += lw.b()[o];
                    for (int i = 0; i < shape.in(); i++) {
                        w[o][i] += lw.w()[o][i];
                    }
                }
            }
            float[][] fw = new float[shape.out()][shape.in()];
            float[] fb = new float[shape.out()];
            for (int o = 0; o < shape.out(); o++) {
                fb[o] = (float) (b[o] / ingredients.size());
                for (int i = 0; i < shape.in(); i++) {
                    fw[o][i] = (float) (w[o][i] / ingredients.size());
                }
            }
            avg.add(new LayerWeights(fw, fb));
        }
        TrainedHead h = first.head();
        // Specs and history are the first ingredient's: the soup has no training run of its own.
        TrainedHead souped = new TrainedHead(h.spec(), h.regularization(), h.training(), h.classes(), avg, h.history(),
                zeroFraction(avg), h.dropoutRates());
        return Member.of(name, souped, first.classes(), first.origin());
    }

    private static double zeroFraction(List<LayerWeights> layers) {
        long zeros = 0;
        long total = 0;
        for (LayerWeights lw : layers) {
            for (float[] row : lw.w()) {
                for (float v : row) {
                    zeros += v == 0f ? 1 : 0;
                }
                total += row.length;
            }
        }
        return (double) zeros / total;
    }

    private static void check(List<Member> members) throws EnsembleException {
        Ensemble.checkMembers(members);
        Member first = members.get(0);
        String shape = Shapes.signature(first.head());
        for (Member m : members) {
            String s = Shapes.signature(m.head());
            if (!s.equals(shape)) {
                throw new EnsembleException("soup: member " + m.name() + " has shape " + s + ", member " + first.name() + " has "
                        + shape + "; weights can only be averaged between heads of the same shape");
            }
            if (!m.origin().equals(first.origin())) {
                throw new EnsembleException("soup: member " + m.name() + " started from '" + m.origin() + "', member "
                        + first.name() + " from '" + first.origin() + "'; a soup needs a shared start point");
            }
        }
    }
}
