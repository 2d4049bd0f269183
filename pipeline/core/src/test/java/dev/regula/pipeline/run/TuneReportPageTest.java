package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * The tune section on the real report page: the pipeline's report stage shows it once a tune folder sits in the
 * work folder (and reruns when it appears), {@code ReportStep} shows it for an explicit folder, and headless
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
        spec = TinyPipeline.writeSpec(inputs, TinyPipeline.spec() + "report: {title: Tuned}\n");
        work = inputs.resolve("work");
        RunResult r = Pipeline.run(new RunRequest(spec, work, null, false, null));
        assertThat(r.outcomes()).containsEntry(StageName.REPORT, RunResult.Outcome.RAN);
        assertThat(Files.readString(work.resolve("report/index.html"))).doesNotContain(SECTION);
        // as the tune stage will leave it; the report stage picks the folder up by its name
        TuneReportFixtures.twoHeads(work.resolve("tune"));
    }

    @Test
    void theReportStageShowsTheTuneSectionAndFollowsTheTuneFolder() throws Exception {
        RunResult r = Pipeline.run(new RunRequest(spec, work, null, false, null));
        assertThat(r.outcomes()).containsEntry(StageName.REPORT, RunResult.Outcome.RAN);
        String page = Files.readString(work.resolve("report/index.html"));
        assertThat(page).contains(SECTION, "under-regularized", "Head linear", "Head mlp", "Provenance");
        assertThat(page.indexOf(SECTION)).isLessThan(page.indexOf("<h2>Provenance"));
        // 3 plots of the page before, 3 validation curves and 1 rung chart
        assertThat(page.split("src=\"data:image/png;base64,iVBORw0KGgo", -1)).hasSize(8);
        assertThat(Pipeline.run(new RunRequest(spec, work, null, false, null)).outcomes())
                .containsEntry(StageName.REPORT, RunResult.Outcome.UP_TO_DATE);

        Path chromium = HeadlessChromium.find().orElse(null);
        Assumptions.assumeTrue(chromium != null, "no headless Chromium on the PATH");
        List<String> images = HeadlessChromium.images(chromium, work.resolve("report/index.html"));
        assertThat(images).hasSize(7).allSatisfy(i -> assertThat(i).startsWith("true:").doesNotEndWith(":0x0"));
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
                .hasMessageStartingWith("--tune: ").hasMessageContaining("no-such-tune");
        // without a tune folder (the request as written before tune existed) there is no section
        ReportStep.Request none = new ReportStep.Request(base.features(), base.heads(), null, base.model(),
                base.validation(), null, null, out);
        assertThat(Files.readString(ReportStep.run(none).html())).doesNotContain(SECTION);
    }
}
