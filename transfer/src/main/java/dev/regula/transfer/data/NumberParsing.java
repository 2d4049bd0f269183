package dev.regula.transfer.data;

import java.util.regex.Pattern;

/** Strict decimal numbers: Java's parseFloat also takes "NaN", "1f", "0x1p3", which no data file means. */
final class NumberParsing {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private NumberParsing() {}

    static float parse(String raw, String field) throws BadRow {
        String s = raw.trim();
        if (!DECIMAL.matcher(s).matches()) {
            throw new BadRow("non-numeric value", field, "non-numeric value '" + abbreviate(raw) + "' in '" + field
                    + "', expected a decimal number");
        }
        return finite(Float.parseFloat(s), raw, field);
    }

    static float finite(float v, String raw, String field) throws BadRow {
        if (!Float.isFinite(v)) {
            throw new BadRow("non-finite value", field, "value '" + abbreviate(raw) + "' in '" + field
                    + "' does not fit a finite float32");
        }
        return v;
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
