package dev.regula.pipeline.spec;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;

/**
 * YAML aliases ({@code *name}) are refused. Jackson's YAML tree reader does not expand them: it
 * reads {@code title: *m} as the string "m", silently. Expanding them ourselves would also open
 * the door to alias bombs; a pipeline spec is short enough to write out.
 */
final class YamlAliases {
    private YamlAliases() {
    }

    /** Throws naming the line of the first alias in {@code file}; syntax errors are left to the real parse. */
    static void refuse(Path file) throws SpecException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (Event e : new Yaml(new LoaderOptions()).parse(in)) {
                if (e instanceof AliasEvent a) {
                    throw new SpecException(dev.regula.pipeline.Problem.at(file, null, "YAML alias '*"
                            + ((NodeEvent) a).getAnchor() + "' is not supported (it would read as the text '"
                            + a.getAnchor() + "'); write the value out in full").withFile(file, a.getStartMark().getLine() + 1)
                            .withExpected("a value written out", "*" + a.getAnchor()), null);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not readable or not YAML: the parse that follows reports it with Jackson's position
        }
    }
}
