package dev.regula.transfer.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the bytes of every named configuration: each must write exactly what the mapper it replaced
 * wrote (the legacy constructions are repeated here), and the golden strings catch any drift later.
 */
class JsonTest {
    /** Properties declared out of alphabetical order, a map in insertion order, awkward numbers. */
    record Sample(String zeta, double alpha, float mid, Map<String, Object> map, List<Double> xs) {
    }

    static Sample sample() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 1);
        m.put("a", List.of(0.1, 1e-7));
        m.put("c", Map.of("y", true));
        return new Sample("z\u00e9\n", 1.0E10, 0.1f, m, List.of(Double.NaN, -0.0, 123456789.125));
    }

    static Object[] values() throws Exception {
        JsonNode tree = new ObjectMapper().readTree("{\"q\":1,\"p\":[2.50,{\"s\":null,\"r\":\"x\"}]}");
        return new Object[] {sample(), sample().map(), tree, List.of(1, "two", 3.0)};
    }

    static void assertSameBytes(ObjectMapper named, ObjectMapper legacy) throws Exception {
        for (Object v : values()) {
            assertThat(named.writeValueAsBytes(v)).isEqualTo(legacy.writeValueAsBytes(v));
        }
    }

    @Test
    void namedConfigurationsWriteWhatTheMappersTheyReplacedWrote() throws Exception {
        assertSameBytes(Json.PLAIN, new ObjectMapper());
        assertSameBytes(Json.INDENTED, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT));
        assertSameBytes(Json.SORTED_MAPS, new ObjectMapper()
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .enable(SerializationFeature.INDENT_OUTPUT));
        assertSameBytes(Json.CANONICAL, JsonMapper.builder()
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build());
        assertSameBytes(Json.STRICT_LINES, new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));
        assertSameBytes(Json.STRICT_BINDING, new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
    }

    @Test
    void goldenBytesPerConfiguration() throws Exception {
        Sample s = sample();
        assertThat(Json.PLAIN.writeValueAsString(s)).isEqualTo(
                "{\"zeta\":\"z\u00e9\\n\",\"alpha\":1.0E10,\"mid\":0.1,\"map\":{\"b\":1,\"a\":[0.1,1.0E-7],"
                        + "\"c\":{\"y\":true}},\"xs\":[\"NaN\",-0.0,1.23456789125E8]}");
        assertThat(Json.INDENTED.writeValueAsString(s.map())).isEqualTo(
                "{\n  \"b\" : 1,\n  \"a\" : [ 0.1, 1.0E-7 ],\n  \"c\" : {\n    \"y\" : true\n  }\n}");
        assertThat(Json.SORTED_MAPS.writeValueAsString(s.map())).isEqualTo(
                "{\n  \"a\" : [ 0.1, 1.0E-7 ],\n  \"b\" : 1,\n  \"c\" : {\n    \"y\" : true\n  }\n}");
        assertThat(Json.compact(s)).isEqualTo(
                "{\"alpha\":1.0E10,\"map\":{\"a\":[0.1,1.0E-7],\"b\":1,\"c\":{\"y\":true}},\"mid\":0.1,"
                        + "\"xs\":[\"NaN\",-0.0,1.23456789125E8],\"zeta\":\"z\u00e9\\n\"}");
    }

    @Test
    void canonicalSortsTreeKeysAndEndsWithANewline() throws Exception {
        JsonNode tree = new ObjectMapper().readTree("{\"q\":1,\"p\":{\"s\":null,\"r\":\"x\"}}");
        String expected = "{\n  \"p\" : {\n    \"r\" : \"x\",\n    \"s\" : null\n  },\n  \"q\" : 1\n}";
        assertThat(Json.text(tree)).isEqualTo(expected);
        assertThat(new String(Json.bytes(tree), StandardCharsets.UTF_8)).isEqualTo(expected + "\n");
        assertThat(Json.compact(tree)).isEqualTo("{\"p\":{\"r\":\"x\",\"s\":null},\"q\":1}");
        assertThat(Json.hash(tree)).isEqualTo(Json.hash(Json.CANONICAL.readTree("{\"q\":1,\"p\":{\"r\":\"x\",\"s\":null}}")));
    }

    @Test
    void strictLinesRejectsDuplicateKeysAndTrailingTokens() {
        assertThatThrownBy(() -> Json.STRICT_LINES.readTree("{\"a\":1,\"a\":2}")).hasMessageContaining("Duplicate field 'a'");
        assertThatThrownBy(() -> Json.STRICT_LINES.readTree("{\"a\":1} {}")).hasMessageContaining("Trailing token");
    }

    @Test
    void unserializableValueNamesTheProblem() {
        assertThatThrownBy(() -> Json.bytes(new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not serializable as JSON: ");
    }
}
