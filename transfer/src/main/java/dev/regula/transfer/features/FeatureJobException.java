package dev.regula.transfer.features;

/** A feature job that could not finish; the message names the file, field or input at fault. */
public class FeatureJobException extends Exception {
    public FeatureJobException(String message, Throwable cause) {
        super(message, cause);
    }
}
