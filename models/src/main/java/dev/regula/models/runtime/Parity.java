package dev.regula.models.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.LongStream;

/**
 * Compares a candidate run (e.g. the exported model on ONNX Runtime) with a reference run (e.g. the
 * DJL heads, or ONNX Runtime on CPU) output by output.
 *
 * <p>An element passes under numpy's {@code allclose} rule with the reference as {@code b}:
 * {@code |a - b| <= atol + rtol * |b|}. Equal values (including equal infinities) always pass; a NaN
 * on either side never does. Values are compared as doubles, so int64 outputs (labels) compare
 * exactly up to 2^53. Outputs only the candidate has are not compared.
 *
 * <p>Immutable and thread-safe.
 */
public final class Parity {
    /**
     * Floor on {@code |reference|} in the relative error {@code |a - b| / max(|b|, REL_EPSILON)}, so a
     * reference of exactly 0 gives a large but finite relative error instead of a division by zero.
     */
    public static final double REL_EPSILON = 1e-12;

    private final double atol;
    private final double rtol;
    private final String argmaxOutput;

    private Parity(double atol, double rtol, String argmaxOutput) {
        if (!(atol >= 0) || !Double.isFinite(atol) || !(rtol >= 0) || !Double.isFinite(rtol)) {
            throw new IllegalArgumentException("Parity tolerances must be finite and >= 0, got atol=" + atol
                    + ", rtol=" + rtol);
        }
        this.atol = atol;
        this.rtol = rtol;
        this.argmaxOutput = argmaxOutput;
    }

    /** A check with absolute tolerance {@code atol} and relative tolerance {@code rtol}. */
    public static Parity within(double atol, double rtol) {
        return new Parity(atol, rtol, null);
    }

    /** The same check, also requiring row-wise argmax agreement on the rank-2 {@code [B, C]} output {@code output}. */
    public Parity withArgmax(String output) {
        return new Parity(atol, rtol, Objects.requireNonNull(output, "output"));
    }

    public double atol() {
        return atol;
    }

    public double rtol() {
        return rtol;
    }

    public Optional<String> argmaxOutput() {
        return Optional.ofNullable(argmaxOutput);
    }

    /**
     * Compares every output of {@code reference} with the same-named output of {@code candidate}.
     *
     * @throws OutputMismatchException naming the output when the candidate lacks it, the shapes
     *                                 differ, or the argmax output is absent or not of rank 2
     */
    public ParityReport compare(Map<String, Tensor> reference, Map<String, Tensor> candidate)
            throws OutputMismatchException {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(candidate, "candidate");
        List<OutputParity> outputs = new ArrayList<>(reference.size());
        for (Map.Entry<String, Tensor> e : reference.entrySet()) {
            String name = e.getKey();
            Tensor ref = Objects.requireNonNull(e.getValue(), () -> "reference output '" + name + "'");
            Tensor cand = candidate.get(name);
            if (cand == null) {
                throw new OutputMismatchException(null, name, "Output '" + name + "' is missing from the candidate run",
                        "outputs including " + reference.keySet(), "outputs " + candidate.keySet());
            }
            if (ref.rank() != cand.rank() || !java.util.Arrays.equals(ref.shape(), cand.shape())) {
                throw new OutputMismatchException(null, name, "Output '" + name + "' differs in shape between the runs",
                        "reference shape " + Tensor.shapeString(ref.shape()), "candidate shape " + Tensor.shapeString(cand.shape()));
            }
            outputs.add(compareOne(name, ref, cand));
        }
        ArgmaxAgreement argmax = argmaxOutput == null ? null : argmax(reference, candidate);
        return new ParityReport(atol, rtol, outputs, argmax);
    }

    /**
     * As {@link #compare}, with reference outputs given as {@code [rows][cols]} matrices (as a DJL
     * head produces them); each becomes a float tensor of shape {@code [rows, cols]}.
     *
     * @throws IllegalArgumentException when a reference matrix is ragged
     */
    public ParityReport compareMatrices(Map<String, float[][]> reference, Map<String, Tensor> candidate)
            throws OutputMismatchException {
        Objects.requireNonNull(reference, "reference");
        Map<String, Tensor> asTensors = new LinkedHashMap<>();
        for (Map.Entry<String, float[][]> e : reference.entrySet()) {
            try {
                asTensors.put(e.getKey(), Tensor.ofMatrix(Objects.requireNonNull(e.getValue(),
                        () -> "reference output '" + e.getKey() + "'")));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("Reference output '" + e.getKey() + "': " + bad.getMessage(), bad);
            }
        }
        return compare(asTensors, candidate);
    }

    private OutputParity compareOne(String name, Tensor ref, Tensor cand) {
        int n = ref.size();
        double maxAbs = 0;
        double maxRel = 0;
        long mismatches = 0;
        for (int i = 0; i < n; i++) {
            double b = ref.getDouble(i);
            double a = cand.getDouble(i);
            if (a == b) {
                continue;
            }
            double abs = Math.abs(a - b); // NaN if either is NaN; +Infinity if exactly one is infinite
            boolean close = Double.isFinite(a) && Double.isFinite(b) && abs <= atol + rtol * Math.abs(b);
            if (!close) {
                mismatches++;
            }
            // Math.max propagates NaN, which is what the report should show for a NaN output.
            maxAbs = Math.max(maxAbs, abs);
            maxRel = Math.max(maxRel, abs / Math.max(Math.abs(b), REL_EPSILON));
        }
        List<Long> shape = LongStream.of(ref.shape()).boxed().toList();
        return new OutputParity(name, shape, n, maxAbs, maxRel, mismatches);
    }

    private ArgmaxAgreement argmax(Map<String, Tensor> reference, Map<String, Tensor> candidate)
            throws OutputMismatchException {
        Tensor ref = reference.get(argmaxOutput);
        if (ref == null) {
            throw new OutputMismatchException(null, argmaxOutput, "Argmax output '" + argmaxOutput
                    + "' is missing from the reference run", "outputs including '" + argmaxOutput + "'",
                    "outputs " + reference.keySet());
        }
        if (ref.rank() != 2) {
            throw new OutputMismatchException(null, argmaxOutput, "Argmax output '" + argmaxOutput
                    + "' is not a [batch, classes] matrix", "rank 2", "shape " + Tensor.shapeString(ref.shape()));
        }
        Tensor cand = candidate.get(argmaxOutput); // present with the same shape: compare() checked it
        int rows = (int) ref.dim(0);
        int cols = (int) ref.dim(1);
        long agreeing = 0;
        for (int r = 0; r < rows; r++) {
            if (rowArgmax(ref, r, cols) == rowArgmax(cand, r, cols)) {
                agreeing++;
            }
        }
        return new ArgmaxAgreement(argmaxOutput, rows, agreeing);
    }

    /** Index of the largest non-NaN value in row {@code r}, lowest on ties; -1 when the row has none. */
    private static int rowArgmax(Tensor t, int r, int cols) {
        int best = -1;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) {
            double v = t.getDouble(r * cols + c);
            if (!Double.isNaN(v) && (best < 0 || v > bestValue)) {
                best = c;
                bestValue = v;
            }
        }
        return best;
    }
}
