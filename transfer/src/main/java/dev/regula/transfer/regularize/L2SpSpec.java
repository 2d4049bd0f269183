package dev.regula.transfer.regularize;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * L2-SP: {@code λ·‖w − w0‖²}. Without {@code model}, w0 is the head's own initial weights. With
 * {@code model}, w0 for layer i is the float initializer {@code initializers[i]} of that ONNX file
 * (a null or missing entry leaves layer i unpenalized), read as {@code [out, in]} or, with
 * {@code transposed: true}, as {@code [in, out]} (ONNX Gemm/MatMul's usual B layout).
 *
 * @param lambda strength, >= 0
 * @param model path of an ONNX model holding the reference weights, or null
 * @param initializers initializer names per layer (required with {@code model})
 * @param transposed whether the initializers are stored {@code [in, out]}
 */
public record L2SpSpec(
        @JsonProperty("lambda") double lambda,
        @JsonProperty("model") String model,
        @JsonProperty("initializers") List<String> initializers,
        @JsonProperty("transposed") boolean transposed) {
    public L2SpSpec {
        if (!(lambda >= 0)) {
            throw new IllegalArgumentException("l2_sp.lambda must be >= 0, got " + lambda);
        }
        initializers = initializers == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(initializers));
        if (model != null && initializers.isEmpty()) {
            throw new IllegalArgumentException("l2_sp.initializers: needed with l2_sp.model '" + model + "' (one name per layer)");
        }
    }

    /** Pull toward the head's initial weights. */
    public static L2SpSpec towardInit(double lambda) {
        return new L2SpSpec(lambda, null, List.of(), false);
    }
}
