package dev.regula.models.runtime;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns ONNX Runtime's exception text into the part a user can act on. */
final class OrtErrors {
    private static final Pattern JAVA_PREFIX = Pattern.compile("^Error code - \\w+ - message: ");
    private static final String NATIVE_MARK = "[ONNXRuntimeError] : ";
    private static final Pattern STATUS_PREFIX = Pattern.compile("^\\d+ : \\w+ : ");

    private OrtErrors() {
    }

    /**
     * ONNX Runtime's reason without the Java error-code wrapper or the native source location
     * ({@code /onnxruntime_src/...cc:1844 onnxruntime::Provider& ... [ONNXRuntimeError] : 1 : FAIL :}),
     * on one line.
     */
    static String reason(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        m = JAVA_PREFIX.matcher(m.strip()).replaceFirst("");
        int mark = m.lastIndexOf(NATIVE_MARK);
        if (mark >= 0) {
            m = m.substring(mark + NATIVE_MARK.length());
        }
        Matcher status = STATUS_PREFIX.matcher(m);
        m = status.replaceFirst("");
        return m.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
