package dev.regula.pipeline.run;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Tool and library versions recorded in every manifest, read from the jars' Maven metadata. */
final class Versions {
    private static final Map<String, String> VERSIONS = read();

    private Versions() {
    }

    static Map<String, String> all() {
        return VERSIONS;
    }

    private static Map<String, String> read() {
        Map<String, String> v = new TreeMap<>();
        String regula = Versions.class.getPackage().getImplementationVersion();
        v.put("regula", regula != null ? regula : pom("dev.regula", "regula-pipeline-core", "development build"));
        v.put("djl", property("/ai/djl/engine/api.properties", "djl_version", pom("ai.djl", "api", "unknown")));
        String ort = ai.onnxruntime.OrtEnvironment.class.getPackage().getImplementationVersion();
        v.put("onnxruntime", ort != null ? ort : "unknown");
        v.put("java", System.getProperty("java.version"));
        return v;
    }

    private static String pom(String group, String artifact, String fallback) {
        return property("/META-INF/maven/" + group + "/" + artifact + "/pom.properties", "version", fallback);
    }

    private static String property(String res, String key, String fallback) {
        try (InputStream in = Versions.class.getResourceAsStream(res)) {
            if (in == null) {
                return fallback;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty(key, fallback);
        } catch (IOException e) {
            return fallback;
        }
    }
}
