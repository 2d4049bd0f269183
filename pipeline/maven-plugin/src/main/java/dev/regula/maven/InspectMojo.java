package dev.regula.maven;

import dev.regula.models.ModelInfo;
import dev.regula.pipeline.Inspection;
import dev.regula.pipeline.RegulaException;
import java.io.File;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.repository.RemoteRepository;

/**
 * {@code regula:inspect}: logs a model's inputs, outputs, opsets, parameter count and metadata
 * (Regula's provenance included), as {@code regula inspect} prints them. Needs no project:
 * {@code mvn dev.regula:regula-maven-plugin:inspect -Dregula.model=...}.
 */
@Mojo(name = "inspect", requiresProject = false, threadSafe = true)
public class InspectMojo extends AbstractMojo {
    static final String GOAL = "regula:inspect";

    /**
     * The model: a path to an {@code .onnx} file, a folder holding {@code model.onnx},
     * {@code classpath:/PATH}, or {@code group:artifact:version[:classifier]!/path/inside/jar}
     * resolved as the build resolves its dependencies (remote repositories, mirrors, offline mode).
     */
    @Parameter(property = "regula.model", required = true)
    String model;

    /** Relative model paths resolve against this folder (the project's, or the current one without a project). */
    @Parameter(defaultValue = "${basedir}", readonly = true)
    File basedir;

    @Component
    RepositorySystem repositorySystem;

    @Parameter(defaultValue = "${repositorySystemSession}", readonly = true)
    RepositorySystemSession repositorySession;

    // Without a project, Maven's stand-in project carries the settings' repositories (central by default).
    @Parameter(defaultValue = "${project.remoteProjectRepositories}", readonly = true)
    List<RemoteRepository> remoteRepositories;

    /** Skip the goal. */
    @Parameter(property = "regula.skip", defaultValue = "false")
    boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info(GOAL + " skipped (regula.skip)");
            return;
        }
        if (model == null || model.isBlank()) {
            throw new MojoFailureException(GOAL + ": set <model> (or -Dregula.model) to the model to inspect");
        }
        ModelInfo info;
        try {
            info = Inspection.inspect(resolve(model), MavenArtifacts.of(repositorySystem, repositorySession, remoteRepositories));
        } catch (RegulaException e) {
            throw Parameters.failure(GOAL, e);
        } catch (RuntimeException e) {
            throw Parameters.unexpected(GOAL, "reading " + model, e);
        }
        info.toText().lines().forEach(getLog()::info);
    }

    // Maven resolves File parameters against the project folder; a model source is a String (it may be
    // coordinates or classpath:), so a relative file path gets the same treatment here.
    private String resolve(String source) {
        File f = new File(source);
        if (basedir != null && !f.isAbsolute() && !source.startsWith("classpath:") && !source.contains("!")) {
            File inBase = new File(basedir, source);
            if (inBase.exists()) {
                return inBase.getPath();
            }
        }
        return source;
    }
}
