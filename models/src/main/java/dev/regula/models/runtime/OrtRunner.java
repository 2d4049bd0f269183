package dev.regula.models.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.regula.models.ElemType;
import dev.regula.models.OnnxModel;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One ONNX Runtime session on a chosen device, taking and returning plain-Java {@link Tensor}s.
 *
 * <p>Device choice: {@link Device#CPU} runs on CPU; {@link Device#CUDA} attaches the CUDA execution
 * provider or fails with {@link RuntimeUnavailableException}; {@link Device#AUTO} tries CUDA and, when
 * its provider cannot be loaded or started, runs on CPU, logs one WARNING line saying why (logger
 * {@code dev.regula.models.runtime.OrtRunner}) and reports the reason in {@link #fallbackReason()}.
 * With CUDA attached, ONNX Runtime still places operators CUDA lacks on CPU, as it always does.
 *
 * <p>No native value escapes: inputs are copied into native tensors and outputs copied back into
 * Java arrays inside {@link #run}, and every native object is closed before it returns, so results
 * stay valid after the runner is closed.
 *
 * <p>Thread safety: {@link #run} may be called from several threads at once (ONNX Runtime's
 * {@code OrtSession.run} is thread-safe and the runner holds no other mutable state). {@link #close}
 * waits for runs in flight; a run after close fails with {@link IllegalStateException}.
 */
public final class OrtRunner implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Path file;
    private final Device activeDevice;
    private final String fallbackReason;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private OrtRunner(OrtEnvironment env, SessionFactory.Opened opened, SessionFactory.Source source)
            throws RunnerException {
        this.env = env;
        this.session = opened.session();
        this.file = source.file();
        this.activeDevice = opened.device();
        this.fallbackReason = opened.fallbackReason();
        try {
            this.inputs = specs("Input", session.getInputInfo(), source);
            this.outputs = specs("Output", session.getOutputInfo(), null);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new RunnerException(file, "ONNX Runtime could not describe the model's inputs and outputs: "
                    + OrtErrors.reason(e), e);
        } catch (RunnerException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /**
     * Opens the ONNX file at {@code model}.
     *
     * @throws RuntimeUnavailableException when {@link Device#CUDA} was asked for and cannot be used
     * @throws RunnerException when the file is missing or ONNX Runtime cannot load it
     */
    public static OrtRunner open(Path model, RunnerOptions options) throws RunnerException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        if (!Files.isRegularFile(model)) {
            throw new RunnerException(model, Files.exists(model) ? "is not a regular file, expected an .onnx model file"
                    : "model file does not exist");
        }
        if (!Files.isReadable(model)) {
            throw new RunnerException(model, "model file is not readable");
        }
        return open(new SessionFactory.Source() {
            @Override
            public Path file() {
                return model;
            }

            @Override
            public OrtSession create(OrtEnvironment env, OrtSession.SessionOptions so) throws OrtException {
                return env.createSession(model.toString(), so);
            }

            @Override
            public InputStream openStream() throws IOException {
                return new BufferedInputStream(Files.newInputStream(model));
            }
        }, options);
    }

    /** Opens a serialized ONNX model held in memory; errors name no file. */
    public static OrtRunner open(byte[] model, RunnerOptions options) throws RunnerException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        if (model.length == 0) {
            throw new RunnerException(null, "model bytes are empty, expected a serialized ONNX ModelProto");
        }
        byte[] bytes = model.clone();
        return open(new SessionFactory.Source() {
            @Override
            public Path file() {
                return null;
            }

            @Override
            public OrtSession create(OrtEnvironment env, OrtSession.SessionOptions so) throws OrtException {
                return env.createSession(bytes, so);
            }

            @Override
            public InputStream openStream() {
                return new ByteArrayInputStream(bytes);
            }
        }, options);
    }

    /** Opens a model built in memory, by serializing it. */
    public static OrtRunner open(OnnxModel model, RunnerOptions options) throws RunnerException {
        return open(Objects.requireNonNull(model, "model").proto().toByteArray(), options);
    }

    private static OrtRunner open(SessionFactory.Source source, RunnerOptions options) throws RunnerException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        return new OrtRunner(env, SessionFactory.open(env, source, options), source);
    }

    /** The device that really runs the model: CPU or CUDA, never AUTO. */
    public Device activeDevice() {
        return activeDevice;
    }

    /** ONNX Runtime's name of the primary execution provider attached, e.g. {@code CUDAExecutionProvider}. */
    public String activeProvider() {
        return activeDevice == Device.CUDA ? "CUDAExecutionProvider" : "CPUExecutionProvider";
    }

    /** Why {@link Device#AUTO} fell back to CPU (ONNX Runtime's reason, or no NVIDIA driver); empty when it did not. */
    public Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }

    /** The model file, or null for a model opened from memory. */
    public Path file() {
        return file;
    }

    /** The model's inputs in graph order. */
    public List<TensorSpec> inputs() {
        return inputs;
    }

    /** The model's outputs in graph order. */
    public List<TensorSpec> outputs() {
        return outputs;
    }

    /**
     * Runs the model once on {@code inputs} (every graph input, by name) and returns every output,
     * in graph order, copied into Java arrays.
     *
     * @throws InputMismatchException when an input is unknown, missing, of another element type, of
     *                                another rank, or off a fixed or shared symbolic dimension
     * @throws OutputMismatchException when an output is not a tensor Regula can copy out
     * @throws RunnerException when ONNX Runtime fails during the run
     * @throws IllegalStateException after {@link #close()}
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) throws RunnerException {
        Objects.requireNonNull(inputs, "inputs");
        InputChecks.check(file, this.inputs, inputs);
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("OrtRunner for " + describe() + " is closed");
            }
            return runOpen(inputs);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private Map<String, Tensor> runOpen(Map<String, Tensor> given) throws RunnerException {
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (TensorSpec spec : inputs) {
                feed.put(spec.name(), OrtTensors.toOrt(env, given.get(spec.name())));
            }
            try (OrtSession.Result result = session.run(feed)) {
                Map<String, Tensor> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    out.put(e.getKey(), OrtTensors.fromOrt(file, e.getKey(), e.getValue()));
                }
                return Collections.unmodifiableMap(out);
            }
        } catch (OrtException e) {
            throw new RunnerException(file, "ONNX Runtime failed running the model on " + activeProvider() + ": "
                    + OrtErrors.reason(e), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    /** Closes the session, waiting for runs in flight; idempotent. Never closes the shared environment. */
    @Override
    public void close() throws RunnerException {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            session.close();
        } catch (OrtException e) {
            throw new RunnerException(file, "ONNX Runtime failed closing the session: " + OrtErrors.reason(e), e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "OrtRunner(" + describe() + " on " + activeProvider() + ")";
    }

    private String describe() {
        return file == null ? "in-memory model" : file.toString();
    }

    /** Specs in graph order; {@code source} is consulted for unknown ranks (inputs only; null for outputs). */
    private List<TensorSpec> specs(String kind, Map<String, NodeInfo> infos, SessionFactory.Source source)
            throws RunnerException {
        List<TensorSpec> specs = new ArrayList<>(infos.size());
        Set<String> unknownRank = null;
        for (NodeInfo node : infos.values()) {
            if (!(node.getInfo() instanceof TensorInfo info)) {
                throw new RunnerException(file, kind + " '" + node.getName() + "' is " + node.getInfo()
                        + "; OrtRunner handles tensor inputs and outputs only");
            }
            ElemType type = OrtTensors.elemType(info);
            if (type == null) {
                throw new RunnerException(file, kind + " '" + node.getName() + "' has element type " + OrtTensors.typeName(info)
                        + ", which Regula does not handle; expected one of " + Arrays.toString(ElemType.values()));
            }
            long[] shape = info.getShape();
            boolean rankKnown = true;
            if (shape.length == 0 && source != null) {
                // Rank 0 from ONNX Runtime means a scalar or no declared shape; only the model can tell.
                if (unknownRank == null) {
                    unknownRank = unknownRankInputs(source);
                }
                rankKnown = !unknownRank.contains(node.getName());
            }
            specs.add(TensorSpec.of(node.getName(), type, shape, info.getDimensionNames(), rankKnown));
        }
        return List.copyOf(specs);
    }

    private Set<String> unknownRankInputs(SessionFactory.Source source) throws RunnerException {
        try (InputStream in = source.openStream()) {
            return UnknownRankInputs.read(in);
        } catch (IOException e) {
            throw new RunnerException(file, "Could not read the model's graph inputs to tell scalars from inputs of"
                    + " unknown rank: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException ignored) {
            // Already failing with a better error; a close failure would only hide it.
        }
    }
}
