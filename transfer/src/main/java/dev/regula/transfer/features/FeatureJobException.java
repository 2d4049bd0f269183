package dev.regula.transfer.features;

import dev.regula.transfer.TransferException;

/** A feature job that could not finish; the message names the file, field or input at fault. */
public class FeatureJobException extends TransferException {
    public FeatureJobException(String message, Throwable cause) {
        super(null, 0, message, cause);
    }
}
