/**
 * Running ONNX models on ONNX Runtime: sessions with an explicit execution-provider choice
 * ({@link dev.regula.models.runtime.OrtRunner}), plain-Java tensors that never hold native memory
 * ({@link dev.regula.models.runtime.Tensor}), and numeric parity checks between two runs
 * ({@link dev.regula.models.runtime.Parity}).
 *
 * <p>Kept apart from the graph-as-data half of {@code dev.regula.models}: building a graph needs
 * protobuf only, running one needs ONNX Runtime.
 */
package dev.regula.models.runtime;
