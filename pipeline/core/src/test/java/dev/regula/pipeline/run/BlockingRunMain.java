package dev.regula.pipeline.run;

import dev.regula.pipeline.stage.Pipeline;
import java.nio.file.Path;

/**
 * Runs a pipeline in a child JVM and stops for good just before a stage commits (its staging
 * folder finished, the work folder locked), printing {@code blocked STAGE STAGING}: a test then
 * finds the run in flight at a known point and signals it.
 */
public final class BlockingRunMain {
    private BlockingRunMain() {
    }

    public static void main(String[] args) throws Exception {
        StageName at = StageName.parse(args[2]);
        Pipeline.run(new RunRequest(Path.of(args[0]), Path.of(args[1]), null, false, line -> {
            System.out.println(line);
            System.out.flush();
        }, (stage, staging) -> {
            if (stage == at) {
                System.out.println("blocked " + stage + " " + staging);
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
    }
}
