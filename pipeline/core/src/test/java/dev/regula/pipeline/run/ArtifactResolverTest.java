package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.SpecReader;
import dev.regula.pipeline.stage.imports.ImportStage;
import dev.regula.transfer.backbone.ArtifactResolver;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.MavenCoordinate;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run finds {@code g:a:v!/entry} backbones with the resolver its front end put in the request, not on its own. */
class ArtifactResolverTest {
    private static final String COORDS = "org.example.regula-test:tiny-backbone:1.0";

    @TempDir
    Path dir;

    private Path spec() throws Exception {
        TinyPipeline.writeInputs(dir, 5);
        Path jar = dir.resolve("fetched/tiny-backbone-1.0.jar");
        Files.createDirectories(jar.getParent());
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os)) {
            for (String name : List.of("backbone.onnx", "tokenizer.json")) {
                out.putNextEntry(new JarEntry(name));
                out.write(Files.readAllBytes(dir.resolve(name)));
                out.closeEntry();
            }
        }
        return TinyPipeline.writeSpec(dir, TinyPipeline.spec()
                .replace("model: backbone.onnx", "model: " + COORDS + "!/backbone.onnx")
                .replace("tokenizer: tokenizer.json", "tokenizer: " + COORDS + "!/tokenizer.json"));
    }

    @Test
    void theImportStageAsksTheRequestsResolver() throws Exception {
        Path spec = spec();
        List<MavenCoordinate> asked = new ArrayList<>();
        ArtifactResolver build = c -> {
            asked.add(c);
            return dir.resolve("fetched/tiny-backbone-1.0.jar");
        };
        RunRequest request = new RunRequest(spec, dir.resolve("work"), null, false, null).withArtifacts(build);
        PipelineRunner.Ran ran = PipelineRunner.run(request, SpecReader.read(spec), List.of(new ImportStage()));
        assertThat(ran.outcomes()).containsEntry(StageName.IMPORT, RunResult.Outcome.RAN);
        assertThat(asked).isNotEmpty().allMatch(c -> c.equals(MavenCoordinate.parse(COORDS)));
        // The jar's bytes are the input, not the coordinates: an unchanged jar is up to date.
        RunResult.Outcome again = PipelineRunner.run(request, SpecReader.read(spec), List.of(new ImportStage()))
                .outcomes().get(StageName.IMPORT);
        assertThat(again).isEqualTo(RunResult.Outcome.UP_TO_DATE);
    }

    @Test
    void aResolverFailureNamesTheSpecKeyAndTheSource() throws Exception {
        Path spec = spec();
        ArtifactResolver offline = c -> {
            throw new BackboneException(null, "Maven artifact " + c + " cannot be resolved; offline");
        };
        RunRequest request = new RunRequest(spec, dir.resolve("work"), null, false, null).withArtifacts(offline);
        assertThatThrownBy(() -> PipelineRunner.run(request, SpecReader.read(spec), List.of(new ImportStage())))
                .isInstanceOf(RegulaException.class)
                .hasMessageContaining("backbone: backbone source '" + COORDS + "!/backbone.onnx'")
                .hasMessageContaining("cannot be resolved; offline");
        assertThat(Files.exists(dir.resolve("work/import"))).isFalse();
    }

    @Test
    void withoutOneTheLocalRepositoryIsUsed() {
        RunRequest plain = new RunRequest(dir.resolve("pipeline.yaml"), null, null, false, null);
        assertThat(plain.artifacts()).isNotNull();
        ArtifactResolver mine = c -> dir;
        RunRequest withMine = plain.withArtifacts(mine);
        assertThat(withMine.artifacts()).isSameAs(mine);
        assertThat(withMine.withArtifacts(null).artifacts()).isNotNull();
        assertThat(withMine.spec()).isEqualTo(plain.spec());
    }
}
