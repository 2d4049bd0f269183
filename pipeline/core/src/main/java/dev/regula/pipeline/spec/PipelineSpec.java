package dev.regula.pipeline.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.transfer.data.DatasetSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A pipeline spec read from YAML by {@link SpecReader}: every value checked, relative paths
 * resolved against the spec file's folder.
 *
 * @param file the spec file
 * @param seed seeds the split and every head's training unless a head sets its own
 * @param tune the {@code tune:} section (defaults when absent); used only when some head is {@link Sections.Head#tuned}
 * @param ensemble the {@code ensemble:} section as written (its keys belong to the ensemble module), or null
 * @param report the {@code report:} section as written, or null
 * @param sections each top-level section as written, with resolved paths, for the stages' config hashes
 */
public record PipelineSpec(Path file, long seed, Sections.Backbone backbone, DatasetSpec data, Sections.Split split,
                           Sections.Features features, List<Sections.Head> heads, Sections.Tune tune, JsonNode ensemble,
                           Sections.Export export, Sections.Validate validate, JsonNode report,
                           Map<String, JsonNode> sections) {
    public PipelineSpec {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(export, "export");
        Objects.requireNonNull(validate, "validate");
        heads = List.copyOf(heads);
        tune = tune == null ? Sections.Tune.defaults() : tune;
        sections = Map.copyOf(sections);
    }

    /** Whether some head has a range or {@code regularization: auto} (then the tune stage runs). */
    public boolean tunes() {
        return heads.stream().anyMatch(Sections.Head::tuned);
    }

    public Optional<JsonNode> ensembleSection() {
        return Optional.ofNullable(ensemble);
    }

    public Optional<JsonNode> reportSection() {
        return Optional.ofNullable(report);
    }

    /** The {@code report:} section (an empty node when absent). */
    public JsonNode report() {
        return report != null ? report : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** The {@code spark:} section (checked when the spec was read), for the Spark adapter; empty when absent. */
    public Optional<Sections.Spark> spark() {
        try {
            return Optional.ofNullable(SparkKeys.read(file, section("spark")));
        } catch (SpecException e) {
            throw new IllegalStateException("the spark section was checked when the spec was read: " + e.getMessage(), e);
        }
    }

    /** A section as written ({@code null} node when absent). */
    public JsonNode section(String name) {
        return sections.get(name);
    }

    /**
     * The named sections as one object, in the order given (a missing section is a JSON null): what most
     * stages hash as their config.
     */
    public ObjectNode sections(String... names) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        for (String n : names) {
            c.set(n, section(n));
        }
        return c;
    }
}
