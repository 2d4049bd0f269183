package dev.regula.ensemble;

import dev.regula.transfer.features.FeatureMatrix;
import java.util.List;

/** Members that agree on classes and input, and the combiner that joins them. */
public final class Ensemble {
    private final List<Member> members;
    private final Combiner combiner;

    private Ensemble(List<Member> members, Combiner combiner) {
        this.members = members;
        this.combiner = combiner;
    }

    /**
     * Checks that the members share the class list (names and order) and feature dimension, have
     * unique names, and that the combiner was fitted for this many members.
     */
    public static Ensemble of(List<Member> members, Combiner combiner) throws EnsembleException {
        checkMembers(members);
        if (combiner == null) {
            throw new EnsembleException("ensemble: combiner is missing");
        }
        if (combiner.members() >= 0 && combiner.members() != members.size()) {
            throw new EnsembleException("ensemble: combiner " + combiner.kind() + " was fitted for " + combiner.members()
                    + " members, got " + members.size());
        }
        return new Ensemble(List.copyOf(members), combiner);
    }

    /** The member checks of {@link #of}, usable before any combiner is fitted. */
    public static void checkMembers(List<Member> members) throws EnsembleException {
        if (members == null || members.isEmpty()) {
            throw new EnsembleException("ensemble: the member list is empty, expected at least one member");
        }
        Member first = members.get(0);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Member m : members) {
            if (!names.add(m.name())) {
                throw new EnsembleException("ensemble: member name '" + m.name() + "' appears twice, expected unique names");
            }
            if (!m.classes().equals(first.classes())) {
                throw new EnsembleException("ensemble: member " + m.name() + " has classes " + m.classes() + ", member "
                        + first.name() + " has " + first.classes() + "; expected the same classes in the same order");
            }
            if (m.inputDim() != first.inputDim()) {
                throw new EnsembleException("ensemble: member " + m.name() + " expects features of dim " + m.inputDim()
                        + ", member " + first.name() + " expects " + first.inputDim());
            }
        }
    }

    public List<Member> members() {
        return members;
    }

    public Combiner combiner() {
        return combiner;
    }

    public List<String> classes() {
        return members.get(0).classes();
    }

    public int inputDim() {
        return members.get(0).inputDim();
    }

    /** Every member's probabilities {@code [K][N][C]}. */
    public float[][][] memberProba(FeatureMatrix x) {
        float[][][] p = new float[members.size()][][];
        for (int k = 0; k < p.length; k++) {
            p[k] = members.get(k).predictProba(x);
        }
        return p;
    }

    /** Combined probabilities {@code [N][C]}. */
    public float[][] predictProba(FeatureMatrix x) {
        if (x.rows() == 0) {
            return new float[0][];
        }
        return combiner.combine(memberProba(x));
    }
}
