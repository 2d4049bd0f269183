/**
 * Fine-tuning the last layers of an ONNX backbone on DJL (issue 14).
 *
 * <p>{@link dev.regula.transfer.finetune.OnnxInterpreter} runs an ONNX (sub)graph on DJL's PyTorch
 * engine with autograd: {@link dev.regula.transfer.finetune.Subgraph} picks the nodes between a cut
 * tensor and the outputs, int64 shape plumbing runs on the Java heap, and float initializers become
 * parameters; {@link dev.regula.transfer.finetune.OnnxInterpreter#writeBack} puts trained values
 * back into the graph's initializers, leaving its structure unchanged.
 * {@link dev.regula.transfer.finetune.LayerBoundaries} finds transformer layers from node names and
 * the hidden-state tensor entering each (the cut for "unfreeze the last N layers").
 * {@link dev.regula.transfer.finetune.HiddenStateCache} computes the hidden states at the cut once
 * (real tokens only, fp16 or fp32), and {@link dev.regula.transfer.finetune.FineTuner} trains the
 * layers above the cut plus a linear head on them under a
 * {@link dev.regula.transfer.finetune.FineTuneSpec} (L2-SP, discriminative learning rates, LP-FT).
 */
package dev.regula.transfer.finetune;
