package dev.regula.maven;

import dev.regula.ensemble.ClassificationMetrics;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.predict.QualityGates;
import dev.regula.pipeline.stage.validate.ValidateStep;
import java.io.File;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code regula:validate}: a quality gate on an exported model. Runs it with ONNX Runtime on
 * labelled data (tokenizer included, as {@code regula validate} does) and fails the build when a
 * figure misses its threshold. Thresholds left unset are not checked.
 */
@Mojo(name = "validate", defaultPhase = LifecyclePhase.VERIFY, threadSafe = false)
public class ValidateMojo extends AbstractMojo {
    static final String GOAL = "regula:validate";

    /** The exported {@code model.onnx}, or its folder (with {@code tokenizer.json} beside it). */
    @Parameter(property = "regula.model", required = true)
    File model;

    /** Labelled data: {@code .jsonl} or {@code .csv} (optionally {@code .gz}), or a folder per label. */
    @Parameter(property = "regula.data", required = true)
    File data;

    /** Text field or column. */
    @Parameter(property = "regula.textField", defaultValue = "text")
    String textField;

    /** Label field or column. */
    @Parameter(property = "regula.labelField", defaultValue = "label")
    String labelField;

    /** ONNX Runtime device: cpu, cuda or auto. */
    @Parameter(property = "regula.device", defaultValue = "cpu")
    String device;

    /** Fail when accuracy is below this. */
    @Parameter(property = "regula.minAccuracy")
    Double minAccuracy;

    /** Fail when macro-F1 is below this. */
    @Parameter(property = "regula.minMacroF1")
    Double minMacroF1;

    /** Fail when the expected calibration error (15 bins) is above this. */
    @Parameter(property = "regula.maxEce")
    Double maxEce;

    /** Fail when the mean negative log-likelihood is above this. */
    @Parameter(property = "regula.maxNll")
    Double maxNll;

    /** Skip the goal. */
    @Parameter(property = "regula.skip", defaultValue = "false")
    boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info(GOAL + " skipped (regula.skip)");
            return;
        }
        require(model, "model", "the exported model.onnx or its folder");
        require(data, "data", "the labelled data file");
        QualityGates gates;
        try {
            gates = new QualityGates(minAccuracy, minMacroF1, maxEce, maxNll);
        } catch (QualityGates.BadGateException e) {
            throw new MojoFailureException(GOAL + ": " + parameterName(e.key()) + " " + e.value() + ": expected " + e.expected(), e);
        }
        ValidateStep.Request request;
        try {
            request = ValidateStep.Request.of(model.toPath(), device, data.toPath(), textField, labelField,
                    gates);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(GOAL + ": " + e.getMessage(), e);
        }
        ValidateStep.Result r;
        try {
            r = ValidateStep.run(request);
        } catch (RegulaException e) {
            throw Parameters.failure(GOAL, e);
        } catch (RuntimeException e) {
            throw Parameters.unexpected(GOAL, "validating " + model, e);
        }
        ClassificationMetrics m = r.metrics();
        String figures = QualityGates.figures(m);
        getLog().info(String.format(Locale.ROOT, "%s: %d rows of %s on %s", model, r.rows(), data, r.provider()));
        getLog().info(figures);
        getLog().info(String.format(Locale.ROOT, "latency p50 %.2f ms, p95 %.2f ms (batch 1), throughput %.1f texts/s (batch %d)",
                r.latencyMsP50(), r.latencyMsP95(), r.throughput(), r.throughputBatch()));

        List<String> failed = request.failures(r, ValidateMojo::parameterName);
        if (!failed.isEmpty()) {
            throw new MojoFailureException(String.format(Locale.ROOT, "%s: quality gate%s failed for %s on %s (%d rows): %s%n  figures: %s",
                    GOAL, failed.size() > 1 ? "s" : "", model, data, r.rows(), String.join("; ", failed), figures));
        }
    }

    private static void require(File f, String name, String what) throws MojoFailureException {
        if (f == null) {
            throw new MojoFailureException(GOAL + ": set <" + name + "> to " + what);
        }
        if (!f.exists()) {
            throw new MojoFailureException(GOAL + ": <" + name + "> " + f + " does not exist");
        }
    }

    /** {@code min_macro_f1} to {@code minMacroF1}: the gate as this goal's parameter spells it. */
    static String parameterName(String key) {
        return Parameters.name(key);
    }
}
