package dev.regula.transfer.train;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits many heads of one architecture into stacks and trains them: heads with equal
 * {@link StackKey}s share stacks of at most {@link #maxHeads} heads, in the order given; each stack
 * orders its batches by its first head's seed, so a head that ends up alone trains exactly as
 * {@link HeadTrainer} would train it.
 *
 * <p><b>How many heads per stack.</b> {@code K = min(K_memory, max(8, K_cache), 256)}:
 * <ul>
 *   <li>{@code K_cache = cores × 8 MiB / (16 B × parameters per head)}: a step makes about a dozen
 *       passes over every head's weights, gradients and two Adam moments (16 bytes per parameter);
 *       past what the cores' caches hold (taken as 8 MiB per core) those passes run from main
 *       memory and a head costs more in a big stack than in a moderate one (measured with
 *       {@code benchmarks/run multi-head}: a 384-128-2 head costs 0.8 ms per step at K = 8 and
 *       1.4 ms at K = 32 on one core). Below 8 heads the per-step overhead (a few dozen engine
 *       calls) dominates, so stacks of 8 always pay.</li>
 *   <li>{@code K_memory = budget / (bytes per head)}, with bytes per head = 20 B per parameter
 *       (the four arrays above plus a transient) + 24 B per activation of a batch; the budget is an
 *       eighth of physical memory, at most 1 GiB.</li>
 * </ul>
 */
public final class StackPlanner {
    private static final long CACHE_PER_CORE = 8L << 20;
    private static final int MIN_USEFUL = 8;
    private static final int MAX_HEADS = 256;

    private StackPlanner() {}

    /** The most heads a stack of this architecture should hold on this machine (see the class comment). */
    public static int maxHeads(HeadSpec head, int inputDim, int classes, int batchSize) {
        return maxHeads(head, inputDim, classes, batchSize, Runtime.getRuntime().availableProcessors(), memoryBudget());
    }

    /** {@link #maxHeads(HeadSpec, int, int, int)} for a given core count and memory budget in bytes. */
    public static int maxHeads(HeadSpec head, int inputDim, int classes, int batchSize, int cores, long budgetBytes) {
        int[] widths = head.widths(inputDim, classes);
        long params = 0;
        long activations = 0;
        for (int l = 0; l + 1 < widths.length; l++) {
            params += (long) widths[l] * widths[l + 1] + widths[l + 1];
            activations += (long) batchSize * widths[l + 1];
        }
        long cacheHeads = (long) Math.max(1, cores) * CACHE_PER_CORE / (16 * params);
        long memoryHeads = budgetBytes / (20 * params + 24 * activations);
        long k = Math.min(memoryHeads, Math.max(MIN_USEFUL, cacheHeads));
        return (int) Math.max(1, Math.min(MAX_HEADS, k));
    }

    /** An eighth of physical memory, at most 1 GiB (256 MiB when the size is unknown). */
    static long memoryBudget() {
        long physical = 0;
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            physical = os.getTotalMemorySize();
        }
        return physical <= 0 ? 256L << 20 : Math.min(1L << 30, physical / 8);
    }

    /**
     * Job indices per stack: jobs with equal keys, in order of first appearance, cut into stacks of
     * at most {@code maxHeads}.
     */
    public static List<List<Integer>> plan(List<HeadJob> jobs, int maxHeads) {
        if (maxHeads < 1) {
            throw new IllegalArgumentException("maxHeads must be >= 1, got " + maxHeads);
        }
        Map<StackKey, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            groups.computeIfAbsent(StackKey.of(jobs.get(i)), k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> stacks = new ArrayList<>();
        for (List<Integer> g : groups.values()) {
            for (int from = 0; from < g.size(); from += maxHeads) {
                stacks.add(List.copyOf(g.subList(from, Math.min(g.size(), from + maxHeads))));
            }
        }
        return stacks;
    }

    /**
     * Trains every job, in stacks of at most {@link #maxHeads(HeadSpec, int, int, int)} heads
     * (by each job's batch size); the result is in job order.
     */
    public static List<TrainedHead> trainAll(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head, List<HeadJob> jobs) {
        int batch = jobs.stream().mapToInt(j -> j.training().batchSize()).max().orElse(1);
        return trainAll(train, val, classes, head, jobs, maxHeads(head, train.dim(), classes, batch));
    }

    /** As {@link #trainAll(FeatureMatrix, FeatureMatrix, int, HeadSpec, List)} with a given stack size limit. */
    public static List<TrainedHead> trainAll(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head, List<HeadJob> jobs,
            int maxHeads) {
        TrainedHead[] out = new TrainedHead[jobs.size()];
        for (List<Integer> stack : plan(jobs, maxHeads)) {
            List<HeadJob> part = stack.stream().map(jobs::get).toList();
            List<TrainedHead> heads = StackedTrainer.train(train, val, classes, head, part.get(0).training().seed(), part);
            for (int i = 0; i < stack.size(); i++) {
                out[stack.get(i)] = heads.get(i);
            }
        }
        return List.of(out);
    }
}
