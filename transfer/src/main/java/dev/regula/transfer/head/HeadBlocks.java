package dev.regula.transfer.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.List;

/** Builds a trained head as a DJL inference block: Linear → activation → … → Linear → softmax. */
public final class HeadBlocks {
    private HeadBlocks() {}

    /** A DJL block holding {@code layers}' weights, initialised in {@code manager}. */
    public static Block inferenceBlock(NDManager manager, List<LayerWeights> layers, HeadActivation activation) {
        SequentialBlock block = new SequentialBlock();
        for (int l = 0; l < layers.size(); l++) {
            block.add(Linear.builder().setUnits(layers.get(l).out()).build());
            if (l + 1 < layers.size()) {
                block.add(list -> new NDList(activation.apply(list.singletonOrThrow())));
            }
        }
        block.add(x -> new NDList(x.singletonOrThrow().softmax(1)));
        block.initialize(manager, DataType.FLOAT32, new Shape(1, layers.get(0).in()));
        int layer = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter param = p.getValue();
            LayerWeights lw = layers.get(layer);
            if (p.getKey().endsWith("weight")) {
                param.getArray().set(lw.flatW());
            } else {
                param.getArray().set(lw.b());
                layer++;
            }
        }
        return block;
    }

    /** Probabilities {@code [N, C]} of {@code x} through {@code block}, inference mode. */
    public static NDArray predict(Block block, NDManager manager, NDArray x) {
        return block.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
    }
}
