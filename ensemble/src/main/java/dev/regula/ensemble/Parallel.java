package dev.regula.ensemble;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Independent, deterministic pieces of a combiner fit (folds, candidates, strengths) run side by
 * side on the common fork-join pool. Each task writes only its own slot and results are read in
 * task order, so the outcome is the same as a sequential loop, bit for bit, whatever the core
 * count; when several tasks fail, the first in task order is the one thrown, as a loop would.
 */
final class Parallel {
    private Parallel() {}

    /** One task: computes the value of slot {@code i}. */
    @FunctionalInterface
    interface Task<T> {
        T run(int i) throws EnsembleException;
    }

    /** The values of tasks {@code 0..n-1}, in order. */
    static <T> List<T> map(int n, Task<T> task) throws EnsembleException {
        Object[] out = new Object[n];
        Throwable[] failed = new Throwable[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            try {
                out[i] = task.run(i);
            } catch (EnsembleException | RuntimeException | Error e) {
                failed[i] = e;
            }
        });
        for (Throwable t : failed) {
            if (t instanceof EnsembleException e) {
                throw e;
            } else if (t instanceof RuntimeException e) {
                throw e;
            } else if (t instanceof Error e) {
                throw e;
            }
        }
        List<T> values = new ArrayList<>(n);
        for (Object o : out) {
            @SuppressWarnings("unchecked")
            T t = (T) o;
            values.add(t);
        }
        return values;
    }
}
