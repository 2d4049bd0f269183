package dev.regula.transfer.export;

import java.nio.file.Path;

/**
 * A written export folder.
 *
 * @param dir the export folder
 * @param model {@code dir/model.onnx}
 * @param tokenizer {@code dir/tokenizer.json}, or {@code null} for numeric backbones
 * @param metadata what the model's {@code metadata_props} hold
 */
public record ExportResult(Path dir, Path model, Path tokenizer, ExportMetadata metadata) {}
