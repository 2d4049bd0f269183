package dev.regula.maven;

import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.RegulaException;
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
}
