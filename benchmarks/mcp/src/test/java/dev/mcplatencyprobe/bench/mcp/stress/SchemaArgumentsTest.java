package dev.mcplatencyprobe.bench.mcp.stress;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every generated instance is checked by a real JSON Schema validator (networknt, the one the MCP
 * SDK validates tool input with), with format assertions on, thousands of instances per schema.
 */
class SchemaArgumentsTest {
    private static final int INSTANCES = 2_000;
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    /** Schemas shaped like real MCP tools' inputs, one or more keywords each. */
    static Stream<String> schemas() {
        return Stream.of(
                // a thought chain: required fields, integers with a huge maximum, a type list, optional fields
                """
                {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{
                  "thought":{"type":"string"},"nextThoughtNeeded":{"type":["boolean","string"]},
                  "thoughtNumber":{"type":"integer","minimum":1,"maximum":9007199254740991},
                  "totalThoughts":{"type":"integer","minimum":1,"maximum":9007199254740991},
                  "isRevision":{"type":["boolean","string"]},"branchId":{"type":"string"}},
                 "required":["thought","nextThoughtNeeded","thoughtNumber","totalThoughts"]}""",
                // nested arrays of objects with their own required properties
                """
                {"type":"object","properties":{"entities":{"type":"array","items":{"type":"object",
                  "properties":{"name":{"type":"string","minLength":1},"entityType":{"type":"string"},
                  "observations":{"type":"array","items":{"type":"string"}}},
                  "required":["name","entityType","observations"],"additionalProperties":false}}},
                 "required":["entities"],"additionalProperties":false}""",
                // enum, const, boolean, null
                """
                {"type":"object","properties":{"mode":{"enum":["fast","slow",3,null]},"version":{"const":"2"},
                  "dry":{"type":"boolean"},"nothing":{"type":"null"}},"required":["mode","version","dry","nothing"]}""",
                // string formats with and without length limits
                """
                {"type":"object","properties":{"when":{"type":"string","format":"date-time"},
                  "day":{"type":"string","format":"date"},"at":{"type":"string","format":"time"},
                  "link":{"type":"string","format":"uri","minLength":40,"maxLength":60},
                  "mail":{"type":"string","format":"email","maxLength":30},
                  "id":{"type":"string","format":"uuid"},"host":{"type":"string","format":"hostname"},
                  "ip":{"type":"string","format":"ipv4"},"ip6":{"type":"string","format":"ipv6"}},
                 "required":["when","day","at","link","mail","id","host","ip","ip6"]}""",
                // string lengths: exact, tiny, long minimum
                """
                {"type":"object","properties":{"code":{"type":"string","minLength":6,"maxLength":6},
                  "tiny":{"type":"string","maxLength":2},"long":{"type":"string","minLength":300}},
                 "required":["code","tiny","long"]}""",
                // numeric bounds: inclusive, exclusive (numeric form), negative, fractional, multipleOf
                """
                {"type":"object","properties":{
                  "ratio":{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1},
                  "temp":{"type":"number","minimum":-273.15,"maximum":-200},
                  "port":{"type":"integer","minimum":1024,"maximum":65535},
                  "odd":{"type":"integer","exclusiveMinimum":10,"exclusiveMaximum":12},
                  "step":{"type":"number","multipleOf":0.1,"minimum":0.25,"maximum":0.75},
                  "even":{"type":"integer","multipleOf":2,"minimum":-7,"maximum":-1},
                  "frac":{"type":"integer","minimum":1.5,"maximum":3.5},
                  "below":{"type":"integer","maximum":-1000000},
                  "near":{"type":"number","minimum":1.0001,"exclusiveMaximum":1.0002}},
                 "required":["ratio","temp","port","odd","step","even","frac","below","near"]}""",
                // draft 4's boolean exclusive bounds
                """
                {"$schema":"http://json-schema.org/draft-04/schema#","type":"object","properties":{
                  "p":{"type":"number","minimum":0,"exclusiveMinimum":true,"maximum":1,"exclusiveMaximum":true},
                  "i":{"type":"integer","minimum":5,"exclusiveMinimum":true,"maximum":7,"exclusiveMaximum":true}},
                 "required":["p","i"]}""",
                // array sizes, unique items, tuples (prefixItems with items:false)
                """
                {"type":"object","properties":{
                  "tags":{"type":"array","items":{"enum":["a","b","c","d"]},"minItems":2,"maxItems":4,"uniqueItems":true},
                  "pair":{"type":"array","prefixItems":[{"type":"string"},{"type":"integer","minimum":0}],"items":false,"minItems":2},
                  "matrix":{"type":"array","minItems":1,"items":{"type":"array","minItems":3,"maxItems":3,"items":{"type":"number"}}},
                  "none":{"type":"array","maxItems":0}},
                 "required":["tags","pair","matrix","none"]}""",
                // anyOf / oneOf branches, with the parent's own keywords beside them
                """
                {"type":"object","properties":{
                  "target":{"oneOf":[{"type":"string","format":"uri"},{"type":"integer","minimum":1,"maximum":9}]},
                  "filter":{"anyOf":[{"type":"object","properties":{"eq":{"type":"string"}},"required":["eq"],"additionalProperties":false},
                                     {"type":"object","properties":{"gt":{"type":"number"}},"required":["gt"],"additionalProperties":false}]},
                  "maybe":{"anyOf":[{"type":"string","maxLength":5},{"type":"null"}]},
                  "shape":{"type":"object","required":["kind"],"oneOf":[
                    {"properties":{"kind":{"const":"circle"},"r":{"type":"number","minimum":0}},"required":["r"]},
                    {"properties":{"kind":{"const":"square"},"side":{"type":"integer","minimum":1}},"required":["side"]}]}},
                 "required":["target","filter","maybe","shape"]}""",
                // $ref into $defs and definitions, recursion bounded by optional properties, allOf
                """
                {"type":"object","$defs":{"node":{"type":"object","properties":{"label":{"type":"string","maxLength":12},
                    "children":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["label"]},
                  "named":{"type":"object","properties":{"name":{"type":"string","minLength":3}},"required":["name"]},
                  "aged":{"type":"object","properties":{"age":{"type":"integer","minimum":0,"maximum":150}},"required":["age"]}},
                 "properties":{"tree":{"$ref":"#/$defs/node"},
                   "person":{"allOf":[{"$ref":"#/$defs/named"},{"$ref":"#/$defs/aged"}]}},
                 "required":["tree","person"]}""",
                """
                {"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"id":{"type":"string","format":"uuid"}},
                 "type":"object","properties":{"ids":{"type":"array","items":{"$ref":"#/definitions/id"},"minItems":1}},"required":["ids"]}""",
                // additionalProperties as a schema, minProperties/maxProperties
                """
                {"type":"object","properties":{"env":{"type":"object","additionalProperties":{"type":"string","maxLength":10},"minProperties":2},
                  "limits":{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"},"c":{"type":"integer"}},"maxProperties":1},
                  "open":{"type":"object","minProperties":3}},
                 "required":["env","limits","open"]}""",
                // no type anywhere: inferred from the keywords
                """
                {"properties":{"n":{"minimum":3,"maximum":4},"s":{"maxLength":3},"o":{"properties":{"x":{"const":1}},"required":["x"]},
                  "a":{"items":{"type":"boolean"},"minItems":1}},"required":["n","s","o","a"]}""",
                // a tool with no arguments at all
                """
                {"type":"object","properties":{}}""",
                // an optional property the generator cannot make is left out
                """
                {"type":"object","properties":{"ok":{"type":"string"},"re":{"type":"string","pattern":"^[0-9a-f]{8}$"}},"required":["ok"]}""");
    }

    @ParameterizedTest
    @MethodSource("schemas")
    void thousandsOfGeneratedInstancesAreValid(String schemaText) throws Exception {
        JsonNode schemaJson = JsonRpc.MAPPER.readTree(schemaText);
        Schema validator = REGISTRY.getSchema(schemaJson);
        SchemaArguments gen = SchemaArguments.of(schemaJson);
        SplittableRandom r = new SplittableRandom(42);
        Set<JsonNode> distinct = new HashSet<>();
        for (int i = 0; i < INSTANCES; i++) {
            JsonNode v = gen.generate(r);
            List<Error> errors = validator.validate(v, ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
            assertTrue(errors.isEmpty(), () -> "instance " + v + " breaks " + schemaText + ": " + errors);
            distinct.add(v);
        }
        // Stress traffic should vary; a schema that admits a single value is the only exception here.
        assertTrue(distinct.size() > 1 || schemaText.contains("\"properties\":{}}"), "only " + distinct);
    }

    @ParameterizedTest
    @MethodSource("schemas")
    void invalidInstancesAreRejectedByTheValidator(String schemaText) throws Exception {
        JsonNode schemaJson = JsonRpc.MAPPER.readTree(schemaText);
        Schema validator = REGISTRY.getSchema(schemaJson);
        SchemaArguments gen = SchemaArguments.of(schemaJson);
        SplittableRandom r = new SplittableRandom(7);
        int made = 0;
        for (int i = 0; i < INSTANCES / 4; i++) {
            JsonNode v = gen.invalid(r);
            if (v == null) {
                continue;
            }
            made++;
            List<Error> errors = validator.validate(v, ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
            assertFalse(errors.isEmpty(), () -> "instance " + v + " was meant to break " + schemaText);
        }
        boolean constrained = schemaText.contains("\"required\"");
        assertTrue(!constrained || made > 0, "no invalid instance for a schema with required properties");
    }

    /** The check above is only as good as the validator: it must reject what it is asked to reject. */
    @Test
    void theValidatorAssertsFormatsBoundsAndBranches() {
        Schema s = REGISTRY.getSchema(JsonRpc.MAPPER.readTree("""
                {"type":"object","properties":{"t":{"type":"string","format":"date-time"},"u":{"type":"string","format":"uuid"},
                 "x":{"type":"number","exclusiveMinimum":0},"o":{"oneOf":[{"type":"integer"},{"type":"number"}]}}}"""));
        for (String bad : List.of("{\"t\":\"yesterday\"}", "{\"u\":\"not-a-uuid\"}", "{\"x\":0}", "{\"o\":3}")) {
            List<Error> errors = s.validate(JsonRpc.MAPPER.readTree(bad), ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
            assertFalse(errors.isEmpty(), bad + " passed");
        }
    }

    @Test
    void optionalPropertiesAppearSometimesAndRequiredOnesAlways() throws Exception {
        SchemaArguments gen = SchemaArguments.of(JsonRpc.MAPPER.readTree(
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"integer\"}},\"required\":[\"a\"]}"));
        SplittableRandom r = new SplittableRandom(1);
        int withB = 0;
        for (int i = 0; i < 1000; i++) {
            JsonNode v = gen.generate(r);
            assertTrue(v.has("a"));
            withB += v.has("b") ? 1 : 0;
        }
        assertTrue(withB > 300 && withB < 700, "b in " + withB + " of 1000");
    }

    @Test
    void unboundedNumbersStayNearTheirLowerBound() throws Exception {
        SchemaArguments gen = SchemaArguments.of(JsonRpc.MAPPER.readTree(
                "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":9007199254740991}},\"required\":[\"n\"]}"));
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 1000; i++) {
            long n = gen.generate(r).get("n").asLong();
            assertTrue(n >= 1 && n <= 1 + SchemaArguments.NUMBER_SPAN, "n = " + n);
        }
    }

    @Test
    void requiredValuesItCannotMakeAreReportedWithTheReason() {
        var e = assertThrows(SchemaArguments.UnsupportedSchemaException.class, () -> SchemaArguments.of(JsonRpc.MAPPER.readTree(
                "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\"pattern\":\"^x\"}},\"required\":[\"id\"]}")));
        assertTrue(e.getMessage().contains("pattern"), e.getMessage());
        for (String impossible : List.of(
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\",\"minimum\":5,\"maximum\":4}},\"required\":[\"a\"]}",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"minLength\":5,\"maxLength\":4}},\"required\":[\"a\"]}",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"enum\":[]}},\"required\":[\"a\"]}",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/missing\"}},\"required\":[\"a\"]}",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"https://example.com/s.json\"}},\"required\":[\"a\"]}",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/properties/a\"}},\"required\":[\"a\"]}",
                "{\"type\":\"object\",\"required\":[\"a\"],\"additionalProperties\":false}",
                // hostile sizes from a server's tools/list are refused, not built
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"minLength\":2000000000}},\"required\":[\"a\"]}",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\",\"minItems\":2000000000}},\"required\":[\"a\"]}",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"minProperties\":2000000000}},\"required\":[\"a\"]}",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\",\"minItems\":900,\"items\":{\"type\":\"array\",\"minItems\":900,\"items\":{\"type\":\"array\",\"minItems\":900}}}},\"required\":[\"a\"]}",
                "{\"type\":\"object\",\"$defs\":{\"n\":{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#/$defs/n\"}},\"required\":[\"next\"]}},\"properties\":{\"a\":{\"$ref\":\"#/$defs/n\"}},\"required\":[\"a\"]}")) {
            assertThrows(SchemaArguments.UnsupportedSchemaException.class, () -> SchemaArguments.of(JsonRpc.MAPPER.readTree(impossible)), impossible);
        }
    }

    @Test
    void aMissingSchemaMeansAnEmptyObject() throws Exception {
        JsonNode v = SchemaArguments.of(null).generate(new SplittableRandom(1));
        assertNotNull(v);
        assertEquals(0, v.size());
        assertNull(SchemaArguments.of(null).invalid(new SplittableRandom(1)));
    }
}
