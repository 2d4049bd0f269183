package dev.regula.transfer.encode;

import java.util.List;

/** The model's inputs cannot be fed by the chosen encoder. */
public class EncoderMismatchException extends Exception {
    private final List<ModelInput> modelInputs;

    public EncoderMismatchException(String encoder, List<ModelInput> modelInputs, String provides, String reason) {
        super(reason + ": the model's inputs are " + modelInputs + ", the " + encoder + " provides " + provides);
        this.modelInputs = List.copyOf(modelInputs);
    }

    /** The inputs the model declares. */
    public List<ModelInput> modelInputs() {
        return modelInputs;
    }
}
