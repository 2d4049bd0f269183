package dev.regula.models;

/**
 * The little JSON writing {@code models} needs (model info, parity reports); the module may depend
 * on protobuf and ONNX Runtime only, so no JSON library.
 */
public final class Json {
    private Json() {
    }

    /** A JSON string literal: quotes, backslashes and every control character escaped. */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    // U+2028/2029 are legal JSON but break JavaScript string literals; escape them too.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A JSON number, or {@code null} for NaN and the infinities, which JSON cannot spell. */
    public static String number(double d) {
        if (!Double.isFinite(d)) {
            return "null";
        }
        // Double.toString output such as 0.0, 2.5E-7 or 1.0E10 is valid JSON number syntax.
        return Double.toString(d);
    }
}
