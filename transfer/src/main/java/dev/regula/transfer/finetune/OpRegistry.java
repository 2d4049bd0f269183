package dev.regula.transfer.finetune;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** ONNX op type to its NDArray implementation (ai.onnx domain only). */
final class OpRegistry {
    private static final Map<String, Op> STANDARD = build();

    private OpRegistry() {
    }

    private static Map<String, Op> build() {
        Map<String, Op> ops = new TreeMap<>();
        ShapeOps.register(ops);
        MathOps.register(ops);
        return Collections.unmodifiableMap(ops);
    }

    static Optional<Op> find(String domain, String opType) {
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
            return Optional.empty();
        }
        return Optional.ofNullable(STANDARD.get(opType));
    }

    /** The supported op types, sorted. */
    static java.util.Set<String> supported() {
        return STANDARD.keySet();
    }
}
