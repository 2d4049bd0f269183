package dev.regula.transfer.backbone;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the jar behind Maven coordinates ({@code group:artifact:version[:classifier]!/entry}
 * backbones) on local disk. Each front end passes its own: the CLI reads the local repository
 * ({@link #localRepository()}), the Maven plugin resolves through the build's repository system
 * (remote repositories, mirrors, offline mode).
 */
@FunctionalInterface
public interface ArtifactResolver {
    /**
     * The jar of {@code coordinate}, downloaded first where this resolver may do so.
     *
     * @throws BackboneException when the jar cannot be had; the message says where it was looked for
     *     and how to get it
     */
    Path jar(MavenCoordinate coordinate) throws BackboneException;

    /**
     * The local Maven repository only ({@link LocalMavenRepository#locate()}), never the network:
     * a missing jar is an error that prints the {@code mvn dependency:get} command that fetches it.
     */
    static ArtifactResolver localRepository() {
        return coordinate -> {
            Path repo = LocalMavenRepository.locate();
            Path jar = coordinate.jarIn(repo);
            if (!Files.isRegularFile(jar)) {
                throw new BackboneException(null, "Maven artifact " + coordinate + " is not in the local repository "
                        + repo + " (looked for " + jar + "). Fetch it with: " + coordinate.dependencyGetCommand());
            }
            return jar;
        };
    }
}
