package dev.regula.transfer.backbone;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the local Maven repository the way Maven does for the common cases: the
 * {@code maven.repo.local} system property, then {@code <localRepository>} in
 * {@code ~/.m2/settings.xml}, then {@code ~/.m2/repository}.
 */
public final class LocalMavenRepository {
    private static final Pattern LOCAL_REPO = Pattern.compile("<localRepository>\\s*([^<]+?)\\s*</localRepository>");

    private LocalMavenRepository() {}

    /** The local repository root for this process. */
    public static Path locate() {
        String prop = System.getProperty("maven.repo.local");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        Path home = Path.of(System.getProperty("user.home"));
        Path settings = home.resolve(".m2").resolve("settings.xml");
        if (Files.isRegularFile(settings)) {
            try {
                // A commented-out example in the default settings.xml must not count.
                String xml = Files.readString(settings, StandardCharsets.UTF_8).replaceAll("(?s)<!--.*?-->", "");
                Matcher m = LOCAL_REPO.matcher(xml);
                if (m.find()) {
                    String dir = m.group(1).replace("${user.home}", home.toString());
                    return Path.of(dir);
                }
            } catch (IOException e) {
                // An unreadable settings file is Maven's problem to report; fall back to the default.
            }
        }
        return home.resolve(".m2").resolve("repository");
    }
}
