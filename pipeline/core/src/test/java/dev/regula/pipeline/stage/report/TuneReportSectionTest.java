package dev.regula.pipeline.stage.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.pipeline.RegulaException;
import dev.regula.transfer.tune.Selection;
import dev.regula.transfer.tune.TrialResult;
import dev.regula.transfer.tune.TuneSpec;
import dev.regula.transfer.tune.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TuneReportSectionTest {

    @Test
    void selectionReadsBackAsTheLibraryWroteIt(@TempDir Path dir) throws Exception {
        List<TrialResult> trials = TuneReportFixtures.halvingTrials();
        Selection written = TuneReportFixtures.select(TuneSpec.Rule.ONE_SE, TuneReportFixtures.halvingSpace(), trials, 6);
        TuneReportFixtures.write(dir, trials, written);
        List<TuneFolder.TunedHead> heads = TuneFolder.read(dir);
        assertThat(heads).hasSize(1);
        assertThat(heads.get(0).head()).isEqualTo(dir.getFileName().toString());
        Selection read = heads.get(0).selection();
        // the strongest test of the round trip: the library writes the read selection to the same bytes
        assertThat(read.toJson()).isEqualTo(written.toJson());
        assertThat(read.eligible()).isEqualTo(written.eligible());
    }

    @Test
    void sectionHasTheVerdictTableCurvesAndRungChart(@TempDir Path dir) throws Exception {
        String html = TuneReportSection.render(TuneReportFixtures.twoHeads(dir));
        assertThat(html).contains("id=\"tune\"", "<h3>Head linear</h3>", "<h3>Head mlp</h3>");
        // linear: configured l2 = 1e-4 is under-regularized; the 1-SE choice l2 = 1 is inside the range searched
        String linear = row(html, "linear", "l2");
        assertThat(linear).contains("under-regularized", ">1e-04<", ">1<", "0.3000 &plusmn; 0.0071")
                .doesNotContain("at the edge");
        // mlp: no baseline, so the range searched is shown; the choice sits at the top of both knobs' ranges
        String rate = row(html, "mlp", "dropout.rate");
        assertThat(rate).contains("searched [0, 0.5]", "about right",
                "at the edge (highest value searched): widen the range toward stronger settings");
        assertThat(row(html, "mlp", "weight_decay")).contains("at the edge (highest value searched)");
        // 1 + 2 validation curves and 1 rung chart, each a decodable PNG
        List<byte[]> pngs = pngs(html);
        assertThat(pngs).hasSize(4);
        for (byte[] p : pngs) {
            TunePlotsTest.assertPng(p);
        }
        assertThat(html).contains("alt=\"halving rungs of mlp\"").doesNotContain("halving rungs of linear");
        assertThat(html).contains("this is a profile", "Successive halving", "refit on train+val for 6 epochs");
        // a function of the files only: the same folder renders the same bytes
        assertThat(TuneReportSection.render(dir)).isEqualTo(html);
    }

    @Test
    void chromiumDecodesEveryPlotOfTheSection(@TempDir Path dir) throws Exception {
        Path chromium = HeadlessChromium.find().orElse(null);
        Assumptions.assumeTrue(chromium != null, "no headless Chromium on the PATH");
        Path page = dir.resolve("section.html");
        Files.writeString(page, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>"
                + TuneReportSection.render(TuneReportFixtures.twoHeads(dir.resolve("tune"))) + "</body></html>");
        assertThat(HeadlessChromium.images(chromium, page))
                .containsExactly(Collections.nCopies(4, "true:" + TunePlots.W + "x" + TunePlots.H).toArray(String[]::new));
    }

    @Test
    void aKnobWithoutFullBudgetTrialsGetsANoteInsteadOfACurve() throws Exception {
        // only the baseline ran the full budget: it is the winner, and no searched trial can draw a curve
        List<TrialResult> trials = new java.util.ArrayList<>();
        for (TrialResult t : TuneReportFixtures.l2Trials()) {
            trials.add(t.config().baseline() ? t : t.withStatus(TrialResult.Status.STOPPED));
        }
        Selection s = TuneReportFixtures.select(TuneSpec.Rule.ONE_SE, TuneReportFixtures.l2Space(), trials, null);
        String html = TuneReportSection.render(List.of(new TuneFolder.TunedHead("linear", trials, s)));
        assertThat(html).contains("No validation curve for l2").doesNotContain("validation curve of linear");
    }

    @Test
    void verdictWordsCoverEveryKind() {
        Selection s = TuneReportFixtures.select(TuneSpec.Rule.ONE_SE, TuneReportFixtures.l2Space(),
                TuneReportFixtures.l2Trials(), null);
        Verdict v = s.verdicts().get(0);
        assertThat(VerdictTable.words(v)).isEqualTo("under-regularized");
        assertThat(VerdictTable.words(withKind(v, Verdict.Kind.OVER, Verdict.Edge.LOWEST)))
                .isEqualTo("over-regularized; at the edge (lowest value searched): widen the range toward weaker settings");
        assertThat(VerdictTable.words(withKind(v, Verdict.Kind.ABOUT_RIGHT, Verdict.Edge.NONE))).isEqualTo("about right");
    }

    @Test
    void knobValuesReadAsWrittenInYaml() {
        assertThat(List.of(0.0, 0.5, 1.0, 0.25, 1e-4, 1.5e-5, 12345.0, 3e7, 0.001))
                .extracting(VerdictTable::fmt)
                .containsExactly("0", "0.5", "1", "0.25", "1e-04", "1.5e-05", "12350", "3e+07", "0.001");
    }

    @Test
    void unreadableFilesAreNamed(@TempDir Path dir) throws Exception {
        Path head = TuneReportFixtures.twoHeads(dir).resolve("linear");
        Files.writeString(head.resolve(TuneFolder.TRIALS), "{not json}\n", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> TuneReportSection.render(dir)).isInstanceOfSatisfying(RegulaException.class, e -> {
            assertThat(e.getMessage()).startsWith(head.resolve(TuneFolder.TRIALS) + ":8: tune: ");
            assertThat(e.problem().file()).isEqualTo(head.resolve(TuneFolder.TRIALS));
            assertThat(e.problem().line()).isEqualTo(8);
        });
        Files.writeString(head.resolve(TuneFolder.TRIALS), Files.readString(head.resolve(TuneFolder.TRIALS))
                .replace("{not json}\n", ""));
        String sel = Files.readString(head.resolve(TuneFolder.SELECTION));
        Files.writeString(head.resolve(TuneFolder.SELECTION), sel.replaceFirst("\"winner\":\"t-[0-9a-f]+\"",
                "\"winner\":\"t-000000000000\""));
        assertThatThrownBy(() -> TuneReportSection.render(dir)).isInstanceOf(RegulaException.class)
                .hasMessageContaining(TuneFolder.SELECTION).hasMessageContaining("winner 't-000000000000' is not among");
        assertThatThrownBy(() -> TuneReportSection.render(dir.resolve("absent"))).isInstanceOf(RegulaException.class)
                .hasMessageContaining("folder not found");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> TuneReportSection.render(empty)).hasMessageContaining("holds no trials.jsonl");
    }

    private static Verdict withKind(Verdict v, Verdict.Kind kind, Verdict.Edge edge) {
        return new Verdict(v.knob(), kind, v.referenceId(), v.referenceValue(), v.referenceMean(), v.referenceSe(),
                v.bestStronger(), v.bestStrongerValue(), v.bestWeaker(), v.bestWeakerValue(), edge, v.referenceGap(),
                v.selectedGap(), v.advice());
    }

    /** The verdict table's row for a head and knob. */
    static String row(String html, String head, String knob) {
        Matcher m = Pattern.compile("<tr><td>" + Pattern.quote(head) + "</td><td>" + Pattern.quote(knob) + "</td>.*?</tr>")
                .matcher(html);
        assertThat(m.find()).as("row for %s %s", head, knob).isTrue();
        return m.group();
    }

    static List<byte[]> pngs(String html) {
        Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        List<byte[]> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(Base64.getDecoder().decode(m.group(1)));
        }
        return out;
    }
}
