package dev.regula.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Core names options with {@link OptionName} and lets each front end spell them; a command-line
 * flag written into a core string ({@code "--members: ..."}) would read wrong in a Maven build.
 */
class CoreSpellsNoFlagsTest {
    /** A flag: two dashes and a letter at the start of a literal or after a space or bracket. */
    private static final Pattern FLAG = Pattern.compile("(^|[\\s(\\[{,;'`])--[A-Za-z]");

    @Test
    void noStringLiteralInCoreMainSpellsAFlag() throws IOException {
        List<String> found = new ArrayList<>();
        Path root = Path.of("src/main/java");
        assertThat(root).isDirectory();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String source = Files.readString(f);
                for (Literal l : literals(source)) {
                    if (FLAG.matcher(l.text()).find()) {
                        found.add(root.relativize(f) + ":" + l.line() + ": \"" + l.text() + "\"");
                    }
                }
            }
        }
        assertThat(found).as("string literals in pipeline/core that spell a command-line flag; name an OptionName instead")
                .isEmpty();
    }

    @Test
    void theScannerSeesFlagsInLiteralsButNotInComments() {
        String source = "// --in-a-comment\n/* \"--block\" */ class A { String a = \"--members: x\"; String b = \"give --top-k\";"
                + " String c = \"rw-r--r--\"; char q = '\"'; String d = \"ok\\\" --escaped\"; }";
        List<String> hits = literals(source).stream().map(Literal::text).filter(t -> FLAG.matcher(t).find()).toList();
        assertThat(hits).containsExactly("--members: x", "give --top-k", "ok\\\" --escaped");
    }

    private record Literal(String text, int line) {
    }

    /** The string literals (text blocks included) of a Java source, comments and char literals skipped. */
    private static List<Literal> literals(String s) {
        List<Literal> out = new ArrayList<>();
        int line = 1;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (s.startsWith("//", i)) {
                i = s.indexOf('\n', i) < 0 ? s.length() : s.indexOf('\n', i);
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
                line += count(s, i, end);
                i = end;
            } else if (c == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != '\'') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                end = end < 0 ? s.length() : end;
                out.add(new Literal(s.substring(i + 3, end), line));
                line += count(s, i, end);
                i = end + 3;
            } else if (c == '"') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != '"') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                out.add(new Literal(s.substring(i + 1, Math.min(j, s.length())), line));
                i = j + 1;
            } else {
                i++;
            }
        }
        return out;
    }

    private static int count(String s, int from, int to) {
        int n = 0;
        for (int k = from; k < to && k < s.length(); k++) {
            n += s.charAt(k) == '\n' ? 1 : 0;
        }
        return n;
    }
}
