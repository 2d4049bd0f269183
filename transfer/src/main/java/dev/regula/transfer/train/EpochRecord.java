package dev.regula.transfer.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One epoch of training history. Val fields are null without a validation split.
 *
 * @param epoch 1-based epoch number
 * @param learningRate learning rate of the epoch's last step
 * @param trainObjective mean training loss over the epoch's batches (penalties and dropout included)
 * @param trainLoss mean NLL on the training rows in inference mode
 * @param trainAccuracy accuracy on the training rows in inference mode
 * @param trainMacroF1 macro-F1 on the training rows
 * @param valLoss mean NLL on the validation rows
 * @param valAccuracy accuracy on the validation rows
 * @param valMacroF1 macro-F1 on the validation rows
 * @param gapAccuracy train − val accuracy (positive when overfitting)
 * @param gapLoss val − train loss (positive when overfitting)
 * @param weightNorms L2 norm of each layer's weight matrix (bias excluded), inference weights
 * @param zeroFraction fraction of weights that are exactly zero at inference (pruned ones included)
 * @param prunedFraction fraction of weights pruned by variational dropout
 * @param dropoutRates rate of each dropout site, input first (learned rates for concrete)
 */
public record EpochRecord(
        @JsonProperty("epoch") int epoch,
        @JsonProperty("lr") double learningRate,
        @JsonProperty("train_objective") double trainObjective,
        @JsonProperty("train_loss") double trainLoss,
        @JsonProperty("train_accuracy") double trainAccuracy,
        @JsonProperty("train_macro_f1") double trainMacroF1,
        @JsonProperty("val_loss") Double valLoss,
        @JsonProperty("val_accuracy") Double valAccuracy,
        @JsonProperty("val_macro_f1") Double valMacroF1,
        @JsonProperty("gap_accuracy") Double gapAccuracy,
        @JsonProperty("gap_loss") Double gapLoss,
        @JsonProperty("weight_norms") List<Double> weightNorms,
        @JsonProperty("zero_fraction") double zeroFraction,
        @JsonProperty("pruned_fraction") double prunedFraction,
        @JsonProperty("dropout_rates") List<Double> dropoutRates) {

    public EpochRecord {
        weightNorms = List.copyOf(weightNorms);
        dropoutRates = List.copyOf(dropoutRates);
    }
}
