package dev.regula.cli;

import picocli.CommandLine.Option;

/** How a feature model is built from a backbone: the options {@code regula import} and {@code regula features} share. */
final class FeatureModelOptions {
    static final String DEFAULT_POOLING = "mean";
    /** Help of {@code --backbone}, which each command declares itself (features makes it exclusive with --feature-model). */
    static final String BACKBONE_HELP = "Backbone: an .onnx file, a folder with model.onnx (+ tokenizer.json), classpath:/PATH, "
            + "or group:artifact:version[:classifier]!/path/in/jar.";

    @Option(names = "--tokenizer", paramLabel = "SRC", description = "tokenizer.json, in any backbone source form.")
    String tokenizer;

    @Option(names = "--feature-tensor", paramLabel = "NAME",
            description = "Tensor to pool: a graph output or an internal tensor (default: the first output).")
    String featureTensor;

    @Option(names = "--pooling", description = "mean, cls, max or none (default: " + DEFAULT_POOLING + ").")
    String pooling;

    @Option(names = "--no-l2", negatable = false, description = "Do not L2-normalise the features.")
    boolean noL2;

    @Option(names = "--mask-input", paramLabel = "NAME",
            description = "Graph input holding the attention mask, read by mean and max pooling (default: attention_mask).")
    String maskInput;

    String poolingOrDefault() {
        return pooling == null ? DEFAULT_POOLING : pooling;
    }

    /** The options given that shape the feature model (null when none was given), as option name and value. */
    Object[][] shaping() {
        return new Object[][] {{"--feature-tensor", featureTensor}, {"--pooling", pooling}, {"--no-l2", noL2 ? true : null},
                {"--mask-input", maskInput}};
    }
}
