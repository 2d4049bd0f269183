package dev.regula.models.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Whether an NVIDIA driver is visible, checked before ONNX Runtime is asked for CUDA. On Linux the
 * kernel driver always publishes {@code /proc/driver/nvidia} and {@code /dev/nvidiactl} (GPU
 * containers get both mounted), and WSL2 exposes the GPU as {@code /dev/dxg}; when none exists,
 * CUDA cannot start. Elsewhere nothing is assumed and ONNX Runtime decides.
 */
final class NvidiaDriver {
    static final List<Path> MARKERS = List.of(Path.of("/proc/driver/nvidia/version"), Path.of("/dev/nvidiactl"),
            Path.of("/dev/nvidia0"), Path.of("/dev/dxg"));

    private NvidiaDriver() {
    }

    /** Why CUDA cannot start here, or null when a driver is visible or the platform is not Linux. */
    static String absentReason() {
        return absentReason(System.getProperty("os.name", ""), MARKERS);
    }

    static String absentReason(String osName, List<Path> markers) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return null;
        }
        for (Path marker : markers) {
            if (Files.exists(marker)) {
                return null;
            }
        }
        return "no NVIDIA driver on this machine: none of " + String.join(", ", markers.stream().map(Path::toString).toList())
                + " exists";
    }
}
