package dev.regula.pipeline.stage.report;

import static dev.regula.pipeline.stage.report.ReportPage.esc;

import dev.regula.pipeline.stage.report.TuneFolder.TunedHead;
import dev.regula.transfer.tune.Knob;
import dev.regula.transfer.tune.TrialResult;
import dev.regula.transfer.tune.Verdict;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The verdict table: one row per tuned head and searched knob. "Configured" is the user's own setting,
 * evaluated as a baseline trial beside the search; the verdict judges it (or, without a baseline, the
 * chosen trial, and the configured column shows the range searched instead).
 */
final class VerdictTable {
    private VerdictTable() {
    }

    static void append(StringBuilder html, List<TunedHead> heads) {
        html.append("<table class=\"verdicts\"><tr><th>head</th><th>knob</th><th>configured</th><th>chosen</th>"
                + "<th>verdict</th><th>CV NLL &plusmn; SE (configured)</th><th>CV NLL &plusmn; SE (chosen)</th>"
                + "<th>train/val gap (configured)</th><th>train/val gap (chosen)</th><th>advice</th></tr>\n");
        for (TunedHead h : heads) {
            TrialResult winner = h.selection().winner();
            TrialResult baseline = h.trials().stream().filter(t -> t.config().baseline()).findFirst().orElse(null);
            for (Verdict v : h.selection().verdicts()) {
                boolean judgedBaseline = baseline != null && baseline.id().equals(v.referenceId());
                html.append("<tr><td>").append(esc(h.head())).append("</td><td>").append(esc(v.knob().path()))
                        .append("</td><td>").append(judgedBaseline ? value(v.referenceValue()) : "searched " + range(h, v.knob()))
                        .append("</td><td>").append(value(winner.config().value(v.knob())))
                        .append("</td><td class=\"").append(cssClass(v)).append("\">").append(esc(words(v)))
                        .append("</td><td>").append(judgedBaseline ? pm(baseline) : "&mdash;")
                        .append("</td><td>").append(pm(winner))
                        .append("</td><td>").append(judgedBaseline ? ReportPage.num(v.referenceGap()) : "&mdash;")
                        .append("</td><td>").append(ReportPage.num(winner.gap()))
                        .append("</td><td class=\"spec\">").append(esc(v.advice())).append("</td></tr>\n");
            }
        }
        html.append("</table>\n");
    }

    /** The verdict in words, with the edge warning, as the table shows it. */
    static String words(Verdict v) {
        String w = switch (v.kind()) {
            case UNDER -> "under-regularized";
            case OVER -> "over-regularized";
            case ABOUT_RIGHT -> "about right";
            case NOT_ORDERED -> "no direction (not judged)";
        };
        if (v.edge() != Verdict.Edge.NONE) {
            w += "; at the edge (" + v.edge().jsonName() + " value searched): widen the range";
            if (v.knob().ordered()) {
                boolean towardStronger = (v.edge() == Verdict.Edge.HIGHEST) == (v.knob().direction() > 0);
                w += " toward " + (towardStronger ? "stronger" : "weaker") + " settings";
            }
        }
        return w;
    }

    private static String cssClass(Verdict v) {
        return switch (v.kind()) {
            case UNDER, OVER -> "fail verdict";
            case ABOUT_RIGHT -> "ok verdict";
            case NOT_ORDERED -> "verdict";
        };
    }

    /** The values tried for {@code k} (baseline excluded), as [lowest, highest]. */
    private static String range(TunedHead h, Knob k) {
        DoubleSummaryStatistics s = h.trials().stream().filter(t -> !t.config().baseline())
                .map(t -> t.config().value(k)).filter(Objects::nonNull).mapToDouble(Double::doubleValue).summaryStatistics();
        return s.getCount() == 0 ? "(none)" : "[" + fmt(s.getMin()) + ", " + fmt(s.getMax()) + "]";
    }

    private static String pm(TrialResult t) {
        // with a single fold (the fixed val split) the SE is unknown, not zero
        return ReportPage.num(t.meanValNll()) + (t.folds().size() < 2 ? " (1 fold)"
                : " &plusmn; " + ReportPage.num(t.standardError()));
    }

    private static String value(Double v) {
        return v == null ? "unset" : fmt(v);
    }

    /**
     * A knob value as people write it in YAML: 4 significant digits without trailing zeros, plain between 0.001 and
     * 10⁵ ({@code 0.5}, {@code 1}), else scientific ({@code 1e-04}).
     */
    static String fmt(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v == 0 ? "0" : Double.toString(v);
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e5) {
            return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
        }
        String s = String.format(Locale.ROOT, "%.3e", v); // e.g. 1.000e-04
        int e = s.indexOf('e');
        String mantissa = s.substring(0, e).replaceAll("0+$", "").replaceAll("\\.$", "");
        return mantissa + s.substring(e);
    }
}
