package dev.regula.transfer.features;

import dev.regula.transfer.TransferException;

/** Feature extraction failed: the feature model could not be loaded or run, or an input could not be encoded. */
public class FeatureExtractorException extends TransferException {
    public FeatureExtractorException(String message, Throwable cause) {
        super(null, 0, message, cause);
    }

    public FeatureExtractorException(String message) {
        super(null, 0, message, null);
    }
}
