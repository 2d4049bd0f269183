package dev.regula.transfer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The heads of a run still training, as one stack: which jobs they are ({@link #members}, job
 * indices in ascending order), their network, objective, optimizer and update rules, and every
 * array a batch must keep alive.
 */
final class LiveStack {
    private final int[] members;
    private final StackedNetwork net;
    private final StackLoss loss;
    private final ParameterUpdater updater;
    private final StackRules rules;
    private final List<NDArray> keepAlive;

    private LiveStack(int[] members, StackedNetwork net, StackLoss loss, ParameterUpdater updater, StackRules rules) {
        this.members = members;
        this.net = net;
        this.loss = loss;
        this.updater = updater;
        this.rules = rules;
        this.keepAlive = new ArrayList<>(net.trainable());
        keepAlive.addAll(updater.state());
        keepAlive.addAll(loss.references());
    }

    /** Every job of a run, from its start weights. */
    static LiveStack create(NDManager run, HeadSpec head, List<HeadJob> jobs, List<List<LayerWeights>> start, FeatureMatrix train,
            int classes) {
        List<RegularizationSpec> regs = jobs.stream().map(HeadJob::regularization).toList();
        StackedNetwork net = StackedNetwork.create(run, head, start, regs.stream().map(RegularizationSpec::dropout).toList());
        StackLoss loss = StackLoss.of(run, jobs, net, train, classes, start);
        ParameterUpdater updater = ParameterUpdater.of(jobs.get(0).training(), run, net.trainable(), jobs.size());
        int[] all = java.util.stream.IntStream.range(0, jobs.size()).toArray();
        return new LiveStack(all, net, loss, updater, StackRules.of(regs, net));
    }

    /**
     * The stack without the heads at the positions where {@code drop} is true, each remaining head's
     * parameters and optimizer state carried over; this stack's per-head arrays are freed.
     */
    LiveStack without(NDManager run, boolean[] drop, List<HeadJob> jobs, List<List<LayerWeights>> start, FeatureMatrix train,
            int classes) {
        int[] keep = java.util.stream.IntStream.range(0, members.length).filter(i -> !drop[i]).toArray();
        int[] kept = java.util.Arrays.stream(keep).map(i -> members[i]).toArray();
        List<HeadJob> keptJobs = java.util.Arrays.stream(kept).mapToObj(jobs::get).toList();
        List<List<LayerWeights>> keptStart = java.util.Arrays.stream(kept).mapToObj(start::get).toList();
        StackedNetwork smaller = net.select(run, keep);
        ParameterUpdater state;
        try (NDArray index = run.create(java.util.Arrays.stream(keep).asLongStream().toArray())) {
            state = updater.select(keep, index);
        }
        StackLoss objective = StackLoss.of(run, keptJobs, smaller, train, classes, keptStart);
        StackRules after = StackRules.of(keptJobs.stream().map(HeadJob::regularization).toList(), smaller);
        close();
        return new LiveStack(kept, smaller, objective, state, after);
    }

    /** Frees this stack's per-head arrays (shared optimizer state, if any, stays with the run's manager). */
    void close() {
        net.trainable().forEach(NDArray::close);
        updater.headState().forEach(NDArray::close);
        loss.references().forEach(NDArray::close);
    }

    int[] members() {
        return members.clone();
    }

    StackedNetwork net() {
        return net;
    }

    StackLoss loss() {
        return loss;
    }

    ParameterUpdater updater() {
        return updater;
    }

    StackRules rules() {
        return rules;
    }

    List<NDArray> keepAlive() {
        return keepAlive;
    }
}
