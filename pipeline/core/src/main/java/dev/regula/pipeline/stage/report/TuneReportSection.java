package dev.regula.pipeline.stage.report;

import static dev.regula.pipeline.stage.report.ReportPage.esc;

import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.stage.report.TuneFolder.TunedHead;
import dev.regula.transfer.tune.Selection;
import dev.regula.transfer.tune.TrialResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The "Regularization search" section of {@code report/index.html}: per tuned head a summary of the
 * choice, a validation curve per searched knob, and for halving a rung chart; then the verdict table.
 * Every figure is a function of the tune stage's {@code trials.jsonl} and {@code selection.json}, so
 * the section is byte-identical for equal tune outputs.
 */
public final class TuneReportSection {
    /** Anchor of the section, for links and tests. */
    public static final String ID = "tune";

    private TuneReportSection() {
    }

    /**
     * The section for a tune stage folder (a pipeline's {@code work/tune}, or {@code regula tune --out}).
     *
     * @throws RegulaException naming the file (and line) when the folder holds no readable tune output
     */
    public static String render(Path tuneDir) throws RegulaException {
        List<TunedHead> heads = TuneFolder.read(tuneDir);
        try {
            return render(heads);
        } catch (IOException e) {
            throw new RegulaException(Problem.atKey("report", "cannot draw the tune plots: " + e.getMessage()), e);
        }
    }

    /** The section for tuned heads already in memory (the tune library's records). */
    static String render(List<TunedHead> heads) throws IOException {
        StringBuilder html = new StringBuilder();
        html.append("<h2 id=\"").append(ID).append("\">Regularization search (tune)</h2>\n");
        html.append("<p class=\"note\">Scores are mean negative log-likelihoods over the cross-validation folds of "
                + "train+val (the test split is never read by tune); SE is the standard error of that mean over folds. "
                + "<i>min</i> takes the lowest mean CV NLL; <i>one_se</i> takes the most regularized trial within one SE "
                + "of it (glmnet's lambda.1se).</p>\n");
        html.append("<h3>Verdicts</h3>\n");
        VerdictTable.append(html, heads);
        for (TunedHead h : heads) {
            head(html, h);
        }
        return html.toString();
    }

    private static void head(StringBuilder html, TunedHead h) throws IOException {
        Selection s = h.selection();
        long full = h.trials().stream().filter(t -> t.status() == TrialResult.Status.COMPLETED).count();
        html.append("<h3>Head ").append(esc(h.head())).append("</h3>\n<p>Rule <b>").append(s.rule().yamlName())
                .append("</b> chose trial <b>").append(esc(s.winner().id())).append("</b> ")
                .append(esc(params(s.winner()))).append(" with CV NLL ").append(ReportPage.num(s.winner().meanValNll()))
                .append("; the minimum is trial ").append(esc(s.minTrial().id())).append(" ")
                .append(esc(params(s.minTrial()))).append(" with ").append(ReportPage.num(s.minTrial().meanValNll()))
                .append(" &plusmn; ").append(ReportPage.num(s.minTrial().standardError()))
                .append(" (one-SE bound ").append(ReportPage.num(s.threshold())).append("). ")
                .append(h.trials().size()).append(" trials, ").append(full).append(" ran the full budget")
                .append(s.refitEpochs() == null ? "" : "; refit on train+val for " + s.refitEpochs() + " epochs")
                .append(".</p>\n");
        for (KnobCurve c : KnobCurve.of(h.trials(), s)) {
            if (c.points().isEmpty()) {
                // e.g. only the baseline ran the full budget: a curve needs searched trials
                html.append("<p class=\"note\">No validation curve for ").append(esc(c.knob().path()))
                        .append(": no searched trial that sets it ran the full budget.</p>\n");
                continue;
            }
            ReportPage.img(html, "validation curve of " + h.head() + " " + c.knob().path(),
                    TunePlots.png(TunePlots.validationCurve(h.head(), c)));
            html.append("<p class=\"note\">").append(esc(caption(c))).append("</p>\n");
        }
        if (TunePlots.halved(h.trials())) {
            ReportPage.img(html, "halving rungs of " + h.head(),
                    TunePlots.png(TunePlots.rungChart(h.head(), h.trials(), s.winner().id())));
            html.append("<p class=\"note\">Successive halving: each line is a trial's mean CV NLL at each rung it "
                    + "reached; a grey cross marks where a trial was stopped, a blue circle a trial that ran the full "
                    + "budget, the black line the chosen trial. Only full-budget trials were eligible for the "
                    + "choice and appear on the validation curves.</p>\n");
        }
    }

    /** What the curve shows, in words: a profile is not a slice, and the reader should know. */
    static String caption(KnobCurve c) {
        String s = "Mean CV NLL (solid, ±1 SE band) and mean train NLL (dashed) against " + c.knob().path()
                + (c.logX() ? " on a log axis" : "") + "; " + c.strongerSide() + ". ";
        if (c.profile()) {
            s += "Several knobs were searched: this is a profile, each point the best trial (lowest mean CV NLL) over "
                    + "the other knobs' values at that value of " + c.knob().path() + ". ";
        }
        s += "Red: the minimum (" + VerdictTable.fmt(valueOrNaN(c.minimum(), c)) + "); black: the 1-SE choice ("
                + VerdictTable.fmt(valueOrNaN(c.oneSe(), c)) + "), the most regularized trial under the dotted "
                + "min + 1 SE line.";
        if (c.baseline() != null) {
            s += " Green triangle: the configured setting (" + VerdictTable.fmt(c.baseline().config().value(c.knob()))
                    + ").";
        }
        return s;
    }

    private static double valueOrNaN(TrialResult t, KnobCurve c) {
        Double v = t.config().value(c.knob());
        return v == null ? Double.NaN : v;
    }

    private static String params(TrialResult t) {
        StringBuilder b = new StringBuilder("(");
        t.config().params().forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k.path()).append(" = ")
                .append(v == null ? "unset" : VerdictTable.fmt(v)));
        return b.append(')').toString();
    }
}
