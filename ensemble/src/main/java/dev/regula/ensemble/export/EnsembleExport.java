package dev.regula.ensemble.export;

import dev.regula.ensemble.Ensemble;
import dev.regula.ensemble.Member;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an ensemble into a graph after the backbone's features, so the backbone runs once however
 * many members there are. The caller adds the outputs (e.g. {@code label = ArgMax(probabilities)})
 * and the {@link EnsembleMetadata} to {@code metadata_props}.
 */
public final class EnsembleExport {

    /** How members are laid out in the graph. */
    public enum Layout {
        /**
         * Members of one shape share ops: their first layers are one MatMul over concatenated
         * weights, deeper layers one batched MatMul over stacked weights.
         */
        FUSED,
        /** Each member writes itself ({@code TrainedHead.writeGraph}); the reference for FUSED. */
        UNFUSED
    }

    private EnsembleExport() {}

    /** {@link Layout#FUSED} export; returns the {@code [batch, C]} probabilities. */
    public static OnnxRef writeGraph(GraphBuilder g, OnnxRef features, Ensemble e) {
        return writeGraph(g, features, e, Layout.FUSED);
    }

    /**
     * @param features {@code [batch, d]} float tensor of {@code g}
     * @return the combined {@code [batch, C]} probabilities
     */
    public static OnnxRef writeGraph(GraphBuilder g, OnnxRef features, Ensemble e, Layout layout) {
        OnnxRef stacked = writeMembers(g, features, e.members(), layout);
        return e.combiner().writeGraph(g, stacked, e.classes().size());
    }

    /** Member probabilities stacked as {@code [K, batch, C]}, in member order. */
    public static OnnxRef writeMembers(GraphBuilder g, OnnxRef features, List<Member> members, Layout layout) {
        if (layout == Layout.UNFUSED) {
            OnnxRef[] parts = new OnnxRef[members.size()];
            for (int k = 0; k < parts.length; k++) {
                parts[k] = g.unsqueeze(members.get(k).head().writeGraph(g, features), 0);
            }
            return parts.length == 1 ? parts[0] : g.concat(0, parts);
        }
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int k = 0; k < members.size(); k++) {
            groups.computeIfAbsent(FusedGroup.signature(members.get(k).head()), s -> new ArrayList<>()).add(k);
        }
        List<OnnxRef> parts = new ArrayList<>();
        long[] position = new long[members.size()];
        int next = 0;
        boolean inOrder = true;
        for (List<Integer> idx : groups.values()) {
            parts.add(FusedGroup.write(g, features, idx.stream().map(members::get).toList()));
            for (int k : idx) {
                inOrder &= k == next;
                position[k] = next++;
            }
        }
        OnnxRef stacked = parts.size() == 1 ? parts.get(0) : g.concat(0, parts.toArray(new OnnxRef[0]));
        if (inOrder) {
            return stacked;
        }
        // Groups concatenate in first-appearance order; put members back in the combiner's order.
        return g.gather(stacked, g.initializer("member_order", position, position.length), 0);
    }
}
