package dev.regula.models.runtime;

/**
 * The two JSON primitives the reports need. Hand-written because {@code models} may depend on
 * protobuf and ONNX Runtime only.
 */
final class Json {
    private Json() {
    }

    /** A JSON string literal: quotes, backslashes and every control character escaped. */
    static String string(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    // U+2028/U+2029 are legal JSON but break JavaScript embedding (HTML reports).
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A JSON number, or {@code null} for NaN and the infinities, which JSON cannot spell. */
    static String number(double d) {
        if (!Double.isFinite(d)) {
            return "null";
        }
        // Double.toString output such as 0.0, 2.5E-7 or 1.0E10 is valid JSON number syntax.
        return Double.toString(d);
    }
}
