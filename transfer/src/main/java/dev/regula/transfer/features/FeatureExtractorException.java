package dev.regula.transfer.features;

/** Feature extraction failed: the feature model could not be loaded or run, or an input could not be encoded. */
public class FeatureExtractorException extends Exception {
    public FeatureExtractorException(String message, Throwable cause) {
        super(message, cause);
    }

    public FeatureExtractorException(String message) {
        super(message);
    }
}
