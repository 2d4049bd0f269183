package dev.regula.cli;

import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.RegulaException;

/**
 * How the command line spells core's {@link OptionName}s: the one place that maps an error's neutral
 * option to a flag ({@code TOP_K} to {@code --top-k}). Every option is a flag of some command
 * with that spelling; a test checks it.
 */
final class CliOptions {
    private CliOptions() {
    }

    /** The flag that sets {@code option}: {@code --} and its key with dashes, {@code --feature-model}. */
    static String flag(OptionName option) {
        return "--" + option.key().replace('_', '-');
    }

    /** The error's message as the command line says it. */
    static String message(RegulaException e) {
        return e.render(CliOptions::flag);
    }
}
