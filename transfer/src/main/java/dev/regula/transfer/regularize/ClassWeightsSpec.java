package dev.regula.transfer.regularize;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * Class weights of the loss: {@code balanced} (n / (C·n_c) from the training labels) or an
 * explicit list, one positive weight per class. In YAML: {@code class_weights: balanced} or
 * {@code class_weights: [1.0, 3.0]}.
 *
 * @param balanced whether to derive weights from class frequencies
 * @param weights explicit weights (empty when balanced)
 */
public record ClassWeightsSpec(boolean balanced, List<Double> weights) {
    public ClassWeightsSpec {
        weights = weights == null ? List.of() : List.copyOf(weights);
        if (balanced == !weights.isEmpty()) {
            throw new IllegalArgumentException("class_weights: expected 'balanced' or a non-empty list of weights, got balanced="
                    + balanced + " weights=" + weights);
        }
        for (int i = 0; i < weights.size(); i++) {
            if (!(weights.get(i) > 0) || !Double.isFinite(weights.get(i))) {
                throw new IllegalArgumentException("class_weights[" + i + "] must be a finite number > 0, got " + weights.get(i));
            }
        }
    }

    public static ClassWeightsSpec balancedWeights() {
        return new ClassWeightsSpec(true, List.of());
    }

    public static ClassWeightsSpec explicit(List<Double> weights) {
        return new ClassWeightsSpec(false, weights);
    }

    /** YAML form: the string {@code balanced} or a list of numbers. */
    @JsonCreator
    public static ClassWeightsSpec fromYaml(Object value) {
        if ("balanced".equals(value)) {
            return balancedWeights();
        }
        if (value instanceof List<?> list) {
            return explicit(list.stream().map(v -> {
                if (v instanceof Number n) {
                    return n.doubleValue();
                }
                throw new IllegalArgumentException("class_weights: expected numbers, got '" + v + "'");
            }).toList());
        }
        throw new IllegalArgumentException("class_weights: expected 'balanced' or a list of numbers, got '" + value + "'");
    }

    @JsonValue
    public Object toYaml() {
        return balanced ? "balanced" : weights;
    }

    /** The weight per class for the given training labels. */
    public float[] resolve(int[] trainLabels, int classes) {
        if (balanced) {
            return SmoothedCrossEntropy.balanced(trainLabels, classes);
        }
        if (weights.size() != classes) {
            throw new IllegalArgumentException("class_weights has " + weights.size() + " entries, expected one per class (" + classes + ")");
        }
        float[] w = new float[classes];
        for (int k = 0; k < classes; k++) {
            w[k] = weights.get(k).floatValue();
        }
        return w;
    }
}
