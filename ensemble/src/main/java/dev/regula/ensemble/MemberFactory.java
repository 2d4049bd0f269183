package dev.regula.ensemble;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.HeadJob;
import dev.regula.transfer.train.HeadTrainer;
import dev.regula.transfer.train.StackPlanner;
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
 *
 * <p>Seed, bagging and regularization-diverse members of one head train together as stacks of K
 * heads ({@link StackPlanner}: K by memory and core count), which costs far less than K separate
 * runs. The heads of a stack share one batch order, drawn from the first member's training seed;
 * each keeps its own seed for its initial weights and dropout noise. A lone member (one seed, one
 * bag) therefore trains exactly as {@link HeadTrainer} trains it.
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

    /**
     * The same spec trained once per seed, as one stack: members differ in initial weights and
     * dropout noise, and share the batch order of the first seed.
     */
    public List<Member> seeds(HeadSpec head, RegularizationSpec reg, TrainingSpec training, long... seeds) throws EnsembleException {
        List<HeadJob> jobs = new ArrayList<>();
        for (long s : seeds) {
            jobs.add(HeadJob.of(reg, training.withSeed(s)));
        }
        List<TrainedHead> heads = trainStacked("seeds", head, jobs);
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < seeds.length; i++) {
            out.add(Member.of("seed-" + seeds[i], heads.get(i), classes, "seed:" + seeds[i]));
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
     *
     * <p>The bags train as one stack, so they read the training rows in one shared batch order;
     * each bag weighs a row by how often the resample drew it (exact bootstrap counts: the bag is
     * the same multiset of rows as the resample, out-of-bag rows weigh 0). Counts rather than
     * Poisson(1) weights keep every bag at exactly n draws, as a classic bootstrap has.
     */
    public List<Member> bagging(HeadSpec head, RegularizationSpec reg, TrainingSpec training, int members, long seed, StopOn stopOn)
            throws EnsembleException {
        List<Bag> bags = bags(reg, training, members, seed, stopOn);
        List<TrainedHead> heads = trainStacked("bagging", head, bags.stream().map(Bag::job).toList());
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            Bag b = bags.get(i);
            out.add(new Member("bag-" + i, heads.get(i), classes, b.drawn(), b.oob(), "seed:" + b.job().training().seed()));
        }
        return out;
    }

    /**
     * {@link #seeds} and {@link #bagging} of one head at once: the seed members and the bags train in
     * shared stacks (the same members as the two calls give, except for the batch order, which
     * is the first seed member's for all). Returns the seed members, then the bags.
     */
    public List<Member> seedsAndBagging(HeadSpec head, RegularizationSpec reg, TrainingSpec training, long[] seeds,
            TrainingSpec bagTraining, int bags, long bagSeed, StopOn stopOn) throws EnsembleException {
        List<Bag> drawn = bags(reg, bagTraining, bags, bagSeed, stopOn);
        List<HeadJob> jobs = new ArrayList<>();
        for (long s : seeds) {
            jobs.add(HeadJob.of(reg, training.withSeed(s)));
        }
        drawn.forEach(b -> jobs.add(b.job()));
        List<TrainedHead> heads = trainStacked("seeds and bagging", head, jobs);
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < seeds.length; i++) {
            out.add(Member.of("seed-" + seeds[i], heads.get(i), classes, "seed:" + seeds[i]));
        }
        for (int i = 0; i < bags; i++) {
            Bag b = drawn.get(i);
            out.add(new Member("bag-" + i, heads.get(seeds.length + i), classes, b.drawn(), b.oob(), "seed:" + b.job().training().seed()));
        }
        return out;
    }

    /** One bag: its resample, its out-of-bag rows and its training job. */
    private record Bag(int[] drawn, int[] oob, HeadJob job) {}

    private List<Bag> bags(RegularizationSpec reg, TrainingSpec training, int members, long seed, StopOn stopOn)
            throws EnsembleException {
        if (members < 1) {
            throw new EnsembleException("bagging: members must be >= 1, got " + members);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<Bag> out = new ArrayList<>();
        int n = train.rows();
        for (int i = 0; i < members; i++) {
            int[] drawn = new int[n];
            BitSet in = new BitSet(n);
            for (int r = 0; r < n; r++) {
                drawn[r] = rng.nextInt(n);
                in.set(drawn[r]);
            }
            int[] oob = java.util.stream.IntStream.range(0, n).filter(r -> !in.get(r)).toArray();
            if (stopOn == StopOn.OOB && reg.earlyStopping() != null && oob.length == 0) {
                throw new EnsembleException("bagging: bag " + i + " has no out-of-bag rows to early-stop on (" + n
                        + " training rows)");
            }
            HeadJob job = HeadJob.of(reg, training.withSeed(training.seed() + i)).withRowWeights(HeadJob.counts(drawn, n));
            if (stopOn == StopOn.OOB && oob.length > 0) {
                job = job.withWatchRows(oob);
            }
            out.add(new Bag(drawn, oob, job));
        }
        return out;
    }

    /**
     * One member per regularization spec, all with the same training spec and seed, so they share
     * their start point (and may be souped). Specs that can share a stack ({@link dev.regula.transfer.train.StackKey})
     * train as one; each member then equals its lone run up to float rounding.
     */
    public List<Member> regularizationDiverse(HeadSpec head, List<RegularizationSpec> regs, TrainingSpec training)
            throws EnsembleException {
        if (regs.isEmpty()) {
            throw new EnsembleException("regularization-diverse: the list of regularization specs is empty");
        }
        List<TrainedHead> heads = trainStacked("regularization-diverse", head,
                regs.stream().map(r -> HeadJob.of(r, training)).toList());
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < regs.size(); i++) {
            out.add(Member.of("reg-" + i, heads.get(i), classes, "seed:" + training.seed()));
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

    private List<TrainedHead> trainStacked(String what, HeadSpec head, List<HeadJob> jobs) throws EnsembleException {
        try {
            return StackPlanner.trainAll(train, val, classes.size(), head, jobs);
        } catch (IllegalArgumentException e) {
            throw new EnsembleException("members: " + what + ": training failed: " + e.getMessage(), e);
        }
    }
}
