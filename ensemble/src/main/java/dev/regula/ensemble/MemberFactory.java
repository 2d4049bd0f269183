package dev.regula.ensemble;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.HeadTrainer;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains ensemble members on one cached train/val pair of feature matrices. Every method is
 * deterministic given the seeds it is passed (and a fixed libtorch thread count).
 */
public final class MemberFactory {
    private final FeatureMatrix train;
    private final FeatureMatrix val;
    private final List<String> classes;

    /**
     * @param train training features; labels index into {@code classes}
     * @param val validation features (may have 0 rows when no member uses early stopping)
     * @param classes class names in label order, >= 2
     */
    public MemberFactory(FeatureMatrix train, FeatureMatrix val, List<String> classes) throws EnsembleException {
        if (classes.size() < 2) {
            throw new EnsembleException("members: need at least 2 classes, got " + classes);
        }
        if (train.rows() == 0) {
            throw new EnsembleException("members: the training split has 0 rows");
        }
        if (val != null && val.dim() != train.dim()) {
            throw new EnsembleException("members: val features have dim " + val.dim() + ", train has " + train.dim());
        }
        this.train = train;
        this.val = val;
        this.classes = List.copyOf(classes);
    }

    /** The same spec trained once per seed; members differ in initial weights, shuffles and noise. */
    public List<Member> seeds(HeadSpec head, RegularizationSpec reg, TrainingSpec training, long... seeds) throws EnsembleException {
        List<Member> out = new ArrayList<>();
        for (long s : seeds) {
            out.add(Member.of("seed-" + s, trainOne(train, head, reg, training.withSeed(s)), classes, "seed:" + s));
        }
        return out;
    }

    /** Which rows a bagging member's early stopping watches. */
    public enum StopOn {
        /** The validation split, as every other member. */
        VAL,
        /**
         * The member's own out-of-bag rows: training rows it never saw, so the validation split
         * stays untouched by its training and a combiner fitted there sees honest predictions.
         */
        OOB
    }

    /**
     * Bagging with early stopping on the validation split; see
     * {@link #bagging(HeadSpec, RegularizationSpec, TrainingSpec, int, long, StopOn)}.
     */
    public List<Member> bagging(HeadSpec head, RegularizationSpec reg, TrainingSpec training, int members, long seed)
            throws EnsembleException {
        return bagging(head, reg, training, members, seed, StopOn.VAL);
    }

    /**
     * Bagging: member {@code i} trains on a bootstrap resample (n draws with replacement) of the
     * training rows, drawn from {@code SplittableRandom(seed)}; its out-of-bag rows are recorded.
     * Member {@code i} also uses training seed {@code training.seed() + i}. With early stopping in
     * {@code reg}, {@code stopOn} says which rows it watches.
     */
    public List<Member> bagging(HeadSpec head, RegularizationSpec reg, TrainingSpec training, int members, long seed, StopOn stopOn)
            throws EnsembleException {
        if (members < 1) {
            throw new EnsembleException("bagging: members must be >= 1, got " + members);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<Member> out = new ArrayList<>();
        int n = train.rows();
        for (int i = 0; i < members; i++) {
            int[] drawn = new int[n];
            BitSet in = new BitSet(n);
            for (int r = 0; r < n; r++) {
                drawn[r] = rng.nextInt(n);
                in.set(drawn[r]);
            }
            int[] oob = java.util.stream.IntStream.range(0, n).filter(r -> !in.get(r)).toArray();
            long s = training.seed() + i;
            FeatureMatrix watch = stopOn == StopOn.OOB ? train.select(oob) : val;
            if (stopOn == StopOn.OOB && reg.earlyStopping() != null && oob.length == 0) {
                throw new EnsembleException("bagging: bag " + i + " has no out-of-bag rows to early-stop on (" + n
                        + " training rows)");
            }
            TrainedHead h;
            try {
                h = HeadTrainer.train(train.select(drawn), watch, classes.size(), head, reg, training.withSeed(s));
            } catch (IllegalArgumentException e) {
                throw new EnsembleException("members: training failed: " + e.getMessage(), e);
            }
            out.add(new Member("bag-" + i, h, classes, drawn, oob, "seed:" + s));
        }
        return out;
    }

    /**
     * One member per regularization spec, all with the same training spec and seed, so they share
     * their start point (and may be souped).
     */
    public List<Member> regularizationDiverse(HeadSpec head, List<RegularizationSpec> regs, TrainingSpec training)
            throws EnsembleException {
        if (regs.isEmpty()) {
            throw new EnsembleException("regularization-diverse: the list of regularization specs is empty");
        }
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < regs.size(); i++) {
            out.add(Member.of("reg-" + i, trainOne(train, head, regs.get(i), training), classes, "seed:" + training.seed()));
        }
        return out;
    }

    /** The {@code k} candidates with the lowest validation NLL, best first. */
    public List<Member> topKByValNll(List<Member> candidates, int k) throws EnsembleException {
        if (k < 1 || k > candidates.size()) {
            throw new EnsembleException("top-k: k must be in [1, " + candidates.size() + "], got " + k);
        }
        if (val == null || val.rows() == 0) {
            throw new EnsembleException("top-k: the validation split is empty, cannot rank members");
        }
        Ensemble.checkMembers(candidates);
        double[] nll = candidates.stream().mapToDouble(m -> Probs.nll(m.predictProba(val), val.labels())).toArray();
        Integer[] order = new Integer[candidates.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> nll[i]));
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add(candidates.get(order[i]));
        }
        return out;
    }

    /**
     * Snapshot ensemble (Huang et al. 2017): {@code cycles} consecutive cosine cycles of
     * {@code epochsPerCycle} epochs, each restarting at the peak learning rate from the previous
     * cycle's final weights; one member per cycle. Each cycle is a warm-started
     * {@link HeadTrainer} run with a cosine schedule (optimizer state restarts with the cycle;
     * cycle c shuffles with seed {@code training.seed() + c}). Early stopping is not allowed:
     * each snapshot must be the end of its cycle.
     */
    public List<Member> snapshots(HeadSpec head, RegularizationSpec reg, TrainingSpec training, int cycles, int epochsPerCycle)
            throws EnsembleException {
        if (cycles < 1 || epochsPerCycle < 1) {
            throw new EnsembleException("snapshots: cycles and epochs_per_cycle must be >= 1, got " + cycles + " and " + epochsPerCycle);
        }
        if (reg.earlyStopping() != null) {
            throw new EnsembleException("snapshots: early_stopping is set; a snapshot must be the end of its cosine cycle");
        }
        TrainingSpec cycle = training.withSchedule(TrainingSpec.Schedule.COSINE, training.warmupSteps(), training.stepEpochs(),
                training.gamma()).withEpochs(epochsPerCycle);
        List<Member> out = new ArrayList<>();
        TrainedHead prev = null;
        for (int c = 0; c < cycles; c++) {
            TrainingSpec spec = cycle.withSeed(training.seed() + c);
            TrainedHead h;
            try {
                h = prev == null
                        ? HeadTrainer.train(train, val, classes.size(), head, reg, spec)
                        : HeadTrainer.train(train, val, classes.size(), head, reg, spec, prev.layers());
            } catch (IllegalArgumentException e) {
                throw new EnsembleException("snapshots: cycle " + c + ": " + e.getMessage(), e);
            }
            out.add(Member.of("snapshot-" + c, h, classes, "seed:" + training.seed()));
            prev = h;
        }
        return out;
    }

    private TrainedHead trainOne(FeatureMatrix rows, HeadSpec head, RegularizationSpec reg, TrainingSpec spec)
            throws EnsembleException {
        try {
            return HeadTrainer.train(rows, val, classes.size(), head, reg, spec);
        } catch (IllegalArgumentException e) {
            throw new EnsembleException("members: training failed: " + e.getMessage(), e);
        }
    }
}
