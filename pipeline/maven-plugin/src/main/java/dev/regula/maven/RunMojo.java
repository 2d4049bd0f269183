package dev.regula.maven;

import dev.regula.pipeline.stage.export.ExportStep;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.RunRequest;
import dev.regula.pipeline.run.RunResult;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.stage.Pipeline;
import dev.regula.pipeline.stage.validate.GateFailedException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.repository.RemoteRepository;

/**
 * {@code regula:run}: runs a pipeline spec (the core of {@code regula run}), skipping stages that
 * are up to date. A failed validation gate of the spec fails the build with the measured figures.
 *
 * <p>Bound to {@code package} by default: the exported model is a product of the build, and
 * {@link #attach} can attach it to the project there. Bind it to an earlier phase (for example
 * {@code process-classes}) when the project's own tests read the model.
 */
// Not thread-safe: the run loads libtorch and ONNX Runtime once per JVM and fixes libtorch's thread
// counts process-wide for byte-identical reruns.
@Mojo(name = "run", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = false)
public class RunMojo extends AbstractMojo {
    static final String GOAL = "regula:run";

    /** The pipeline spec (YAML); relative paths inside it resolve against its folder. */
    @Parameter(property = "regula.spec", required = true)
    File spec;

    /** The work folder: one sub-folder per stage, {@code summary.json}, {@code export/model.onnx}. */
    @Parameter(property = "regula.workDirectory", defaultValue = "${project.build.directory}/regula")
    File workDirectory;

    /** Rerun this stage and every later one even when up to date: import, features, tune, train, ensemble, export, validate, report. */
    @Parameter(property = "regula.from")
    String from;

    /** Rerun every stage. */
    @Parameter(property = "regula.force", defaultValue = "false")
    boolean force;

    /** Skip the goal. */
    @Parameter(property = "regula.skip", defaultValue = "false")
    boolean skip;

    /**
     * Attach the exported {@code model.onnx} to the project (type {@code onnx}, classifier
     * {@link #classifier}), and its {@code tokenizer.json} when there is one (type {@code json},
     * classifier {@code <classifier>-tokenizer}), so {@code install} and {@code deploy} ship them.
     */
    @Parameter(property = "regula.attach", defaultValue = "false")
    boolean attach;

    /** The classifier of the attached model. */
    @Parameter(property = "regula.classifier", defaultValue = "model")
    String classifier;

    @Parameter(defaultValue = "${project}", readonly = true)
    MavenProject project;

    @Component
    MavenProjectHelper projectHelper;

    // The build's own resolution: a group:artifact:version!/entry backbone comes through the same
    // repositories, mirrors and offline mode as the project's dependencies (MavenArtifacts).
    @Component
    RepositorySystem repositorySystem;

    @Parameter(defaultValue = "${repositorySystemSession}", readonly = true)
    RepositorySystemSession repositorySession;

    @Parameter(defaultValue = "${project.remoteProjectRepositories}", readonly = true)
    List<RemoteRepository> remoteRepositories;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info(GOAL + " skipped (regula.skip)");
            return;
        }
        if (spec == null) {
            throw new MojoFailureException(GOAL + ": set <spec> to the pipeline spec (YAML)");
        }
        if (!spec.isFile()) {
            throw new MojoFailureException(GOAL + ": the pipeline spec " + spec + (spec.exists() ? " is not a file" : " does not exist"));
        }
        StageName fromStage = null;
        if (from != null && !from.isBlank()) {
            try {
                fromStage = StageName.parse(from);
            } catch (IllegalArgumentException e) {
                throw new MojoFailureException(GOAL + ": <from>: " + e.getMessage());
            }
        }
        RunRequest request = new RunRequest(spec.toPath(), workDirectory == null ? null : workDirectory.toPath(), fromStage,
                force, getLog()::info).withArtifacts(MavenArtifacts.of(repositorySystem, repositorySession, remoteRepositories));
        RunResult result;
        try {
            result = Pipeline.run(request);
        } catch (GateFailedException e) {
            throw new MojoFailureException(GOAL + ": " + Parameters.message(e) + "\n  figures: " + Figures.of(e.figures())
                    + "\n  summary: " + request.workDir().resolve("summary.json"), e);
        } catch (RegulaException e) {
            throw Parameters.failure(GOAL, e);
        } catch (RuntimeException e) {
            throw Parameters.unexpected(GOAL, "running " + spec, e);
        }
        getLog().info("model: " + result.model());
        getLog().info("summary: " + result.work().resolve("summary.json"));
        getLog().info("figures: " + Figures.of(result.summary().path("validation")));
        if (attach) {
            attach(result.model());
        }
    }

    private void attach(Path model) throws MojoExecutionException {
        if (project == null || projectHelper == null) {
            throw new MojoExecutionException(GOAL + ": <attach> needs a Maven project");
        }
        projectHelper.attachArtifact(project, "onnx", classifier, model.toFile());
        getLog().info("attached " + model.getFileName() + " (type onnx, classifier " + classifier + ")");
        Path tokenizer = model.resolveSibling(ExportStep.TOKENIZER);
        if (Files.isRegularFile(tokenizer)) {
            projectHelper.attachArtifact(project, "json", classifier + "-tokenizer", tokenizer.toFile());
            getLog().info("attached " + tokenizer.getFileName() + " (type json, classifier " + classifier + "-tokenizer)");
        }
    }
}
