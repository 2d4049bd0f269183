package dev.regula.models.runtime;

import dev.regula.models.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParityTest {
    private static final float[] REF = {1f, 2f, 3f, -4f};

    @Test
    void identicalRunsPassWithZeroError() throws Exception {
        Map<String, Tensor> run;
        try (OrtRunner runner = OrtRunner.open(TinyModels.classifier().toByteArray(), RunnerOptions.defaults())) {
            run = runner.run(OrtRunnerTest.classifierInputs());
        }
        ParityReport report = Parity.within(0, 0).withArgmax("probs").compare(run, run);

        assertThat(report.passed()).isTrue();
        assertThat(report.outputs()).extracting(OutputParity::name).containsExactly("probs", "label");
        OutputParity probs = report.output("probs");
        assertThat(probs.elements()).isEqualTo(12);
        assertThat(probs.shape()).containsExactly(4L, 3L);
        assertThat(probs.maxAbsError()).isZero();
        assertThat(probs.maxRelError()).isZero();
        assertThat(probs.mismatches()).isZero();
        assertThat(report.argmaxAgreement()).hasValue(new ArgmaxAgreement("probs", 4, 4));
    }

    @Test
    void perturbationOverAtolFailsAndReportsTheHandComputedMaxima() throws Exception {
        float[] cand = {1f, 2.01f, 3f, -4.003f};
        ParityReport report = Parity.within(1e-3, 0).compare(one("y", REF), one("y", cand));

        // By hand, in double on the float values, as Parity computes: |2.01f - 2| and |-4.003f + 4| / 4.
        double err1 = Math.abs((double) 2.01f - 2.0);
        double err3 = Math.abs((double) -4.003f + 4.0);
        OutputParity y = report.output("y");
        assertThat(report.passed()).isFalse();
        assertThat(y.passed()).isFalse();
        assertThat(y.maxAbsError()).isEqualTo(Math.max(err1, err3));
        assertThat(y.maxRelError()).isEqualTo(Math.max(err1 / 2.0, err3 / 4.0));
        assertThat(y.mismatches()).isEqualTo(2);
        assertThat(y.elements()).isEqualTo(4);
    }

    @Test
    void relativeToleranceScalesWithTheReferenceLikeNumpyAllclose() throws Exception {
        float[] ref = {1000f, 0.001f};
        float[] cand = {1000.0625f, 0.0011f};
        // |a-b| <= atol + rtol*|b|: 0.0625 <= 1e-3 + 1e-4*1000 = 0.101, and 1e-4 <= 1e-3 + 1e-7.
        assertThat(Parity.within(1e-3, 1e-4).compare(one("y", ref), one("y", cand)).passed()).isTrue();
        // Without rtol the large element fails, the small one still passes.
        assertThat(Parity.within(1e-3, 0).compare(one("y", ref), one("y", cand)).output("y").mismatches()).isEqualTo(1);
        // The rule is asymmetric, as in numpy: rtol scales |reference|, not |candidate|.
        float[] b = {1f};
        float[] a = {2f};
        assertThat(Parity.within(0, 0.5).compare(one("y", a), one("y", b)).passed()).isTrue();
        assertThat(Parity.within(0, 0.5).compare(one("y", b), one("y", a)).passed()).isFalse();
    }

    @Test
    void relativeErrorOnAZeroReferenceUsesTheEpsilonFloor() throws Exception {
        ParityReport report = Parity.within(1e-5, 0).compare(one("y", new float[] {0f}), one("y", new float[] {1e-6f}));
        assertThat(report.passed()).isTrue();
        assertThat(report.output("y").maxRelError()).isEqualTo((double) 1e-6f / Parity.REL_EPSILON);
    }

    @Test
    void argmaxDisagreementIsCountedAndFailsTheReportEvenWithinTolerance() throws Exception {
        Map<String, Tensor> ref = Map.of("probs", Tensor.ofFloats(new float[] {
                0.7f, 0.2f, 0.1f,
                0.3f, 0.4f, 0.3f,
                0.1f, 0.1f, 0.8f}, 3, 3));
        Map<String, Tensor> cand = Map.of("probs", Tensor.ofFloats(new float[] {
                0.7f, 0.2f, 0.1f,
                0.45f, 0.4f, 0.15f,
                0.1f, 0.1f, 0.8f}, 3, 3));
        ParityReport report = Parity.within(0.5, 0).withArgmax("probs").compare(ref, cand);

        assertThat(report.output("probs").passed()).isTrue();
        ArgmaxAgreement argmax = report.argmax();
        assertThat(argmax.rows()).isEqualTo(3);
        assertThat(argmax.agreeing()).isEqualTo(2);
        assertThat(argmax.fraction()).isEqualTo(2.0 / 3.0);
        assertThat(argmax.passed()).isFalse();
        assertThat(report.passed()).isFalse();
    }

    @Test
    void nanNeverPassesAndIsWrittenAsJsonNull() throws Exception {
        ParityReport report = Parity.within(1, 1).compare(one("y", new float[] {Float.NaN, 1f}),
                one("y", new float[] {Float.NaN, 1f}));
        assertThat(report.output("y").mismatches()).isEqualTo(1);
        assertThat(report.output("y").maxAbsError()).isNaN();
        assertThat(report.passed()).isFalse();
        assertThat(report.toJson()).contains("\"maxAbsError\":null,\"maxRelError\":null");

        ParityReport inf = Parity.within(1, 1).compare(one("y", new float[] {Float.POSITIVE_INFINITY, 2f}),
                one("y", new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}));
        assertThat(inf.output("y").mismatches()).isEqualTo(1);
        assertThat(inf.output("y").maxAbsError()).isInfinite();
    }

    @Test
    void missingOutputsShapeMismatchesAndBadArgmaxOutputsAreErrorsNamingTheOutput() {
        Parity parity = Parity.within(1e-6, 0);
        assertThatThrownBy(() -> parity.compare(one("probs", REF), one("logits", REF)))
                .isInstanceOf(OutputMismatchException.class)
                .hasMessage("Output 'probs' is missing from the candidate run: expected outputs including [probs], "
                        + "found outputs [logits]")
                .satisfies(e -> assertThat(((OutputMismatchException) e).output()).isEqualTo("probs"));
        Map<String, Tensor> reshaped = Map.of("probs", Tensor.ofFloats(REF, 2, 2));
        assertThatThrownBy(() -> parity.compare(one("probs", REF), reshaped))
                .isInstanceOf(OutputMismatchException.class)
                .hasMessage("Output 'probs' differs in shape between the runs: expected reference shape [4], "
                        + "found candidate shape [2, 2]");
        assertThatThrownBy(() -> parity.withArgmax("probs").compare(one("probs", REF), one("probs", REF)))
                .isInstanceOf(OutputMismatchException.class)
                .hasMessage("Argmax output 'probs' is not a [batch, classes] matrix: expected rank 2, found shape [4]");
        assertThatThrownBy(() -> parity.withArgmax("label").compare(one("probs", REF), one("probs", REF)))
                .isInstanceOf(OutputMismatchException.class)
                .hasMessageStartingWith("Argmax output 'label' is missing from the reference run");
        assertThatThrownBy(() -> Parity.within(-1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("atol=-1.0");
        assertThatThrownBy(() -> Parity.within(0, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void candidateOnlyOutputsAreNotCompared() throws Exception {
        Map<String, Tensor> cand = new LinkedHashMap<>(one("probs", REF));
        cand.put("label", Tensor.ofLongs(new long[] {1}, 1));
        ParityReport report = Parity.within(0, 0).compare(one("probs", REF), cand);
        assertThat(report.outputs()).extracting(OutputParity::name).containsExactly("probs");
        assertThat(report.passed()).isTrue();
    }

    @Test
    void matricesFromAReferenceRunCompareAgainstOnnxRuntimeOutputs() throws Exception {
        long[] ids = {0, 3, 2, 1};
        float[] x = {0.1f, 0.2f, -1f, 0.5f, 2f, -0.25f, 0.75f, 1.5f};
        double[][] hand = TinyModels.classifierProbs(ids, x);
        float[][] reference = new float[hand.length][];
        for (int r = 0; r < hand.length; r++) {
            reference[r] = new float[hand[r].length];
            for (int c = 0; c < hand[r].length; c++) {
                reference[r][c] = (float) hand[r][c];
            }
        }
        Map<String, Tensor> ort;
        try (OrtRunner runner = OrtRunner.open(TinyModels.classifier().toByteArray(), RunnerOptions.defaults())) {
            ort = runner.run(OrtRunnerTest.classifierInputs());
        }
        ParityReport report = Parity.within(1e-6, 1e-5).withArgmax("probs").compareMatrices(Map.of("probs", reference), ort);
        assertThat(report.passed()).as(report.toJson()).isTrue();
        assertThat(report.output("probs").maxAbsError()).isLessThan(1e-6);
        assertThatThrownBy(() -> Parity.within(0, 0).compareMatrices(
                Map.of("probs", new float[][] {{1f, 2f}, {3f}}), ort))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Reference output 'probs': Matrix row 1 has 1 columns, expected 2 columns like row 0");
    }

    @Test
    void jsonIsWellFormedEscapedAndComplete() throws Exception {
        String name = "pro\"bs\\\n\u0001";
        Map<String, Tensor> ref = Map.of(name, Tensor.ofFloats(new float[] {0.9f, 0.1f, 0.2f, 0.8f}, 2, 2));
        Map<String, Tensor> cand = Map.of(name, Tensor.ofFloats(new float[] {0.9f, 0.1f, 0.6f, 0.4f}, 2, 2));
        String json = Parity.within(0.5, 0).withArgmax(name).compare(ref, cand).toJson();

        String escaped = "\"pro\\\"bs\\\\\\n\\u0001\"";
        assertThat(json).startsWith("{\"passed\":false,\"atol\":0.5,\"rtol\":0.0,\"relativeErrorEpsilon\":1.0E-12,");
        assertThat(json).contains("\"outputs\":[{\"name\":" + escaped + ",\"shape\":[2,2],\"elements\":4,");
        assertThat(json).contains("\"mismatches\":0,\"passed\":true}]");
        assertThat(json).endsWith("\"argmax\":{\"output\":" + escaped
                + ",\"rows\":2,\"agreeing\":1,\"fraction\":0.5,\"passed\":false}}");
        assertThat(json).doesNotContain("\n").doesNotContain("NaN").doesNotContain("Infinity");
        assertBalanced(json);
        assertThat(Parity.within(0, 0).compare(Map.of(), Map.of()).toJson())
                .isEqualTo("{\"passed\":true,\"atol\":0.0,\"rtol\":0.0,\"relativeErrorEpsilon\":1.0E-12,"
                        + "\"outputs\":[],\"argmax\":null}");
    }

    @Test
    void jsonPrimitives() {
        assertThat(Json.quote("tab\there\r\b\f/\u2028")).isEqualTo("\"tab\\there\\r\\b\\f/\\u2028\"");
        assertThat(Json.quote(null)).isEqualTo("null");
        assertThat(Json.number(Double.NaN)).isEqualTo("null");
        assertThat(Json.number(Double.NEGATIVE_INFINITY)).isEqualTo("null");
        assertThat(Json.number(2.5e-7)).isEqualTo("2.5E-7");
        assertThat(Json.number(-3)).isEqualTo("-3.0");
    }

    /** Brackets and braces outside string literals nest properly: a cheap well-formedness check. */
    private static void assertBalanced(String json) {
        StringBuilder stack = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                } else {
                    assertThat((int) c).as("raw control character in a string").isGreaterThanOrEqualTo(0x20);
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                stack.append(c);
            } else if (c == '}' || c == ']') {
                assertThat(stack).isNotEmpty();
                assertThat(stack.charAt(stack.length() - 1)).isEqualTo(c == '}' ? '{' : '[');
                stack.setLength(stack.length() - 1);
            }
        }
        assertThat(inString).isFalse();
        assertThat(stack).isEmpty();
    }

    private static Map<String, Tensor> one(String name, float[] values) {
        return Map.of(name, Tensor.ofFloats(values, values.length));
    }

    @Test
    void reportLooksUpOutputsByName() throws Exception {
        ParityReport report = Parity.within(0, 0).compare(one("y", REF), one("y", REF));
        assertThatThrownBy(() -> report.output("z")).hasMessage("No output 'z' in this report, expected one of [y]");
        assertThat(report.outputs()).isEqualTo(List.of(report.output("y")));
    }
}
