package dev.regula.ensemble;

import dev.regula.transfer.features.FeatureMatrix;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * Every member's class probabilities on one split, the split's labels, and which of its rows each
 * member was trained on. Combiners are fitted on these; {@code seen} lets them refuse to learn
 * from rows a member has memorised.
 *
 * @param names member names, length K
 * @param proba {@code [K][N][C]}
 * @param labels true class per row, length N
 * @param seen per member, the rows of this split it was trained on (empty for a held-out split)
 */
public record MemberPredictions(List<String> names, float[][][] proba, int[] labels, List<BitSet> seen) {
    public MemberPredictions {
        names = List.copyOf(names);
        Objects.requireNonNull(proba, "proba");
        Objects.requireNonNull(labels, "labels");
        if (proba.length != names.size() || seen.size() != names.size()) {
            throw new IllegalArgumentException(names.size() + " names, " + proba.length + " prediction matrices and "
                    + seen.size() + " seen-row sets, expected equal");
        }
        for (int k = 0; k < proba.length; k++) {
            if (proba[k].length != labels.length) {
                throw new IllegalArgumentException("member " + names.get(k) + " has " + proba[k].length + " rows, labels have "
                        + labels.length);
            }
        }
        seen = seen.stream().map(b -> (BitSet) b.clone()).toList();
    }

    /** Predictions on a split no member trained on (validation or test). */
    public static MemberPredictions heldOut(List<Member> members, FeatureMatrix x) {
        List<BitSet> none = new ArrayList<>();
        float[][][] p = new float[members.size()][][];
        for (int k = 0; k < members.size(); k++) {
            p[k] = members.get(k).predictProba(x);
            none.add(new BitSet());
        }
        return new MemberPredictions(members.stream().map(Member::name).toList(), p, x.labels(), none);
    }

    /**
     * Predictions on the training split itself, with each member's training rows marked as seen
     * ({@link Member#trainRows()}; a member without them saw every row). For bagging this gives
     * the out-of-bag view that stacking may fit on.
     */
    public static MemberPredictions onTraining(List<Member> members, FeatureMatrix train) {
        List<BitSet> seen = new ArrayList<>();
        float[][][] p = new float[members.size()][][];
        for (int k = 0; k < members.size(); k++) {
            Member m = members.get(k);
            p[k] = m.predictProba(train);
            BitSet b = new BitSet(train.rows());
            if (m.trainRows() == null) {
                b.set(0, train.rows());
            } else {
                for (int r : m.trainRows()) {
                    b.set(r);
                }
            }
            seen.add(b);
        }
        return new MemberPredictions(members.stream().map(Member::name).toList(), p, train.labels(), seen);
    }

    /** The same members on rows {@code idx} of this split, in that order (seen-row marks follow the rows). */
    public MemberPredictions subset(int[] idx) {
        float[][][] p = new float[proba.length][idx.length][];
        int[] y = new int[idx.length];
        List<BitSet> s = new ArrayList<>();
        for (int k = 0; k < proba.length; k++) {
            BitSet b = new BitSet(idx.length);
            for (int i = 0; i < idx.length; i++) {
                p[k][i] = proba[k][idx[i]];
                if (seen.get(k).get(idx[i])) {
                    b.set(i);
                }
            }
            s.add(b);
        }
        for (int i = 0; i < idx.length; i++) {
            y[i] = labels[idx[i]];
        }
        return new MemberPredictions(names, p, y, s);
    }

    public int members() {
        return proba.length;
    }

    public int rows() {
        return labels.length;
    }

    public int classes() {
        return proba.length == 0 || proba[0].length == 0 ? 0 : proba[0][0].length;
    }
}
