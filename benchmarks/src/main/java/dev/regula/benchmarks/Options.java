package dev.regula.benchmarks;

import java.util.Map;

/** {@code --key value} command-line options over a map of defaults, shared by every benchmark. */
final class Options {
    private Options() {
    }

    /**
     * Overwrites {@code defaults} with the {@code --key value} pairs of {@code args} and returns it.
     *
     * @throws IllegalArgumentException for a key that has no default, or a key without a value
     */
    static Map<String, String> parse(Map<String, String> defaults, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String k = args[i].replaceFirst("^--", "");
            if (!defaults.containsKey(k) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option or missing value '" + args[i] + "'; options: "
                        + defaults.keySet());
            }
            defaults.put(k, args[++i]);
        }
        return defaults;
    }
}
