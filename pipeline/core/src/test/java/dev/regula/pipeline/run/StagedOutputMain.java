package dev.regula.pipeline.run;

import dev.regula.pipeline.OptionName;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A standalone command's output in flight, in a child JVM: writes part of {@code args[0]} through
 * {@link OutputFolder}, prints {@code writing STAGING} and waits there for a signal.
 */
public final class StagedOutputMain {
    private StagedOutputMain() {
    }

    public static void main(String[] args) throws Exception {
        OutputFolder.write(Path.of(args[0]), OptionName.OUT, "model.onnx", staging -> {
            Files.writeString(staging.resolve("model.onnx"), "half");
            System.out.println("writing " + staging);
            System.out.flush();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
    }
}
