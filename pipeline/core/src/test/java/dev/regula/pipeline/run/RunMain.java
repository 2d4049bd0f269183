package dev.regula.pipeline.run;

import dev.regula.pipeline.stage.Pipeline;
import java.nio.file.Path;

/** Runs a pipeline in a child JVM, printing each stage line, so a test can kill it with SIGKILL. */
public final class RunMain {
    private RunMain() {
    }

    public static void main(String[] args) throws Exception {
        Pipeline.run(new RunRequest(Path.of(args[0]), Path.of(args[1]), null, false, line -> {
            System.out.println(line);
            System.out.flush();
        }));
    }
}
