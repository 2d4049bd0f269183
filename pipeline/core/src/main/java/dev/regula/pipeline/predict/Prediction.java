package dev.regula.pipeline.predict;

import java.util.Map;

/**
 * One prediction of an exported model.
 *
 * @param label the predicted class (the model's {@code label} output, mapped to its name)
 * @param probabilities each class's probability, in the model's class order
 */
public record Prediction(String label, Map<String, Double> probabilities) {
}
