package dev.regula.spark;

import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.RunRequest;
import dev.regula.pipeline.run.RunResult;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.spec.PipelineSpec;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.spec.SpecReader;
import dev.regula.pipeline.stage.Pipeline;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.SparkSession;

/**
 * {@code regula-spark run SPEC [--master URL] [--work DIR] [--from STAGE] [--force]}: the pipeline with
 * its features stage on Spark, the other stages on the driver. The main class for
 * {@code spark-submit} (which sets the master) and for {@code bin/regula run SPEC --engine spark}
 * (embedded, {@code --master local[N]}). A thin mapping of arguments to {@link Pipeline#run}.
 */
public final class RegulaSpark {
    static final String USAGE = "usage: regula-spark run SPEC [--master URL] [--work DIR] [--from STAGE] [--force]";

    private RegulaSpark() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The arguments {@code main} takes; public for tests. */
    public record Args(Path spec, String master, Path work, StageName from, boolean force) {
        static Args parse(String[] args) {
            Deque<String> a = new ArrayDeque<>(List.of(args));
            if (a.isEmpty() || !a.peekFirst().equals("run")) {
                throw new IllegalArgumentException("expected the command 'run' first");
            }
            a.removeFirst();
            Path spec = null;
            String master = null;
            Path work = null;
            StageName from = null;
            boolean force = false;
            while (!a.isEmpty()) {
                String s = a.removeFirst();
                switch (s) {
                    case "--master" -> master = value(a, s);
                    case "--work" -> work = Path.of(value(a, s));
                    case "--from" -> from = StageName.parse(value(a, s));
                    case "--force" -> force = true;
                    default -> {
                        if (s.startsWith("--") || spec != null) {
                            throw new IllegalArgumentException("unknown argument '" + s + "'");
                        }
                        spec = Path.of(s);
                    }
                }
            }
            if (spec == null) {
                throw new IllegalArgumentException("missing SPEC, the pipeline spec (YAML)");
            }
            return new Args(spec, master, work, from, force);
        }

        private static String value(Deque<String> a, String option) {
            if (a.isEmpty() || a.peekFirst().startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return a.removeFirst();
        }
    }

    /**
     * The session's settings as Spark properties ({@code spark.master}, {@code spark.app.name}, the spec's conf):
     * {@code --master} first, then what {@code spark-submit} set (it passes its master and {@code --conf}s to the
     * driver as {@code spark.*} system properties, read here through {@code submitted}), then the spec's
     * {@code spark:} section. A property {@code submitted} already holds is left out: Spark reads it itself.
     */
    static Map<String, String> settings(Args args, Sections.Spark section, UnaryOperator<String> submitted) {
        Map<String, String> out = new LinkedHashMap<>();
        String app = section != null && section.appName() != null ? section.appName() : "regula " + args.spec().getFileName();
        if (submitted.apply("spark.app.name") == null) {
            out.put("spark.app.name", app);
        }
        if (args.master() != null) {
            out.put("spark.master", args.master());
        } else if (section != null && section.master() != null && submitted.apply("spark.master") == null) {
            out.put("spark.master", section.master());
        }
        if (section != null) {
            section.conf().forEach((k, v) -> {
                if (submitted.apply(k) == null) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args;
        try {
            args = Args.parse(argv);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        PipelineSpec spec;
        try {
            spec = SpecReader.read(args.spec());
        } catch (RegulaException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        SparkSession.Builder builder = SparkSession.builder();
        settings(args, spec.spark().orElse(null), System::getProperty).forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        try {
            RunResult result = Pipeline.run(new RunRequest(args.spec(), args.work(), args.from(), args.force(), line -> {
                out.println(line);
                out.flush();
            }), new SparkFeatures(spark), new SparkTrials(spark));
            out.println("model: " + result.model());
            out.println("summary: " + result.work().resolve(Pipeline.SUMMARY));
            return 0;
        } catch (RegulaException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } finally {
            spark.stop();
        }
    }
}
