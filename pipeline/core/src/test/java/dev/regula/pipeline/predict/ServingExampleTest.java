package dev.regula.pipeline.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.regula.models.runtime.RunnerOptions;
import dev.regula.pipeline.run.RunRequest;
import dev.regula.pipeline.run.RunResult;
import dev.regula.pipeline.run.TinyInputs;
import dev.regula.pipeline.stage.Pipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serving code of docs/serving.md runs, gives what {@code regula predict} gives, and is the code the page shows. */
class ServingExampleTest {
    private static final List<String> TEXTS = List.of("w1 w2 w3 w4", "w5 w6 w7", "w1 w9", "w8");

    @Test
    void servingCodeAgreesWithPredict(@TempDir Path dir) throws Exception {
        TinyInputs.write(dir, 13);
        RunResult run = Pipeline.run(new RunRequest(TinyInputs.writeSpec(dir, TinyInputs.spec()), dir.resolve("work"),
                null, false, null));
        Path export = run.model().getParent();
        try (Predictor predictor = Predictor.open(export, RunnerOptions.defaults())) {
            for (String text : TEXTS) {
                Prediction expected = predictor.predict(List.of(text)).get(0);
                ServingExample.Classified got = ServingExample.classify(export, text);
                assertThat(got.label()).as(text).isEqualTo(expected.label());
                assertThat(got.probabilities()).containsOnlyKeys(expected.probabilities().keySet());
                expected.probabilities().forEach((c, p) -> assertThat((double) got.probabilities().get(c)).as(text + " " + c)
                        .isCloseTo(p, within(1e-6)));
            }
        }
    }

    @Test
    void theDocsShowThisCode() throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/regula/pipeline/predict/ServingExample.java"));
        String begin = ServingExample.markers().get(0);
        String end = ServingExample.markers().get(1);
        String code = source.substring(source.indexOf(begin) + begin.length(), source.indexOf(end)).stripIndent().strip();
        String page = Files.readString(Path.of("../../docs/serving.md"));
        int from = page.indexOf("```java\n") + "```java\n".length();
        String shown = page.substring(from, page.indexOf("```", from)).strip();
        assertThat(normalize(shown)).isEqualTo(normalize(code));
    }

    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
