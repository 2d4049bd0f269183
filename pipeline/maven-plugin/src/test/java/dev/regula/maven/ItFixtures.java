package dev.regula.maven;

import dev.regula.pipeline.run.TinyInputs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * Inputs of the invoker projects under {@code src/it}, written by their {@code prebuild.groovy}
 * (the invoker runs it with this module's test class path): pipeline/core's tiny generated backbone,
 * tokenizer and data, and a Maven repository laid out on disk that serves the backbone as a jar,
 * so the consumer build resolves {@code group:artifact:version!/entry} from a remote repository.
 */
public final class ItFixtures {
    /** The backbone jar's group and artifact in {@link #repository}. */
    public static final String GROUP = "org.example.regula-it";
    public static final String ARTIFACT = "tiny-backbone";

    private ItFixtures() {
    }

    /** Writes backbone.onnx, tokenizer.json and data.jsonl into {@code dir}. */
    public static void inputs(Path dir) throws Exception {
        Files.createDirectories(dir);
        TinyInputs.write(dir, 5);
    }

    /**
     * Adds to the repository at {@code repo} the jar {@code GROUP:ARTIFACT:version} holding
     * {@code backbone.onnx} and {@code tokenizer.json} (read from {@code inputs}), with a pom and SHA-1
     * files as a real repository has them. Returns the jar.
     */
    public static Path repository(Path repo, Path inputs, String version) throws IOException {
        Path dir = repo.resolve(GROUP.replace('.', '/')).resolve(ARTIFACT).resolve(version);
        Files.createDirectories(dir);
        String base = ARTIFACT + "-" + version;
        Path jar = dir.resolve(base + ".jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os)) {
            for (String name : new String[] {"backbone.onnx", "tokenizer.json"}) {
                out.putNextEntry(new JarEntry(name));
                out.write(Files.readAllBytes(inputs.resolve(name)));
                out.closeEntry();
            }
        }
        Path pom = Files.writeString(dir.resolve(base + ".pom"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version>
                </project>
                """.formatted(GROUP, ARTIFACT, version), StandardCharsets.UTF_8);
        for (Path f : new Path[] {jar, pom}) {
            Files.writeString(f.resolveSibling(f.getFileName() + ".sha1"), sha1(f), StandardCharsets.US_ASCII);
        }
        return jar;
    }

    private static String sha1(Path f) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(f)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
