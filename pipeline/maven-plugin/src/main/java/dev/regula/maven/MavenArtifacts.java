package dev.regula.maven;

import dev.regula.transfer.backbone.ArtifactResolver;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.MavenCoordinate;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;

/**
 * Finds the jars of {@code group:artifact:version[:classifier]!/entry} backbones the way the build
 * finds its own dependencies: the local repository first, then the project's remote repositories
 * with the session's mirrors, proxies and credentials, and no network at all in offline mode
 * ({@code -o}). A jar fetched here lands in the local repository like any dependency.
 */
final class MavenArtifacts implements ArtifactResolver {
    private final RepositorySystem system;
    private final RepositorySystemSession session;
    private final List<RemoteRepository> repositories;

    private MavenArtifacts(RepositorySystem system, RepositorySystemSession session, List<RemoteRepository> repositories) {
        this.system = system;
        this.session = session;
        this.repositories = repositories == null ? List.of() : List.copyOf(repositories);
    }

    /**
     * The build's resolver over {@code repositories} as Maven hands them to a Mojo
     * ({@code ${project.remoteProjectRepositories}}: mirrors, proxies and credentials applied); the
     * local repository alone when no repository system was injected, which only happens when a test
     * builds a Mojo by hand.
     */
    static ArtifactResolver of(RepositorySystem system, RepositorySystemSession session, List<RemoteRepository> repositories) {
        if (system == null || session == null) {
            return ArtifactResolver.localRepository();
        }
        return new MavenArtifacts(system, session, repositories);
    }

    @Override
    public Path jar(MavenCoordinate c) throws BackboneException {
        DefaultArtifact artifact = new DefaultArtifact(c.groupId(), c.artifactId(), c.classifier() == null ? "" : c.classifier(),
                "jar", c.version());
        // The project's repositories come from Maven with the settings' mirrors, proxies and
        // credentials applied already. Applying them again (newResolutionRepositories) would be wrong:
        // a mirror of "*,!x" would take over the mirror of x itself.
        List<RemoteRepository> repos = repositories;
        try {
            return system.resolveArtifact(session, new ArtifactRequest(artifact, repos, "regula-backbone"))
                    .getArtifact().getFile().toPath();
        } catch (ArtifactResolutionException e) {
            String where = session.isOffline()
                    ? "offline (-o): only the local repository " + localRepository() + " was searched"
                    : "searched the local repository " + localRepository() + " and " + describe(repos);
            throw new BackboneException(null, "Maven artifact " + c + " cannot be resolved; " + where + ": " + e.getMessage(), e);
        }
    }

    private String localRepository() {
        return String.valueOf(session.getLocalRepository().getBasedir());
    }

    private static String describe(List<RemoteRepository> repos) {
        if (repos.isEmpty()) {
            return "no remote repository";
        }
        return repos.stream().map(r -> r.getId() + " (" + r.getUrl() + ")").collect(Collectors.joining(", "));
    }
}
