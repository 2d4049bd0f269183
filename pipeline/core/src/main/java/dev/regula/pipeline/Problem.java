package dev.regula.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What is wrong with a user's input, as data: the option or spec key at fault, the file and line,
 * what was expected and what was found, and the words that explain it. The words may name options
 * ({@link OptionName} parts of {@link #text}); a front end renders them in its own spelling with
 * {@link #render}, so the same problem reads {@code --members: ...} on the command line and
 * {@code <members>: ...} in a Maven build.
 *
 * @param option the request option at fault, or null
 * @param keyPath the spec key path at fault ({@code ensemble.soup.of[1]}), or null
 * @param file the file at fault, or null
 * @param line its 1-based line, or 0 when the problem concerns the whole file
 * @param expected what was expected ({@code HEAD:COUNT}), or null; the text already says it in words
 * @param found the value found, or null
 * @param text the explanation: {@link String} and {@link OptionName} parts, joined when rendered
 */
public record Problem(OptionName option, String keyPath, Path file, long line, String expected, String found, List<Object> text) {
    public Problem {
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0 (0 = the whole file), got " + line);
        }
        if (keyPath != null && keyPath.isEmpty()) {
            keyPath = null;
        }
        text = List.copyOf(text);
        for (Object part : text) {
            if (!(part instanceof String) && !(part instanceof OptionName)) {
                throw new IllegalArgumentException("text parts are strings and options, got " + part.getClass().getName());
            }
        }
    }

    /** A problem with no subject: {@code text} is the whole message. */
    public static Problem of(Object... text) {
        return new Problem(null, null, null, 0, null, null, List.of(text));
    }

    /** A problem with request option {@code option}: rendered {@code OPTION: text}. */
    public static Problem about(OptionName option, Object... text) {
        return new Problem(Objects.requireNonNull(option, "option"), null, null, 0, null, null, List.of(text));
    }

    /** A problem at {@code keyPath} of spec {@code file}: rendered {@code FILE: KEY: text}. */
    public static Problem at(Path file, String keyPath, Object... text) {
        return new Problem(null, keyPath, file, 0, null, null, List.of(text));
    }

    /** A problem at spec key path {@code keyPath} (no file): rendered {@code KEY: text}. */
    public static Problem atKey(String keyPath, Object... text) {
        return new Problem(null, Objects.requireNonNull(keyPath, "keyPath"), null, 0, null, null, List.of(text));
    }

    /**
     * This problem with {@code more} text appended; a subject with no text yet
     * ({@code Problem.about(OptionName.HEADS)}) is how helpers shared by several callers learn what to name.
     */
    public Problem says(Object... more) {
        List<Object> t = new ArrayList<>(text);
        t.addAll(List.of(more));
        return new Problem(option, keyPath, file, line, expected, found, t);
    }

    /** This problem, also naming the spec key path that {@link #option} sets. */
    public Problem withKeyPath(String path) {
        return new Problem(option, path, file, line, expected, found, text);
    }

    /** This problem, set by request option {@code o} instead of a spec file's key. */
    public Problem withOption(OptionName o) {
        return new Problem(o, keyPath, o == null ? file : null, o == null ? line : 0, expected, found, text);
    }

    /** This problem, located in {@code f} at 1-based {@code l} (0 = the whole file). */
    public Problem withFile(Path f, long l) {
        return new Problem(option, keyPath, f, l, expected, found, text);
    }

    /** This problem with what was expected and what was found, as data. */
    public Problem withExpected(String exp, String fnd) {
        return new Problem(option, keyPath, file, line, exp, fnd, text);
    }

    /** The explanation alone, options spelled by {@code spelling}. */
    public String detail(Function<OptionName, String> spelling) {
        StringBuilder b = new StringBuilder();
        for (Object part : text) {
            b.append(part instanceof OptionName o ? spelling.apply(o) : (String) part);
        }
        return b.toString();
    }

    /**
     * The whole message, options spelled by {@code spelling}: {@code OPTION (KEY): text} for an
     * option, {@code FILE[:LINE]: KEY: text} for a spec file's key, {@code KEY: text} for a key alone.
     */
    public String render(Function<OptionName, String> spelling) {
        List<String> prefix = new ArrayList<>(2);
        if (option != null) {
            prefix.add(spelling.apply(option) + (keyPath == null ? "" : " (" + keyPath + ")"));
        } else {
            if (file != null) {
                prefix.add(line > 0 ? file + ":" + line : file.toString());
            }
            if (keyPath != null) {
                prefix.add(keyPath);
            }
        }
        prefix.add(detail(spelling));
        return String.join(": ", prefix);
    }

    /** The neutral spelling of an option: its {@link OptionName#key()}. */
    public static String neutral(OptionName o) {
        return o.key();
    }
}
