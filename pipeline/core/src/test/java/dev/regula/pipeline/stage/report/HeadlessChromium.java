package dev.regula.pipeline.stage.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens a report page in headless Chromium (Debian's {@code chromium-headless-shell} or {@code chromium}) and
 * reports, for every {@code <img>}, whether the browser decoded it and at what size. Tests skip by assumption
 * where no Chromium is installed; {@code .ci/run} installs it.
 *
 * <p>The page is copied with a script appended that writes the result into the DOM on the load event, and
 * Chromium's {@code --dump-dom} prints the DOM after it: a PNG the browser cannot decode shows up as
 * {@code false} or {@code 0x0}, which a Java-side decode would not catch for the browser.
 */
public final class HeadlessChromium {
    private static final List<String> NAMES = List.of("chromium-headless-shell", "chromium", "chromium-browser",
            "google-chrome");
    private static final String ID = "regula-image-check";

    private HeadlessChromium() {
    }

    /** The first Chromium on the PATH, if any. */
    public static Optional<Path> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : NAMES) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Each image of the page as {@code complete:WIDTHxHEIGHT}, in document order.
     *
     * @param chromium the browser binary
     * @param page the HTML file; a checked copy is written beside it
     */
    public static List<String> images(Path chromium, Path page) throws IOException, InterruptedException {
        String html = Files.readString(page, StandardCharsets.UTF_8);
        String script = "<script>window.addEventListener('load',()=>{const p=document.createElement('pre');p.id='" + ID
                + "';p.textContent=[...document.images].map(i=>i.complete+':'+i.naturalWidth+'x'+i.naturalHeight)"
                + ".join(',');document.body.appendChild(p);});</script>";
        Path checked = page.resolveSibling("chromium-check-" + page.getFileName());
        Files.writeString(checked, html.replace("</body>", script + "</body>"), StandardCharsets.UTF_8);
        Path profile = Files.createTempDirectory(page.getParent(), "chromium-profile");
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + profile, "--virtual-time-budget=10000", "--dump-dom", checked.toUri().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom;
        try (var in = p.getInputStream()) {
            dom = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        Matcher m = Pattern.compile("<pre id=\"" + ID + "\">([^<]*)</pre>").matcher(dom);
        if (!m.find()) {
            throw new IOException(chromium + " printed no image check for " + checked + " (exit " + (p.isAlive() ? "none: killed" : p.exitValue())
                    + "); DOM starts: " + dom.substring(0, Math.min(200, dom.length())));
        }
        return m.group(1).isEmpty() ? List.of() : Arrays.asList(m.group(1).split(","));
    }
}
