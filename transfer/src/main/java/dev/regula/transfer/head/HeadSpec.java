package dev.regula.transfer.head;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Objects;

/**
 * What a head looks like. Every head maps {@code [N, d]} features to {@code [N, C]} class
 * probabilities through a softmax (binary tasks use C = 2), whatever its kind.
 *
 * @param kind {@code linear} (multinomial logistic regression) or {@code mlp}
 * @param hiddenSizes hidden layer widths of an MLP, in order; empty for {@code linear}
 * @param activation hidden activation of an MLP; ignored by {@code linear} (may be null there)
 */
public record HeadSpec(
        @JsonProperty("kind") Kind kind,
        @JsonProperty("hidden_sizes") List<Integer> hiddenSizes,
        @JsonProperty("activation") HeadActivation activation) {

    /** The head's architecture family. */
    public enum Kind {
        LINEAR, MLP;

        @JsonValue
        public String yamlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        @JsonCreator
        public static Kind of(String name) {
            for (Kind k : values()) {
                if (k.yamlName().equals(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("kind: unknown value '" + name + "', expected one of [linear, mlp]");
        }
    }

    public HeadSpec {
        Objects.requireNonNull(kind, "kind: required, one of [linear, mlp]");
        hiddenSizes = hiddenSizes == null ? List.of() : List.copyOf(hiddenSizes);
        if (kind == Kind.LINEAR) {
            if (!hiddenSizes.isEmpty()) {
                throw new IllegalArgumentException("hidden_sizes: a linear head has no hidden layers, got " + hiddenSizes);
            }
        } else {
            if (hiddenSizes.isEmpty()) {
                throw new IllegalArgumentException("hidden_sizes: an mlp head needs at least one hidden size, got []");
            }
            for (int i = 0; i < hiddenSizes.size(); i++) {
                if (hiddenSizes.get(i) <= 0) {
                    throw new IllegalArgumentException("hidden_sizes[" + i + "]: must be > 0, got " + hiddenSizes.get(i));
                }
            }
            if (activation == null) {
                activation = HeadActivation.RELU;
            }
        }
    }

    /** A multinomial logistic regression head. */
    public static HeadSpec linear() {
        return new HeadSpec(Kind.LINEAR, List.of(), null);
    }

    /** An MLP head with the given hidden widths and activation. */
    public static HeadSpec mlp(HeadActivation activation, int... hidden) {
        return new HeadSpec(Kind.MLP, java.util.Arrays.stream(hidden).boxed().toList(), activation);
    }

    /** Layer widths from input to output: {@code [inputDim, hidden..., classes]}. */
    public int[] widths(int inputDim, int classes) {
        int[] w = new int[hiddenSizes.size() + 2];
        w[0] = inputDim;
        for (int i = 0; i < hiddenSizes.size(); i++) {
            w[i + 1] = hiddenSizes.get(i);
        }
        w[w.length - 1] = classes;
        return w;
    }
}
