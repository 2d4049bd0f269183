package dev.regula.transfer.encode;

import dev.regula.transfer.TransferException;
import java.util.List;

/** The model's inputs cannot be fed by the chosen encoder. */
public class EncoderMismatchException extends TransferException {
    private final List<ModelInput> modelInputs;

    public EncoderMismatchException(String encoder, List<ModelInput> modelInputs, String provides, String reason) {
        super(null, 0, reason + ": the model's inputs are " + modelInputs + ", the " + encoder + " provides " + provides, null);
        this.modelInputs = List.copyOf(modelInputs);
    }

    /** The inputs the model declares. */
    public List<ModelInput> modelInputs() {
        return modelInputs;
    }
}
