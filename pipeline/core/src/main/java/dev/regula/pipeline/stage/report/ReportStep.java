package dev.regula.pipeline.stage.report;

import dev.regula.transfer.export.ExportMetadata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.ensemble.ClassificationMetrics;
import dev.regula.ensemble.EnsembleException;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.run.Manifest;
import dev.regula.pipeline.run.OutputFolder;
import dev.regula.pipeline.spec.EnsembleConfig;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.stage.ensemble.EnsembleStep;
import dev.regula.pipeline.stage.export.ExportStep;
import dev.regula.pipeline.stage.features.FeatureInputs;
import dev.regula.pipeline.stage.train.TrainStep;
import dev.regula.pipeline.stage.validate.Gates;
import dev.regula.pipeline.stage.validate.ValidateStep;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.train.TrainedHead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The report stage as a callable unit: the self-contained {@code index.html} of {@link ReportPage}.
 * The pipeline's report stage and {@code regula report} (explicit folders, {@link #run}) write
 * through it; given the folders of a work folder, the same title and the same gates, both write
 * the same bytes.
 */
public final class ReportStep {
    public static final String HTML = "index.html";
    /** Marks where the measured timings start; they differ from run to run. */
    public static final String TIMINGS_BEGIN = "<!-- regula:measured-timings:begin -->";
    public static final String TIMINGS_END = "<!-- regula:measured-timings:end -->";
    /** The title when none is given (also the pipeline's default for {@code report.title}). */
    public static final String DEFAULT_TITLE = "Regula report";

    private ReportStep() {
    }

    /**
     * A report on explicit folders.
     *
     * @param features the features the heads were trained on (output of {@code regula features} or work/features)
     * @param heads the train output (its heads appear in name order)
     * @param ensemble the ensemble output, or null (then no ensemble table; required when the model exports an ensemble)
     * @param model the export output folder, or its {@code model.onnx}
     * @param validation a pipeline's validate stage folder ({@code report.json}, {@code manifest.json}), or null:
     *     then the test figures come from the Java reference on the stored test features, and there is no parity
     *     and latency table
     * @param title the page title, or null for {@value #DEFAULT_TITLE}
     * @param gates the gates to show as passed or failed (a parity gate needs {@code validation})
     * @param out the output folder: new, empty, or an earlier {@code regula report} output (replaced as a whole)
     * @param tune the tune stage's folder ({@code trials.jsonl}, {@code selection.json}), or null: then the page
     *     has no regularization-search section
     */
    public record Request(Path features, Path heads, Path ensemble, Path model, Path validation, String title,
                          Sections.Gates gates, Path out, Path tune) {
        public Request {
            Objects.requireNonNull(features, "features");
            Objects.requireNonNull(heads, "heads");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(out, "out");
            gates = gates == null ? new Sections.Gates(null, null, null) : gates;
        }

        /** A request without a tune folder (callers written before the tune stage existed). */
        public Request(Path features, Path heads, Path ensemble, Path model, Path validation, String title,
                       Sections.Gates gates, Path out) {
            this(features, heads, ensemble, model, validation, title, gates, out, null);
        }
    }

    /**
     * What was written.
     *
     * @param exported the exported head's name, or {@code ensemble}
     * @param validated whether the figures come from a validate stage output (ONNX Runtime) or the Java reference
     * @param figures the page's test figures (accuracy, macro_f1, nll, ece, train_accuracy, generalization_gap, ...)
     * @param gateFailures one line per failed gate
     */
    public record Result(Path out, Path html, String exported, boolean validated, JsonNode figures,
                         List<String> gateFailures) {
    }

    public static Result run(Request r) throws RegulaException {
        Path tune = r.tune() == null ? null : tuneFolder(r.tune());
        FeatureInputs in = FeatureInputs.open(r.features(), Problem.about(OptionName.FEATURES));
        Map<String, TrainedHead> heads = TrainStep.loadHeads(r.heads(), Problem.about(OptionName.HEADS), null);
        for (Map.Entry<String, TrainedHead> e : heads.entrySet()) {
            TrainStep.checkFits(e.getKey(), e.getValue(), in, Problem.about(OptionName.HEADS));
        }
        Path model = modelFile(r.model());
        Map<String, String> meta;
        try {
            meta = OnnxModel.read(model).metadata();
        } catch (OnnxModelException e) {
            throw new RegulaException(Problem.about(OptionName.MODEL, model + " is not a readable ONNX model: " + e.getMessage()), e);
        }
        String exported = meta.get(ExportMetadata.KEY_HEAD_NAME);
        if (exported == null) {
            throw new RegulaException(Problem.about(OptionName.MODEL, model + " has no " + ExportMetadata.KEY_HEAD_NAME + " in its metadata; expected a model "
                    + "written by `regula export` or a pipeline's export stage"));
        }
        String storeData = in.store().manifest().key().dataSha256();
        if (!storeData.equals(meta.get(ExportMetadata.KEY_DATA_SHA256))) {
            throw new RegulaException(Problem.about(OptionName.MODEL, model + " was exported from data sha256 " + meta.get(ExportMetadata.KEY_DATA_SHA256)
                    + ", but the features in " + in.store().dir() + " come from data sha256 " + storeData));
        }
        boolean isEnsemble = ExportStep.ENSEMBLE.equals(exported);
        if (isEnsemble && r.ensemble() == null) {
            throw new RegulaException(Problem.about(OptionName.ENSEMBLE, model + " exports an ensemble; give the `regula ensemble` output it "
                    + "was built from"));
        }
        // An ensemble's soup exported alone: its weights are rebuilt from --ensemble, not found in --heads.
        boolean isSoup = EnsembleConfig.SOUP.equals(exported) && !heads.containsKey(exported);
        if (isSoup) {
            checkSoup(r, model, meta);
        } else if (!isEnsemble && !heads.containsKey(exported)) {
            throw new RegulaException(Problem.about(OptionName.HEADS, model + " exports head '" + exported + "', which " + r.heads()
                    + " does not hold; its heads are " + heads.keySet()));
        }
        JsonNode ensembleReport = r.ensemble() == null ? null : ensembleReport(r.ensemble());
        JsonNode figures;
        Map<String, Object> timings;
        if (r.validation() != null) {
            Path dir = r.validation().toAbsolutePath().normalize();
            figures = validationReport(dir);
            if (!exported.equals(figures.path("head").asText())) {
                throw new RegulaException(Problem.about(OptionName.VALIDATION, dir + " validated '" + figures.path("head").asText() + "', but "
                        + model + " exports '" + exported + "'"));
            }
            timings = validateTimings(dir.resolve(Manifest.FILE));
        } else {
            if (r.gates().maxParityError() != null) {
                throw new RegulaException(Problem.about(OptionName.MAX_PARITY_ERROR, "needs ", OptionName.VALIDATION, " (the parity of the exported model on "
                        + "ONNX Runtime comes from a validate stage output)"));
            }
            Function<FeatureMatrix, float[][]> reference = isEnsemble
                    ? EnsembleStep.loadFolder(r.ensemble(), r.heads(), in)::predictProba
                    : isSoup ? ExportStep.soupMember(EnsembleStep.loadFolder(r.ensemble(), r.heads(), in)).head()::predictProba
                    : heads.get(exported)::predictProba;
            figures = referenceFigures(exported, in, reference);
            timings = Map.of();
        }
        List<String> failures = Gates.failures(r.gates(), figures);
        ReportPage page = new ReportPage(r.title() == null ? DEFAULT_TITLE : r.title(), heads, figures, r.validation() != null,
                timings, failures, ensembleReport, model, tune);
        Path out = r.out().toAbsolutePath().normalize();
        OutputFolder.write(out, OptionName.OUT, HTML, staging -> {
            writeInto(page, staging);
            return null;
        });
        return new Result(out, out.resolve(HTML), exported, r.validation() != null, figures, failures);
    }

    /**
     * A model that exports an ensemble's soup needs that ensemble (--ensemble), whose recorded soup
     * must be the one in the model's metadata when the model has it ({@code regula export --soup}
     * and the pipeline write it; {@code regula export --head ENS/members/soup.json} does not).
     */
    private static void checkSoup(Request r, Path model, Map<String, String> meta) throws RegulaException {
        if (r.ensemble() == null) {
            throw new RegulaException(Problem.about(OptionName.ENSEMBLE, model + " exports the soup member of an ensemble ('"
                    + EnsembleConfig.SOUP + "' is not a head of " + r.heads() + "); give the `regula ensemble` output it "
                    + "was built from"));
        }
        Path saved = r.ensemble().toAbsolutePath().normalize().resolve(EnsembleStep.ENSEMBLE);
        if (!Files.isRegularFile(saved)) {
            throw new RegulaException(Problem.about(OptionName.ENSEMBLE, r.ensemble().toAbsolutePath().normalize() + " holds no "
                    + EnsembleStep.ENSEMBLE + "; expected the output folder of `regula ensemble` or a pipeline's work/ensemble"));
        }
        JsonNode soup = ExportStep.soupRecord(saved);
        if (!soup.hasNonNull("kind")) {
            throw new RegulaException(Problem.about(OptionName.ENSEMBLE, saved + " records no soup member, but " + model + " exports '"
                    + EnsembleConfig.SOUP + "'"));
        }
        String recorded = meta.get(ExportMetadata.KEY_SOUP);
        if (recorded != null && !recorded.equals(Json.compact(soup))) {
            throw new RegulaException(Problem.about(OptionName.ENSEMBLE, "the soup " + saved + " records (" + Json.compact(soup) + ") is not the one "
                    + model + " exports (" + recorded + ")"));
        }
    }

    /** Writes {@code index.html} into {@code staging}. */
    static void writeInto(ReportPage page, Path staging) throws RegulaException {
        try {
            Files.write(staging.resolve(HTML), page.html().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw RegulaException.atKey("report", e);
        }
    }

    /** The page with the measured-timings element's content blanked: what stays byte-identical across reruns. */
    public static String maskTimings(String html) {
        int b = html.indexOf(TIMINGS_BEGIN);
        int e = html.indexOf(TIMINGS_END);
        if (b < 0 || e < b) {
            return html;
        }
        return html.substring(0, b + TIMINGS_BEGIN.length()) + "(masked)" + html.substring(e);
    }

    /** A validate stage's measured timings, from its manifest; empty when there is no manifest yet. */
    static Map<String, Object> validateTimings(Path manifest) throws RegulaException {
        if (!Files.isRegularFile(manifest)) {
            return Map.of();
        }
        try {
            return Json.read(manifest, Manifest.class).timings();
        } catch (IOException e) {
            throw new RegulaException("report: cannot read " + manifest + ": " + e.getMessage(), e);
        }
    }

    /** Checks the tune folder up front, so a wrong path fails before any work, naming the option. */
    private static Path tuneFolder(Path given) throws RegulaException {
        Path d = given.toAbsolutePath().normalize();
        try {
            TuneFolder.read(d);
        } catch (RegulaException e) {
            throw new RegulaException(Problem.about(OptionName.TUNE, e.getMessage()), e);
        }
        return d;
    }

    private static Path modelFile(Path given) throws RegulaException {
        Path p = given.toAbsolutePath().normalize();
        Path f = Files.isDirectory(p) ? p.resolve(ExportStep.MODEL) : p;
        if (!Files.isRegularFile(f)) {
            throw new RegulaException(Problem.about(OptionName.MODEL, (Files.isDirectory(p) ? p + " holds no " + ExportStep.MODEL
                    : "not found: " + p) + "; expected the output folder of `regula export`, a pipeline's work/export, "
                    + "or its model.onnx"));
        }
        return f;
    }

    private static JsonNode validationReport(Path dir) throws RegulaException {
        Path f = dir.resolve(ValidateStep.REPORT);
        if (!Files.isRegularFile(f)) {
            throw new RegulaException(Problem.about(OptionName.VALIDATION, (Files.isDirectory(dir) ? dir + " holds no " + ValidateStep.REPORT
                    : "folder not found: " + dir) + "; expected a pipeline's work/validate"));
        }
        try {
            JsonNode v = Json.MAPPER.readTree(f.toFile());
            if (!v.has("parity") || !v.has("accuracy") || !v.has("head")) {
                throw new RegulaException(Problem.about(OptionName.VALIDATION, f + " is not a validate stage report (no head, accuracy "
                        + "or parity)"));
            }
            return v;
        } catch (IOException e) {
            throw new RegulaException(Problem.about(OptionName.VALIDATION, "cannot read " + f + ": " + e.getMessage()), e);
        }
    }

    private static JsonNode ensembleReport(Path dir) throws RegulaException {
        Path d = dir.toAbsolutePath().normalize();
        Path f = d.resolve(EnsembleStep.REPORT);
        if (!Files.isRegularFile(f)) {
            throw new RegulaException(Problem.about(OptionName.ENSEMBLE, (Files.isDirectory(d) ? d + " holds no " + EnsembleStep.REPORT
                    : "folder not found: " + d) + "; expected the output folder of `regula ensemble` or a pipeline's "
                    + "work/ensemble"));
        }
        try {
            return Json.MAPPER.readTree(f.toFile());
        } catch (IOException e) {
            throw new RegulaException(Problem.about(OptionName.ENSEMBLE, "cannot read " + f + ": " + e.getMessage()), e);
        }
    }

    /**
     * The test figures validate reports, computed by the Java reference (the exported head or
     * ensemble on the stored test features, as validate's reference side), without parity.
     */
    private static JsonNode referenceFigures(String exported, FeatureInputs in, Function<FeatureMatrix, float[][]> reference)
            throws RegulaException {
        var store = in.store();
        if (!store.splitNames().contains("test") || store.split("test").rows() == 0) {
            throw new RegulaException(Problem.about(OptionName.FEATURES, store.dir() + " has no test rows; the report's test figures need "
                    + "them (or give ", OptionName.VALIDATION, ")"));
        }
        try {
            FeatureMatrix test = store.split("test");
            ClassificationMetrics m = ClassificationMetrics.of(reference.apply(test), test.labels());
            double train = ClassificationMetrics.of(reference.apply(store.split("train")), store.split("train").labels())
                    .accuracy();
            ObjectNode v = Json.MAPPER.createObjectNode();
            v.put("head", exported);
            v.put("test_rows", test.rows());
            v.put("accuracy", m.accuracy());
            v.put("macro_f1", m.macroF1());
            v.put("nll", m.nll());
            v.put("ece", m.ece());
            v.set("calibration", Json.MAPPER.valueToTree(m.reliability().stream().filter(b -> b.count() > 0).toList()));
            v.put("train_accuracy", train);
            v.put("generalization_gap", train - m.accuracy());
            return v;
        } catch (EnsembleException e) {
            throw RegulaException.atKey("report", e);
        }
    }
}
