package dev.regula.transfer.head;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** Hidden-layer activation of an MLP head. {@code gelu} is the exact (erf) form: 0.5·x·(1 + erf(x/√2)). */
public enum HeadActivation {
    RELU, GELU, TANH;

    /** Applies the activation element-wise with DJL. */
    public NDArray apply(NDArray x) {
        return switch (this) {
            case RELU -> Activation.relu(x);
            case GELU -> Activation.gelu(x);
            case TANH -> Activation.tanh(x);
        };
    }

    /** The YAML name: {@code relu}, {@code gelu} or {@code tanh}. */
    @JsonValue
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a YAML name, failing with the accepted values. */
    @JsonCreator
    public static HeadActivation of(String name) {
        for (HeadActivation a : values()) {
            if (a.yamlName().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("activation: unknown value '" + name + "', expected one of "
                + Arrays.stream(values()).map(HeadActivation::yamlName).toList());
    }
}
