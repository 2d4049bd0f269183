package dev.regula.models.runtime;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Checks a run's inputs against the model's declared inputs before anything native is created. */
final class InputChecks {
    private InputChecks() {
    }

    /** The size a symbolic dimension took, and the input that set it first. */
    private record Binding(long size, String input) {
    }

    static void check(Path file, List<TensorSpec> specs, Map<String, Tensor> given) throws InputMismatchException {
        Map<String, TensorSpec> byName = new HashMap<>();
        for (TensorSpec s : specs) {
            byName.put(s.name(), s);
        }
        List<String> expectedNames = specs.stream().map(TensorSpec::name).toList();
        String givenNames = new TreeSet<>(given.keySet()).toString();
        for (String name : new TreeSet<>(given.keySet())) {
            if (!byName.containsKey(name)) {
                throw new InputMismatchException(file, name, "Unknown input name '" + name + "'",
                        "one of " + expectedNames, "inputs " + givenNames);
            }
        }
        for (TensorSpec spec : specs) {
            if (!given.containsKey(spec.name())) {
                throw new InputMismatchException(file, spec.name(), "Missing input '" + spec.name() + "' (" + spec + ")",
                        "inputs " + expectedNames, "inputs " + givenNames);
            }
        }
        // Symbolic dimension name -> (size, input that fixed it), so e.g. two inputs cannot disagree on 'batch'.
        Map<String, Binding> symbols = new HashMap<>();
        for (TensorSpec spec : specs) {
            Tensor t = given.get(spec.name());
            String name = spec.name();
            if (t == null) {
                throw new InputMismatchException(file, name, "Input '" + name + "' is null",
                        spec.type().onnxName() + " " + spec.shapeString(), "null");
            }
            if (t.type() != spec.type()) {
                throw new InputMismatchException(file, name, "Input '" + name + "' has the wrong element type",
                        spec.type().onnxName(), t.type().onnxName());
            }
            long[] shape = t.shape();
            if (!spec.rankKnown()) {
                continue;
            }
            if (shape.length != spec.rank()) {
                throw new InputMismatchException(file, name, "Input '" + name + "' has the wrong rank",
                        "rank " + spec.rank() + " " + spec.shapeString(),
                        "rank " + shape.length + " " + Tensor.shapeString(shape));
            }
            for (int axis = 0; axis < shape.length; axis++) {
                if (spec.isFixed(axis) && spec.shape().get(axis) != shape[axis]) {
                    throw new InputMismatchException(file, name, "Input '" + name + "' has the wrong size on axis " + axis,
                            spec.shapeString(), Tensor.shapeString(shape));
                }
                String symbol = spec.dimNames().get(axis);
                if (!spec.isFixed(axis) && !symbol.isEmpty()) {
                    Binding seen = symbols.putIfAbsent(symbol, new Binding(shape[axis], name));
                    if (seen != null && seen.size() != shape[axis]) {
                        throw new InputMismatchException(file, name, "Input '" + name + "' disagrees with input '" + seen.input()
                                + "' on dimension '" + symbol + "' (axis " + axis + ")",
                                symbol + " = " + seen.size(), symbol + " = " + shape[axis] + " in " + Tensor.shapeString(shape));
                    }
                }
            }
        }
    }
}
