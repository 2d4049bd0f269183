package dev.regula.maven;

import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Interrupts;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;

/**
 * How the Mojos spell core's {@link OptionName}s and keys: the one place that maps an error's
 * neutral option to a parameter ({@code TOP_K} to {@code <topK>}, set as {@code -Dregula.topK}).
 */
final class Parameters {
    private Parameters() {
    }

    /** {@code min_macro_f1} to {@code minMacroF1}: a key as the goals' parameters spell it. */
    static String name(String key) {
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (char c : key.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    /** The parameter that sets {@code option}, as a POM names it: {@code <featureModel>}. */
    static String element(OptionName option) {
        return "<" + name(option.key()) + ">";
    }

    /** The error's message with options spelled as parameters. */
    static String message(RegulaException e) {
        return e.render(Parameters::element);
    }

    /** A user error of {@code goal}, failing the build with the message in the POM's words. */
    static MojoFailureException failure(String goal, RegulaException e) {
        return new MojoFailureException(goal + ": " + message(e), e);
    }

    /**
     * An unchecked failure of {@code goal} while {@code doing} (e.g. "running spec.yaml"): a bug in
     * Regula, except when a signal is stopping Maven and core refused to commit; that one says
     * "interrupted", since the build is ending anyway and nothing is wrong with Regula or the input.
     */
    static MojoExecutionException unexpected(String goal, String doing, RuntimeException e) {
        if (Interrupts.isShutdown(e)) {
            return new MojoExecutionException(goal + ": interrupted while " + doing
                    + ": the process is shutting down; the unfinished output was removed, nothing was committed", e);
        }
        return new MojoExecutionException(goal + ": unexpected failure " + doing + ": " + e, e);
    }
}
