package dev.regula.transfer.tune;

import java.util.Locale;

/**
 * What the search says about one knob.
 *
 * @param knob the knob
 * @param kind under | over | about_right | not_ordered (learning_rate, l1_ratio)
 * @param referenceId the trial judged: the user's baseline when one ran, else the selected trial
 * @param referenceValue its value of the knob (null: unset, e.g. no max_norm)
 * @param referenceMean its mean CV NLL
 * @param referenceSe its standard error
 * @param bestStronger the best mean CV NLL among trials more regularized on this knob (NaN: none)
 * @param bestStrongerValue that trial's value of the knob
 * @param bestWeaker the best mean CV NLL among trials less regularized on this knob (NaN: none)
 * @param bestWeakerValue that trial's value of the knob
 * @param edge whether the selected value sits at the lowest or highest value searched
 * @param referenceGap the reference's val − train NLL
 * @param selectedGap the selected trial's val − train NLL
 * @param advice one line for people
 */
public record Verdict(Knob knob, Kind kind, String referenceId, Double referenceValue, double referenceMean,
        double referenceSe, double bestStronger, Double bestStrongerValue, double bestWeaker, Double bestWeakerValue,
        Edge edge, double referenceGap, double selectedGap, String advice) {

    /** The verdict proper. */
    public enum Kind {
        UNDER, OVER, ABOUT_RIGHT, NOT_ORDERED;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where the selected value sits within the values searched. */
    public enum Edge {
        NONE, LOWEST, HIGHEST;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
