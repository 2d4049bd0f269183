package dev.regula.pipeline.stage.ensemble;

import dev.regula.ensemble.EnsembleException;
import dev.regula.ensemble.Member;
import dev.regula.ensemble.MemberFactory;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.spec.EnsembleConfig;
import dev.regula.pipeline.spec.SpecKey;
import dev.regula.pipeline.stage.train.HeadFile;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The members the ensemble section adds beside the trained heads ({@code seeds:}, {@code bagging:},
 * {@code snapshots:}): trained here and saved under {@code members/} in train/'s head format, so a
 * rebuild reloads them without retraining.
 */
final class ExtraMembers {
    private ExtraMembers() {
    }

    /**
     * Trains the {@code seeds:}, {@code bagging:} and {@code snapshots:} members (in that order) and saves each as
     * {@code <dir>/<name>.json} in train/'s head format, plus {@code <name>.rows.json} (bootstrap and
     * out-of-bag rows) for a bagging member, so {@link #load} reloads them without retraining.
     */
    static List<Member> train(EnsembleInputs in, EnsembleConfig config, Path dir) throws RegulaException {
        if (config.seeds() == null && config.bagging() == null && config.snapshots() == null) {
            return List.of();
        }
        FeatureStore store = in.store();
        Map<String, TrainedHead> heads = in.heads();
        List<Member> out = new ArrayList<>();
        try {
            MemberFactory factory = new MemberFactory(in.split("train"), in.split("val"), store.labels());
            EnsembleConfig.Extra seeds = config.seeds();
            EnsembleConfig.Extra bagging = config.bagging();
            long[] seedList = null;
            TrainedHead seedHead = null;
            if (seeds != null) {
                seedHead = heads.get(seeds.head());
                long base = seedHead.training().seed();
                seedList = java.util.stream.LongStream.rangeClosed(1, seeds.count()).map(i -> base + i).toArray();
            }
            List<Member> seedMembers = List.of();
            List<Member> bags = List.of();
            if (bagging != null) {
                TrainedHead h = heads.get(bagging.head());
                // bag i (from 1) trains with seed + BAG_SEED_OFFSET + i: clear of the seed members' seeds
                TrainingSpec bagTraining = h.training().withSeed(h.training().seed() + BAG_SEED_OFFSET + 1);
                if (seeds != null && seeds.head().equals(bagging.head())) {
                    // Seeds and bags of one head train in shared stacks (one stack when they fit).
                    List<Member> all = factory.seedsAndBagging(h.spec(), h.regularization(), h.training(), seedList, bagTraining,
                            bagging.count(), in.seed(), bagging.stopOn());
                    seedMembers = all.subList(0, seedList.length);
                    bags = all.subList(seedList.length, all.size());
                } else {
                    bags = factory.bagging(h.spec(), h.regularization(), bagTraining, bagging.count(), in.seed(), bagging.stopOn());
                }
            }
            if (seeds != null && seedMembers.isEmpty()) {
                seedMembers = factory.seeds(seedHead.spec(), seedHead.regularization(), seedHead.training(), seedList);
            }
            for (int i = 0; i < seedMembers.size(); i++) {
                out.add(rename(seedMembers.get(i), seeds.head() + "-seed-" + (i + 1)));
            }
            for (int i = 0; i < bags.size(); i++) {
                out.add(rename(bags.get(i), bagging.head() + "-bag-" + (i + 1)));
            }
        } catch (EnsembleException e) {
            throw RegulaException.atKey("ensemble", e);
        }
        if (config.snapshots() != null) {
            out.addAll(trainSnapshots(in, config));
        }
        for (Member m : out) {
            if (heads.containsKey(m.name())) {
                throw in.key("ensemble").fail("the extra member name '" + m.name()
                        + "' is also a head's name; rename that head");
            }
        }
        try {
            Files.createDirectories(dir);
            for (Member m : out) {
                HeadFile.save(m.head(), dir.resolve(m.name() + ".json"));
                if (m.trainRows() != null) {
                    Json.write(dir.resolve(m.name() + ROWS), new Rows(m.trainRows(), m.oobRows()));
                }
            }
        } catch (IOException e) {
            throw new RegulaException("ensemble: cannot write " + dir + ": " + e.getMessage(), e);
        }
        in.log().accept("ensemble: trained " + out.size() + " extra members " + out.stream().map(Member::name).toList());
        return out;
    }

    /**
     * The snapshot members: the head's spec from a fresh start (training seed = the head's seed +
     * {@link EnsembleConfig#SNAPSHOT_SEED_OFFSET}), one member per cosine cycle. They all share that
     * start point, so they may be souped.
     */
    private static List<Member> trainSnapshots(EnsembleInputs in, EnsembleConfig config) throws RegulaException {
        EnsembleConfig.Snapshots sn = config.snapshots();
        SpecKey at = in.key("ensemble.snapshots");
        TrainedHead h = in.heads().get(sn.head());
        if (h.regularization().earlyStopping() != null) {
            throw at.child(".head").fail("'" + sn.head() + "' early-stops (regularization.early_stopping), but each "
                    + "snapshot must be the end of its cosine cycle; name a head without early stopping");
        }
        FeatureStore store = in.store();
        List<String> names = config.snapshotNames();
        List<Member> out = new ArrayList<>();
        try {
            MemberFactory factory = new MemberFactory(in.split("train"), in.split("val"), store.labels());
            List<Member> snaps = factory.snapshots(h.spec(), h.regularization(), h.training().withSeed(snapshotSeed(h)),
                    sn.cycles(), sn.epochsPerCycle());
            for (int i = 0; i < snaps.size(); i++) {
                out.add(rename(snaps.get(i), names.get(i)));
            }
        } catch (EnsembleException e) {
            throw at.fail(e.getMessage(), e);
        }
        return out;
    }

    private static long snapshotSeed(TrainedHead head) {
        return head.training().seed() + EnsembleConfig.SNAPSHOT_SEED_OFFSET;
    }

    static final String ROWS = ".rows.json";
    static final long BAG_SEED_OFFSET = 1000;

    /** A bagging member's bootstrap draws and out-of-bag rows. */
    record Rows(@com.fasterxml.jackson.annotation.JsonProperty("train_rows") int[] trainRows,
            @com.fasterxml.jackson.annotation.JsonProperty("oob_rows") int[] oobRows) {}

    static Member rename(Member m, String name) {
        return new Member(name, m.head(), m.classes(), m.trainRows(), m.oobRows(), m.origin());
    }

    /** Reloads the extra members the ensemble stage saved, in the order it trained them. */
    static List<Member> load(EnsembleInputs in, EnsembleConfig config, Path ensembleDir) throws RegulaException {
        Path dir = ensembleDir.resolve(EnsembleStep.MEMBERS);
        List<String> names = new ArrayList<>(config.seedNames());
        names.addAll(config.baggingNames());
        List<String> snapshots = config.snapshotNames();
        names.addAll(snapshots);
        // A snapshot's saved training seed is its cycle's; its start point is the first cycle's.
        String snapshotOrigin = config.snapshots() == null ? null
                : "seed:" + snapshotSeed(in.heads().get(config.snapshots().head()));
        List<String> classes = in.store().labels();
        List<Member> out = new ArrayList<>();
        for (String n : names) {
            Path f = dir.resolve(n + ".json");
            try {
                TrainedHead h = HeadFile.load(f);
                Path rf = dir.resolve(n + ROWS);
                Rows rows = Files.exists(rf) ? Json.read(rf, Rows.class) : null;
                out.add(new Member(n, h, classes, rows == null ? null : rows.trainRows(), rows == null ? null : rows.oobRows(),
                        snapshots.contains(n) ? snapshotOrigin : "seed:" + h.training().seed()));
            } catch (IOException | IllegalArgumentException e) {
                throw new RegulaException("cannot reload ensemble member " + f + ": " + e.getMessage()
                        + " (rebuild the ensemble)", e);
            }
        }
        return out;
    }
}
