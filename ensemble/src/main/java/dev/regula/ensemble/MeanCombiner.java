package dev.regula.ensemble;

import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import java.util.Map;

/** The plain average of member probabilities. */
public final class MeanCombiner implements Combiner {

    @Override
    public String kind() {
        return "mean";
    }

    @Override
    public int members() {
        return -1;
    }

    @Override
    public float[][] combine(float[][][] proba) {
        return Probs.weighted(proba, Probs.uniform(proba.length));
    }

    @Override
    public OnnxRef writeGraph(GraphBuilder g, OnnxRef stacked, int classes) {
        return g.reduceMean(stacked, new long[] {0}, false);
    }

    @Override
    public Map<String, Object> describe() {
        return Map.of("kind", kind());
    }
}
