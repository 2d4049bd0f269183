package dev.regula.cli;

import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.RunRequest;
import dev.regula.pipeline.run.RunResult;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.stage.Pipeline;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code regula run SPEC}: runs a pipeline spec, skipping stages that are up to date. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the pipeline in SPEC: import, features, [tune], train, [ensemble], export, validate, [report].",
                "A stage whose spec section and inputs are unchanged is skipped ('up to date').",
                "Exit code 1 when a stage fails or a validation gate fails. See docs/pipeline.md."})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LoggingMixin logging;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The pipeline spec (YAML).")
    Path specFile;

    @Option(names = "--work", paramLabel = "DIR", description = "Work folder (default: work/ beside a SPEC named pipeline.yaml, work-NAME/ beside NAME.yaml).")
    Path work;

    @Option(names = "--from", paramLabel = "STAGE",
            description = "Rerun this stage and all later ones: import, features, tune, train, ensemble, export, validate, report.")
    String from;

    @Option(names = "--force", description = "Rerun every stage.")
    boolean force;

    @Option(names = "--json", description = "Print only summary.json (with each stage's outcome) on standard output; "
            + "stage lines go to standard error.")
    boolean json;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "local",
            description = "Where the features stage runs: local (default) or spark. bin/regula runs 'spark' with the "
                    + "pipeline/spark module on Spark's jars (docs/spark.md); this JVM has no Spark.")
    String engine;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master for --engine spark, e.g. 'local[2]'.")
    String master;

    @Override
    public Integer call() throws RegulaException {
        if ("spark".equals(engine)) {
            // bin/regula hands --engine spark to dev.regula.spark.RegulaSpark before this JVM starts
            throw new ParameterException(spec.commandLine(), "--engine spark: this launcher has no Spark on its class path; "
                    + "run it through bin/regula, or spark-submit with the regula-spark jar (docs/spark.md)");
        }
        if (!"local".equals(engine)) {
            throw new ParameterException(spec.commandLine(), "--engine: expected local or spark, got '" + engine + "'");
        }
        if (master != null) {
            throw new ParameterException(spec.commandLine(), "--master applies to --engine spark only");
        }
        StageName fromStage = null;
        if (from != null) {
            try {
                fromStage = StageName.parse(from);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--from: " + e.getMessage());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter log = json ? spec.commandLine().getErr() : out;
        RunResult result = Pipeline.run(new RunRequest(specFile, work, fromStage, force, line -> {
            log.println(line);
            log.flush();
        }));
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            Map<String, String> stages = new LinkedHashMap<>();
            result.outcomes().forEach((k, v) -> stages.put(k.dir(), v == RunResult.Outcome.RAN ? "ran" : "up_to_date"));
            doc.put("stages", stages);
            doc.put("model", result.model().toString());
            doc.put("summary", result.summary());
            out.println(Json.text(doc));
            out.flush();
            return ExitCodes.OK;
        }
        out.println("model: " + result.model());
        out.println("summary: " + result.work().resolve("summary.json"));
        out.flush();
        return ExitCodes.OK;
    }
}
