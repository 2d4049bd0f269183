package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.stage.Pipeline;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.stage.report.HeadlessChromium;
import dev.regula.pipeline.stage.report.ReportStep;
import dev.regula.pipeline.stage.report.TuneReportFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tune section on the real report page: the pipeline's report stage shows the tune stage's results (and only
 * when the spec tunes a head), {@code ReportStep} shows it for an explicit folder, and headless
 * Chromium decodes every PNG of the page.
 */
class TuneReportPageTest {
    private static final String SECTION = "<h2 id=\"tune\">";
    @TempDir
    static Path inputs;
    static Path spec;
    static Path work;

    @BeforeAll
    static void runOnce() throws Exception {
        TinyPipeline.writeInputs(inputs, 11);
        spec = TinyPipeline.writeSpec(inputs, TinyPipeline.spec() + "report: {title: Plain}\n");
        work = inputs.resolve("work");
        RunResult r = Pipeline.run(new RunRequest(spec, work, null, false, null));
        assertThat(r.outcomes()).containsEntry(StageName.REPORT, RunResult.Outcome.RAN);
        // a stray tune folder is not the tune stage's: a spec that tunes nothing shows no section
        TuneReportFixtures.twoHeads(work.resolve("tune"));
        assertThat(Pipeline.run(new RunRequest(spec, work, null, false, null)).outcomes())
                .containsEntry(StageName.REPORT, RunResult.Outcome.UP_TO_DATE);
        assertThat(Files.readString(work.resolve("report/index.html"))).doesNotContain(SECTION);
    }

    @Test
    void theReportStageShowsTheTuneStagesCurvesAndVerdicts() throws Exception {
        Files.createDirectories(inputs.resolve("tuned"));
        TinyPipeline.writeInputs(inputs.resolve("tuned"), 11);
        Path tuned = TinyPipeline.writeSpec(inputs.resolve("tuned"), TunePipelineTest.tunedSpec() + "report: {title: Tuned}\n");
        Path tunedWork = inputs.resolve("tuned/work");
        RunResult r = Pipeline.run(new RunRequest(tuned, tunedWork, null, false, null));
        assertThat(r.outcomes()).containsEntry(StageName.TUNE, RunResult.Outcome.RAN)
                .containsEntry(StageName.REPORT, RunResult.Outcome.RAN);
        Path html = tunedWork.resolve("report/index.html");
        String page = Files.readString(html);
        assertThat(page).contains(SECTION, "Head linear", "Head mlp", "Provenance");
        assertThat(page.indexOf(SECTION)).isLessThan(page.indexOf("<h2>Provenance"));
        assertThat(Pipeline.run(new RunRequest(tuned, tunedWork, null, false, null)).outcomes())
                .containsEntry(StageName.REPORT, RunResult.Outcome.UP_TO_DATE);

        Path chromium = HeadlessChromium.find().orElse(null);
        Assumptions.assumeTrue(chromium != null, "no headless Chromium on the PATH");
        int pngs = page.split("src=\"data:image/png;base64,iVBORw0KGgo", -1).length - 1;
        List<String> images = HeadlessChromium.images(chromium, html);
        assertThat(images).hasSize(pngs).allSatisfy(i -> assertThat(i).startsWith("true:").doesNotEndWith(":0x0"));
    }

    @Test
    void reportStepTakesAnExplicitTuneFolder(@TempDir Path out) throws Exception {
        ReportStep.Request base = new ReportStep.Request(work.resolve("features"), work.resolve("train"), null,
                work.resolve("export"), work.resolve("validate"), "Tuned", new Sections.Gates(0.5, null, null), out,
                work.resolve("tune"));
        ReportStep.Result r = ReportStep.run(base);
        String page = Files.readString(r.html());
        assertThat(page).contains(SECTION, "under-regularized", "at the edge");
        ReportStep.Request missing = new ReportStep.Request(base.features(), base.heads(), null, base.model(),
                base.validation(), null, null, out, inputs.resolve("no-such-tune"));
        assertThatThrownBy(() -> ReportStep.run(missing)).isInstanceOf(RegulaException.class)
                .hasMessageStartingWith("tune: ").hasMessageContaining("no-such-tune")
                .satisfies(e -> assertThat(((RegulaException) e).problem().option()).isEqualTo(OptionName.TUNE));
        // without a tune folder (the request as written before tune existed) there is no section
        ReportStep.Request none = new ReportStep.Request(base.features(), base.heads(), null, base.model(),
                base.validation(), null, null, out);
        assertThat(Files.readString(ReportStep.run(none).html())).doesNotContain(SECTION);
    }
}
