package dev.regula.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.io.Json;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.HeadJob;
import dev.regula.transfer.train.TrainingSpec;
import dev.regula.transfer.tune.Folds;
import dev.regula.transfer.tune.StackTask;
import dev.regula.transfer.tune.StackWorker;
import dev.regula.transfer.tune.TrialRunner;
import java.io.Serializable;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * The tune stage's stacked trials as Spark tasks: one Spark job per rung, one task per (group, fold) stack
 * ({@link StackTask}), over the train+val features and folds broadcast once per search. A task is a pure
 * function of its inputs, so the trials, the winner and every byte of the tune output are the local engine's.
 *
 * <p>Each executor JVM keeps a task's stack paused after it ({@link StackWorker}); when the next rung's task of
 * the same stack lands on that JVM it continues the stack, otherwise (another executor, a retried task) it
 * rebuilds it from the seed and replays the rungs so far, which gives the same floats and costs the replayed
 * epochs. Paused stacks of a search are freed when a task of another search reaches the JVM, and, for
 * {@code local[*]} masters (executors in the driver's JVM), when the search ends.
 *
 * <p>The specs travel as JSON (their canonical Jackson form); the driver checks that each decodes to an equal
 * record before it ships it.
 */
public final class SparkTrials implements TrialRunner {
    private static final ObjectMapper JSON = Json.CANONICAL;
    private static final AtomicLong SEARCHES = new AtomicLong();

    /**
     * Local property that makes the first attempt of partition 0 of every rung after the first fail once its stack
     * has trained: the retry finds that stack already past the rung and must replay it from the seed. For tests.
     */
    public static final String FAIL_FIRST_ATTEMPT = "regula.test.fail_first_tune_attempt";

    /** Tasks run and failures injected in this JVM (local mode: the tests' JVM). */
    static final java.util.concurrent.atomic.AtomicInteger TASKS = new java.util.concurrent.atomic.AtomicInteger();
    static final java.util.concurrent.atomic.AtomicInteger INJECTED = new java.util.concurrent.atomic.AtomicInteger();

    private final SparkSession spark;
    private Folds folds;
    private Broadcast<WireContext> context;

    public SparkTrials(SparkSession spark) {
        this.spark = Objects.requireNonNull(spark, "spark");
    }

    @Override
    public void run(StackTask.Context ctx, List<StackTask> tasks, Consumer<StackTask.Outcome> done) {
        if (tasks.isEmpty()) {
            return;
        }
        Broadcast<WireContext> bc = broadcast(ctx);
        List<WireTask> wire = new ArrayList<>();
        for (StackTask t : tasks) {
            wire.add(WireTask.of(t));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        jsc.setJobDescription("regula tune: " + tasks.size() + " stack task(s), rung " + tasks.get(0).rung());
        List<StackTask.Outcome> outcomes = jsc.parallelize(wire, wire.size()).map(t -> ExecutorStacks.run(bc.value(), t)).collect();
        outcomes.forEach(done);
    }

    /** The search's context, broadcast on its first rung (a new search brings new folds). */
    private synchronized Broadcast<WireContext> broadcast(StackTask.Context ctx) {
        if (ctx.folds() != folds) {
            release();
            String id = spark.sparkContext().applicationId() + "/" + SEARCHES.incrementAndGet();
            context = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(WireContext.of(id, ctx));
            folds = ctx.folds();
        }
        return context;
    }

    @Override
    public synchronized void release() {
        if (context != null) {
            // executors in this JVM (local masters) free the search's stacks now; remote ones on the next search
            ExecutorStacks.release(context.value().id());
            context.destroy();
            context = null;
            folds = null;
        }
    }

    /** What each executor JVM keeps: the current search's context and stacks. */
    static final class ExecutorStacks {
        private static final Map<String, Search> SEARCHES = new ConcurrentHashMap<>();

        private record Search(StackTask.Context context, StackWorker worker) {
        }

        private ExecutorStacks() {
        }

        static StackTask.Outcome run(WireContext wire, WireTask task) {
            dev.regula.pipeline.run.Determinism.configure();
            Search s;
            synchronized (SEARCHES) {
                s = SEARCHES.get(wire.id());
                if (s == null) {
                    // one search at a time per driver: an older one's stacks will not be continued
                    for (String old : new ArrayList<>(SEARCHES.keySet())) {
                        release(old);
                    }
                    s = new Search(wire.context(), new StackWorker());
                    SEARCHES.put(wire.id(), s);
                }
            }
            StackTask t = task.task();
            StackTask.Outcome out = s.worker().run(s.context(), t);
            TASKS.incrementAndGet();
            org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
            if (tc != null && "true".equals(tc.getLocalProperty(FAIL_FIRST_ATTEMPT)) && tc.attemptNumber() == 0
                    && tc.partitionId() == 0 && t.rung() > 0) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected failure (" + FAIL_FIRST_ATTEMPT + ") after task " + t.key());
            }
            return out;
        }

        static void release(String id) {
            Search s = SEARCHES.remove(id);
            if (s != null) {
                s.worker().closeAll();
            }
        }
    }

    /** {@link StackTask.Context} in plain, serializable form. */
    record WireContext(String id, float[] data, int rows, int dim, int[] labels, int[][] heldOut, boolean fixed, String head,
            int classes, long orderSeed) implements Serializable {

        static WireContext of(String id, StackTask.Context c) {
            FeatureMatrix m = c.folds().trainVal();
            return new WireContext(id, m.toArray(), m.rows(), m.dim(), m.labels().clone(), c.folds().heldOut().toArray(new int[0][]),
                    c.folds().fixed(), encode(c.head()), c.classes(), c.orderSeed());
        }

        StackTask.Context context() {
            FeatureMatrix m = new FeatureMatrix(FloatBuffer.wrap(data), rows, dim, labels);
            return new StackTask.Context(new Folds(m, Arrays.asList(heldOut), fixed), decode(head, HeadSpec.class), classes,
                    orderSeed);
        }
    }

    /** {@link StackTask} in plain, serializable form (the tune path's jobs: no row weights, watch rows or warm starts). */
    record WireTask(String key, int fold, String[] regularization, String[] training, int[] epochs, boolean[][] alive,
            boolean[] report) implements Serializable {

        static WireTask of(StackTask t) {
            String[] reg = new String[t.jobs().size()];
            String[] tr = new String[reg.length];
            for (int j = 0; j < reg.length; j++) {
                HeadJob h = t.jobs().get(j);
                if (h.rowWeights() != null || h.watchRows() != null || h.initial() != null) {
                    throw new IllegalArgumentException("task " + t.key() + ": job " + j
                            + " has row weights, watch rows or initial weights, which tune trials on Spark do not carry");
                }
                reg[j] = encode(h.regularization());
                tr[j] = encode(h.training());
            }
            return new WireTask(t.key(), t.fold(), reg, tr, t.epochs(), t.alive().toArray(new boolean[0][]), t.report());
        }

        StackTask task() {
            List<HeadJob> jobs = new ArrayList<>();
            for (int j = 0; j < regularization.length; j++) {
                jobs.add(HeadJob.of(decode(regularization[j], RegularizationSpec.class), decode(training[j], TrainingSpec.class)));
            }
            return new StackTask(key, fold, jobs, epochs, Arrays.asList(alive), report);
        }
    }

    /** JSON of {@code value}, checked to decode to an equal record. */
    static String encode(Object value) {
        try {
            String s = JSON.writeValueAsString(value);
            Object back = JSON.readValue(s, value.getClass());
            if (!back.equals(value)) {
                throw new IllegalStateException("a " + value.getClass().getSimpleName() + " does not survive its JSON form, so "
                        + "it cannot be sent to executors: " + value + " came back as " + back);
            }
            return s;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a " + value.getClass().getSimpleName() + " as JSON: " + e.getMessage(), e);
        }
    }

    static <T> T decode(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read a " + type.getSimpleName() + " from " + json + ": " + e.getMessage(), e);
        }
    }
}
