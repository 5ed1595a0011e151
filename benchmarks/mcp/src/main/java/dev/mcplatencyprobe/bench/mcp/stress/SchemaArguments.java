package dev.mcplatencyprobe.bench.mcp.stress;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Makes up tool arguments that a tool's {@code inputSchema} (JSON Schema, drafts 4 to 2020-12)
 * accepts, so the stress test can call any server's tools without knowing them.
 *
 * <p>Understood: {@code type} (one or a list), {@code properties}/{@code required},
 * {@code additionalProperties}, {@code minProperties}/{@code maxProperties}, {@code items} (one schema
 * or a tuple), {@code prefixItems}, {@code minItems}/{@code maxItems}/{@code uniqueItems},
 * {@code enum}, {@code const}, string {@code minLength}/{@code maxLength} and the formats date-time,
 * date, time, uri, uri-reference, email, uuid, hostname, ipv4, ipv6; numeric {@code minimum},
 * {@code maximum}, {@code exclusiveMinimum}/{@code exclusiveMaximum} (boolean and numeric forms),
 * {@code multipleOf}; {@code anyOf}/{@code oneOf} (one branch is picked), {@code allOf} (merged),
 * {@code $ref} to a JSON pointer inside the same schema. A schema that needs anything else
 * ({@code pattern}, {@code not}, {@code contains}, {@code dependentRequired}, a {@code $ref} elsewhere) makes a value
 * impossible only where it is required: optional properties that need it are left out.
 *
 * <p>Values stay small and plausible: numbers near their lower bound, strings of real words, a few
 * array items, optional properties half of the time. Immutable and thread-safe; the randomness is
 * the caller's.
 */
final class SchemaArguments {
    /** Nesting beyond this stops optional properties and extra items; required recursion past twice this fails. */
    static final int SOFT_DEPTH = 6;
    /** Unbounded numbers are drawn from [low, low + SPAN] (or [high - SPAN, high]). */
    static final long NUMBER_SPAN = 100;
    /** Arrays get at most this many items beyond minItems. */
    static final int EXTRA_ITEMS = 3;
    /** Strings without a maxLength get at most this many words. */
    static final int MAX_WORDS = 8;
    /** Samples {@link #of} draws to find out whether the schema can be satisfied at all. */
    private static final int PROBE_SAMPLES = 16;
    private static final int UNIQUE_ATTEMPTS = 20;
    /** A server's schema is input: lengths and counts beyond these are refused, not built. */
    static final int MAX_MIN_LENGTH = 1 << 16;
    static final int MAX_MIN_ITEMS = 1_000;
    static final int MAX_MIN_PROPERTIES = 1_000;
    /** Values in one instance at most: nested minimums multiply. */
    static final int MAX_VALUES = 100_000;
    /** Values left for the instance being made on this thread. */
    private static final ThreadLocal<int[]> VALUES_LEFT = ThreadLocal.withInitial(() -> new int[1]);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String[] WORDS = {
        "latency", "syscall", "server", "session", "request", "thought", "memory", "kernel", "probe",
        "histogram", "percentile", "budget", "queue", "socket", "epoll", "futex", "write", "read",
        "cache", "tail", "spike", "steady", "design", "decide", "measure", "trace", "context", "tool",
    };
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";

    /** The schema asks for something this generator cannot make. */
    static final class UnsupportedSchemaException extends Exception {
        UnsupportedSchemaException(String message) {
            super(message, null, false, false);
        }
    }

    /** Internal: thrown while generating, caught where a value is optional. */
    private static final class Impossible extends RuntimeException {
        Impossible(String message) {
            super(message, null, false, false);
        }
    }

    private final JsonNode root;

    private SchemaArguments(JsonNode root) {
        this.root = root;
    }

    /**
     * A generator for {@code schema}; fails with the reason when no value can be made (tried on
     * a fixed seed, so the same schema always gets the same verdict).
     */
    static SchemaArguments of(JsonNode schema) throws UnsupportedSchemaException {
        if (schema == null || schema.isMissingNode() || schema.isNull()) {
            schema = NODES.objectNode().put("type", "object");
        }
        SchemaArguments g = new SchemaArguments(schema);
        RandomGenerator probe = new java.util.SplittableRandom(0x5eed);
        for (int i = 0; i < PROBE_SAMPLES; i++) {
            try {
                g.instance(probe);
            } catch (Impossible e) {
                throw new UnsupportedSchemaException(e.getMessage());
            }
        }
        return g;
    }

    /** A value the schema accepts (for an MCP tool: the arguments object). */
    JsonNode generate(RandomGenerator random) {
        // of() made PROBE_SAMPLES of these; a random draw bigger than MAX_VALUES is drawn again.
        for (int attempt = 1; ; attempt++) {
            try {
                return instance(random);
            } catch (Impossible e) {
                if (attempt == PROBE_SAMPLES) {
                    throw new IllegalStateException("no value for the schema: " + e.getMessage());
                }
            }
        }
    }

    private JsonNode instance(RandomGenerator random) {
        VALUES_LEFT.get()[0] = MAX_VALUES;
        return value(root, 0, random);
    }

    /**
     * Arguments the schema rejects: a required property left out, or a property given a value of a
     * type it does not allow; null when the schema accepts anything this can think of.
     */
    JsonNode invalid(RandomGenerator random) {
        JsonNode schema = flatten(root);
        JsonNode valid = generate(random);
        if (!(valid instanceof ObjectNode obj)) {
            return null;
        }
        List<String> required = strings(schema.path("required"));
        JsonNode props = schema.path("properties");
        List<String> typed = new ArrayList<>();
        for (Iterator<String> it = props.propertyNames().iterator(); it.hasNext(); ) {
            String name = it.next();
            JsonNode p = resolve(props.get(name));
            if (p.has("type") && !p.has("enum") && !p.has("const") && !p.has("anyOf") && !p.has("oneOf") && !p.has("allOf")) {
                typed.add(name);
            }
        }
        boolean dropRequired = !required.isEmpty() && (typed.isEmpty() || random.nextBoolean());
        if (dropRequired) {
            obj.remove(required.get(random.nextInt(required.size())));
            return obj;
        }
        if (typed.isEmpty()) {
            return null;
        }
        String name = typed.get(random.nextInt(typed.size()));
        JsonNode wrong = wrongType(types(resolve(props.get(name))));
        if (wrong == null) {
            return null;
        }
        obj.set(name, wrong);
        return obj;
    }

    // ---------------------------------------------------------------- values

    private JsonNode value(JsonNode schema, int depth, RandomGenerator r) {
        if (--VALUES_LEFT.get()[0] < 0) {
            throw new Impossible("the schema requires more than " + MAX_VALUES + " values in one instance");
        }
        if (depth > 2 * SOFT_DEPTH) {
            throw new Impossible("the schema requires nesting deeper than " + 2 * SOFT_DEPTH + " levels");
        }
        JsonNode s = flatten(schema);
        if (s.isBoolean()) {
            if (!s.asBoolean()) {
                throw new Impossible("a schema 'false' accepts nothing");
            }
            return NODES.stringNode(word(r));
        }
        if (s.has("const")) {
            return s.get("const").deepCopy();
        }
        if (s.has("enum")) {
            JsonNode e = s.get("enum");
            if (!e.isArray() || e.isEmpty()) {
                throw new Impossible("an empty enum accepts nothing");
            }
            return e.get(r.nextInt(e.size())).deepCopy();
        }
        for (String k : List.of("anyOf", "oneOf")) {
            if (s.has(k)) {
                return branch(s, k, depth, r);
            }
        }
        for (String k : List.of("not", "contains", "pattern", "if", "dependentSchemas", "dependentRequired", "dependencies",
                "patternProperties", "propertyNames")) {
            if (s.has(k) && !(k.equals("patternProperties") && s.get(k).isEmpty())) {
                throw new Impossible("'" + k + "' is not supported by the argument generator");
            }
        }
        List<String> types = types(s);
        List<String> usable = types.size() > 1 ? types.stream().filter(t -> !t.equals("null")).toList() : types;
        // The first type listed is taken as the main one (zod and most generators list it first):
        // the others get a fifth of the values, so a server that coerces strings is not flooded.
        String type = usable.size() == 1 || r.nextInt(5) != 0 ? usable.get(0) : usable.get(1 + r.nextInt(usable.size() - 1));
        return switch (type) {
            case "object" -> object(s, depth, r);
            case "array" -> array(s, depth, r);
            case "string" -> string(s, r);
            case "integer" -> integer(s, r);
            case "number" -> number(s, r);
            case "boolean" -> NODES.booleanNode(r.nextBoolean());
            case "null" -> NODES.nullNode();
            default -> throw new Impossible("unknown type '" + type + "'");
        };
    }

    /** anyOf/oneOf: the rest of the schema merged with one branch, tried in random order until one works. */
    private JsonNode branch(JsonNode s, String keyword, int depth, RandomGenerator r) {
        JsonNode branches = s.get(keyword);
        if (!branches.isArray() || branches.isEmpty()) {
            throw new Impossible("an empty " + keyword + " accepts nothing");
        }
        ObjectNode rest = ((ObjectNode) s).deepCopy();
        rest.remove(keyword);
        int n = branches.size();
        int first = r.nextInt(n);
        Impossible last = null;
        for (int i = 0; i < n; i++) {
            JsonNode b = flatten(branches.get((first + i) % n));
            if (b.isBoolean()) {
                if (b.asBoolean()) {
                    return value(rest, depth, r);
                }
                continue;
            }
            try {
                return value(merge(rest, (ObjectNode) b), depth, r);
            } catch (Impossible e) {
                last = e;
            }
        }
        throw last != null ? last : new Impossible("no branch of " + keyword + " accepts anything");
    }

    private ObjectNode object(JsonNode s, int depth, RandomGenerator r) {
        ObjectNode out = NODES.objectNode();
        JsonNode props = s.path("properties");
        JsonNode additional = s.path("additionalProperties");
        boolean closed = additional.isBoolean() && !additional.asBoolean();
        int minProps = s.path("minProperties").asInt(0);
        if (minProps > MAX_MIN_PROPERTIES) {
            throw new Impossible("minProperties " + minProps + " is more than this generator makes (" + MAX_MIN_PROPERTIES + ")");
        }
        int maxProps = s.has("maxProperties") ? s.get("maxProperties").asInt() : Integer.MAX_VALUE;
        Set<String> required = new LinkedHashSet<>(strings(s.path("required")));
        for (String name : required) {
            JsonNode p = props.get(name);
            if (p == null) {
                if (closed) {
                    throw new Impossible("'" + name + "' is required but additionalProperties is false");
                }
                p = additional.isObject() ? additional : NODES.objectNode().put("type", "string");
            }
            out.set(name, value(p, depth + 1, r));
        }
        if (out.size() > maxProps) {
            throw new Impossible("more required properties than maxProperties");
        }
        List<String> optional = new ArrayList<>();
        for (Iterator<String> it = props.propertyNames().iterator(); it.hasNext(); ) {
            String name = it.next();
            if (!required.contains(name)) {
                optional.add(name);
            }
        }
        boolean shallow = depth < SOFT_DEPTH;
        for (String name : optional) {
            boolean needed = out.size() < minProps;
            if (out.size() >= maxProps || !(needed || (shallow && r.nextBoolean()))) {
                continue;
            }
            try {
                out.set(name, value(props.get(name), depth + 1, r));
            } catch (Impossible e) {
                // optional: leave it out
            }
        }
        if (additional.isObject()) {
            int extras = Math.max(minProps - out.size(), shallow && r.nextInt(4) == 0 ? 1 : 0);
            for (int i = 0; i < extras && out.size() < maxProps; i++) {
                String key = "x_" + word(r) + "_" + i;
                if (!props.has(key)) {
                    out.set(key, value(additional, depth + 1, r));
                }
            }
        }
        if (out.size() < minProps) {
            if (closed || additional.isObject()) {
                throw new Impossible("minProperties " + minProps + " cannot be reached");
            }
            for (int i = 0; out.size() < minProps; i++) {
                out.put("x_extra_" + i, word(r));
            }
        }
        return out;
    }

    private ArrayNode array(JsonNode s, int depth, RandomGenerator r) {
        int min = s.path("minItems").asInt(0);
        int max = s.has("maxItems") ? s.get("maxItems").asInt() : Integer.MAX_VALUE;
        if (min > MAX_MIN_ITEMS) {
            throw new Impossible("minItems " + min + " is more than this generator makes (" + MAX_MIN_ITEMS + ")");
        }
        if (min > max) {
            throw new Impossible("minItems " + min + " > maxItems " + max);
        }
        // A tuple: prefixItems (2020-12), or items as an array (earlier drafts), then the rest.
        JsonNode tuple = s.has("prefixItems") ? s.get("prefixItems") : s.path("items").isArray() ? s.get("items") : null;
        JsonNode rest = s.has("prefixItems") ? s.path("items") : tuple != null ? s.path("additionalItems") : s.path("items");
        boolean restAllowed = !(rest.isBoolean() && !rest.asBoolean());
        JsonNode restSchema = rest.isMissingNode() ? NODES.objectNode().put("type", "string") : rest;
        int tupleLen = tuple == null ? 0 : tuple.size();
        int n = depth < SOFT_DEPTH ? min + r.nextInt(EXTRA_ITEMS + 1) : min;
        n = Math.min(n, max);
        if (!restAllowed) {
            if (min > tupleLen) {
                throw new Impossible("minItems " + min + " needs more items than the tuple allows");
            }
            n = Math.min(n, tupleLen);
        }
        boolean unique = s.path("uniqueItems").asBoolean(false);
        ArrayNode out = NODES.arrayNode();
        Set<JsonNode> seen = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            JsonNode itemSchema = i < tupleLen ? tuple.get(i) : restSchema;
            JsonNode v = value(itemSchema, depth + 1, r);
            for (int a = 0; unique && seen.contains(v); a++) {
                if (a == UNIQUE_ATTEMPTS) {
                    if (i >= min) {
                        return out;
                    }
                    throw new Impossible("cannot make " + min + " unique items");
                }
                v = value(itemSchema, depth + 1, r);
            }
            seen.add(v);
            out.add(v);
        }
        return out;
    }

    private JsonNode string(JsonNode s, RandomGenerator r) {
        int min = s.path("minLength").asInt(0);
        int max = s.has("maxLength") ? s.get("maxLength").asInt() : Integer.MAX_VALUE;
        if (min > MAX_MIN_LENGTH) {
            throw new Impossible("minLength " + min + " is more than this generator makes (" + MAX_MIN_LENGTH + ")");
        }
        if (min > max) {
            throw new Impossible("minLength " + min + " > maxLength " + max);
        }
        String format = s.path("format").asString("");
        String v = switch (format) {
            case "date-time" -> DATE_TIME.format(instant(r));
            case "date" -> DATE_TIME.format(instant(r)).substring(0, 10);
            case "time" -> DATE_TIME.format(instant(r)).substring(11);
            case "uuid" -> new UUID(r.nextLong(), r.nextLong()).toString();
            case "ipv4" -> r.nextInt(1, 224) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
            case "ipv6" -> String.format(Locale.ROOT, "fd00::%x:%x", r.nextInt(0x10000), r.nextInt(0x10000));
            // Padding goes where the format allows any letters: the path, the local part, the first label.
            case "uri", "uri-reference", "iri", "url" -> padded("https://example.com/", word(r), "", min, max, true);
            case "email", "idn-email" -> padded("", word(r), "@example.com", min, max, false);
            case "hostname", "idn-hostname" -> padded("", word(r), ".example.com", min, Math.min(max, 253), false);
            default -> null;
        };
        if (v != null) {
            if (v.length() < min || v.length() > max) {
                throw new Impossible("a " + format + " cannot have a length in [" + min + ", " + max + "]");
            }
            return NODES.stringNode(v);
        }
        StringBuilder b = new StringBuilder();
        int words = 1 + r.nextInt(MAX_WORDS);
        for (int i = 0; i < words; i++) {
            String w = word(r);
            if (b.length() + (i > 0 ? 1 : 0) + w.length() > max) {
                break;
            }
            if (i > 0) {
                b.append(' ');
            }
            b.append(w);
        }
        while (b.length() < min) {
            b.append(LETTERS.charAt(r.nextInt(LETTERS.length())));
        }
        if (b.length() > max) {
            b.setLength(max);
        }
        return NODES.stringNode(b.toString());
    }

    /** prefix + core + suffix, the core grown with letters or cut so the whole fits [min, max]. */
    private static String padded(String prefix, String core, String suffix, int min, int max, boolean coreMayBeEmpty) {
        int fixed = prefix.length() + suffix.length();
        int room = max - fixed;
        int floor = coreMayBeEmpty ? 0 : 1;
        if (room < floor) {
            return prefix + core + suffix; // too long whatever we do: the caller reports it
        }
        StringBuilder c = new StringBuilder(core.length() > room ? core.substring(0, room) : core);
        while (fixed + c.length() < min) {
            c.append(LETTERS.charAt(c.length() % LETTERS.length()));
        }
        if (c.length() > 63 && suffix.startsWith(".")) {
            throw new Impossible("a hostname label cannot be longer than 63 characters");
        }
        return prefix + c + suffix;
    }

    private static Instant instant(RandomGenerator r) {
        // Between 2020 and 2030: plausible timestamps, whole seconds.
        return Instant.ofEpochSecond(1_577_836_800L + r.nextLong(315_360_000L));
    }

    private static JsonNode integer(JsonNode s, RandomGenerator r) {
        Bounds b = Bounds.of(s, true);
        BigInteger lo = b.low == null ? null : b.low.setScale(0, RoundingMode.CEILING).toBigInteger();
        BigInteger hi = b.high == null ? null : b.high.setScale(0, RoundingMode.FLOOR).toBigInteger();
        BigInteger step = BigInteger.ONE;
        if (s.has("multipleOf")) {
            BigDecimal m = s.get("multipleOf").decimalValue();
            if (m.stripTrailingZeros().scale() > 0) {
                // An integer multiple of a fraction: a multiple of its numerator-ish part; keep it simple.
                m = m.multiply(BigDecimal.TEN.pow(m.stripTrailingZeros().scale()));
            }
            step = m.toBigInteger().abs();
            if (step.signum() == 0) {
                throw new Impossible("multipleOf 0");
            }
        }
        BigInteger[] range = range(lo, hi, BigInteger.valueOf(NUMBER_SPAN));
        BigInteger kLo = ceilDiv(range[0], step);
        BigInteger kHi = floorDiv(range[1], step);
        if (kLo.compareTo(kHi) > 0) {
            throw new Impossible("no integer satisfies the bounds of " + s);
        }
        BigInteger k = kLo.add(BigInteger.valueOf(r.nextLong(kHi.subtract(kLo).min(BigInteger.valueOf(Long.MAX_VALUE - 1)).longValue() + 1)));
        return NODES.numberNode(k.multiply(step));
    }

    private static JsonNode number(JsonNode s, RandomGenerator r) {
        if (s.has("multipleOf")) {
            // Whole multiples of multipleOf, computed in decimal so 0.1 * 3 is exactly 0.3.
            BigDecimal m = s.get("multipleOf").decimalValue().abs();
            if (m.signum() == 0) {
                throw new Impossible("multipleOf 0");
            }
            Bounds b = Bounds.of(s, false);
            BigInteger kLo = b.low == null ? null : b.low.divide(m, 0, RoundingMode.CEILING).toBigInteger();
            BigInteger kHi = b.high == null ? null : b.high.divide(m, 0, RoundingMode.FLOOR).toBigInteger();
            BigInteger[] range = range(kLo, kHi, BigInteger.valueOf(NUMBER_SPAN));
            for (int a = 0; a < 8; a++) {
                long width = range[1].subtract(range[0]).min(BigInteger.valueOf(Long.MAX_VALUE - 1)).longValue();
                if (width < 0) {
                    break;
                }
                BigDecimal v = m.multiply(new BigDecimal(range[0].add(BigInteger.valueOf(r.nextLong(width + 1)))));
                if (b.admits(v)) {
                    return NODES.numberNode(v);
                }
            }
            throw new Impossible("no multiple of " + m + " satisfies the bounds of " + s);
        }
        Bounds b = Bounds.of(s, false);
        BigDecimal lo = b.low != null ? b.low : b.high != null ? b.high.subtract(BigDecimal.valueOf(NUMBER_SPAN)) : BigDecimal.ZERO;
        BigDecimal hi = b.high != null ? b.high : lo.add(BigDecimal.valueOf(NUMBER_SPAN));
        if (lo.compareTo(hi) > 0) {
            throw new Impossible("no number satisfies the bounds of " + s);
        }
        BigDecimal span = hi.subtract(lo).min(BigDecimal.valueOf(NUMBER_SPAN));
        for (int a = 0; a < 16; a++) {
            BigDecimal v = lo.add(span.multiply(BigDecimal.valueOf(r.nextDouble()))).setScale(3, RoundingMode.HALF_EVEN);
            if (b.admits(v)) {
                return NODES.numberNode(v.stripTrailingZeros());
            }
        }
        // Bounds too tight for 3 decimals: the midpoint, exactly.
        BigDecimal mid = lo.add(hi).divide(BigDecimal.valueOf(2));
        if (b.admits(mid)) {
            return NODES.numberNode(mid);
        }
        throw new Impossible("no number satisfies the bounds of " + s);
    }

    /** [lo, hi] with missing ends filled in NUMBER_SPAN from the other end (or from 0). */
    private static BigInteger[] range(BigInteger lo, BigInteger hi, BigInteger span) {
        if (lo == null && hi == null) {
            lo = BigInteger.ZERO;
        }
        if (lo == null) {
            lo = hi.subtract(span);
        }
        if (hi == null || hi.subtract(lo).compareTo(span) > 0) {
            hi = lo.add(span);
        }
        return new BigInteger[] {lo, hi};
    }

    private static BigInteger ceilDiv(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        return qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    }

    private static BigInteger floorDiv(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
    }

    /** Numeric bounds in both JSON Schema spellings: draft 4's boolean exclusive flags, draft 6+'s numbers. */
    private record Bounds(BigDecimal low, boolean lowExclusive, BigDecimal high, boolean highExclusive) {
        static Bounds of(JsonNode s, boolean integer) {
            BigDecimal low = null;
            BigDecimal high = null;
            boolean lowEx = false;
            boolean highEx = false;
            if (s.path("minimum").isNumber()) {
                low = s.get("minimum").decimalValue();
                lowEx = s.path("exclusiveMinimum").asBoolean(false) && s.path("exclusiveMinimum").isBoolean();
            }
            if (s.path("maximum").isNumber()) {
                high = s.get("maximum").decimalValue();
                highEx = s.path("exclusiveMaximum").asBoolean(false) && s.path("exclusiveMaximum").isBoolean();
            }
            if (s.path("exclusiveMinimum").isNumber()) {
                BigDecimal x = s.get("exclusiveMinimum").decimalValue();
                if (low == null || x.compareTo(low) >= 0) {
                    low = x;
                    lowEx = true;
                }
            }
            if (s.path("exclusiveMaximum").isNumber()) {
                BigDecimal x = s.get("exclusiveMaximum").decimalValue();
                if (high == null || x.compareTo(high) <= 0) {
                    high = x;
                    highEx = true;
                }
            }
            if (integer) {
                // An exclusive integer bound moves to the next integer inside.
                if (low != null && lowEx) {
                    low = low.setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE);
                    lowEx = false;
                }
                if (high != null && highEx) {
                    high = high.setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE);
                    highEx = false;
                }
            }
            return new Bounds(low, lowEx, high, highEx);
        }

        boolean admits(BigDecimal v) {
            if (low != null && (lowExclusive ? v.compareTo(low) <= 0 : v.compareTo(low) < 0)) {
                return false;
            }
            return high == null || (highExclusive ? v.compareTo(high) < 0 : v.compareTo(high) <= 0);
        }
    }

    // ---------------------------------------------------------------- schema plumbing

    /** The schema with $ref followed and allOf merged in, so the rest sees one plain schema. */
    private JsonNode flatten(JsonNode schema) {
        JsonNode s = resolve(schema);
        if (s.isObject() && s.has("allOf")) {
            ObjectNode merged = ((ObjectNode) s).deepCopy();
            merged.remove("allOf");
            for (JsonNode part : s.get("allOf")) {
                JsonNode p = flatten(part);
                if (p.isBoolean()) {
                    if (!p.asBoolean()) {
                        throw new Impossible("allOf contains 'false'");
                    }
                    continue;
                }
                merged = merge(merged, (ObjectNode) p);
            }
            return merged;
        }
        return s;
    }

    /** Follows $ref (a JSON pointer into the root schema, possibly through several refs). */
    private JsonNode resolve(JsonNode schema) {
        JsonNode s = schema;
        for (int hops = 0; s.isObject() && s.has("$ref"); hops++) {
            if (hops > 32) {
                throw new Impossible("a $ref cycle");
            }
            String ref = s.get("$ref").asString("");
            if (!ref.startsWith("#")) {
                throw new Impossible("$ref '" + ref + "' points outside the schema");
            }
            JsonNode target = root.at(ref.substring(1).isEmpty() ? "" : decode(ref.substring(1)));
            if (target.isMissingNode()) {
                throw new Impossible("$ref '" + ref + "' points nowhere");
            }
            if (s.size() > 1) {
                // Draft 2019+: keywords beside $ref apply too.
                ObjectNode rest = ((ObjectNode) s).deepCopy();
                rest.remove("$ref");
                s = target.isObject() ? merge((ObjectNode) target.deepCopy(), rest) : target;
            } else {
                s = target;
            }
        }
        return s;
    }

    private static String decode(String pointer) {
        return java.net.URLDecoder.decode(pointer.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Both schemas' constraints in one: properties and required united, other keywords from b win. */
    private static ObjectNode merge(ObjectNode a, ObjectNode b) {
        ObjectNode m = a.deepCopy();
        for (Map.Entry<String, JsonNode> e : b.properties()) {
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (k.equals("properties") && m.path("properties").isObject() && v.isObject()) {
                ObjectNode p = ((ObjectNode) m.get("properties")).deepCopy();
                for (Map.Entry<String, JsonNode> pe : v.properties()) {
                    JsonNode old = p.get(pe.getKey());
                    p.set(pe.getKey(), old != null && old.isObject() && pe.getValue().isObject()
                            ? NODES.objectNode().set("allOf", NODES.arrayNode().add(old).add(pe.getValue()))
                            : pe.getValue());
                }
                m.set("properties", p);
            } else if (k.equals("required") && m.path("required").isArray()) {
                Set<String> req = new LinkedHashSet<>(strings(m.get("required")));
                req.addAll(strings(v));
                ArrayNode arr = NODES.arrayNode();
                req.forEach(arr::add);
                m.set("required", arr);
            } else if (k.equals("type") && m.has("type")) {
                List<String> both = new ArrayList<>(types(m));
                both.retainAll(types(b));
                if (both.isEmpty()) {
                    throw new Impossible("types " + m.get("type") + " and " + v + " have nothing in common");
                }
                ArrayNode arr = NODES.arrayNode();
                both.forEach(arr::add);
                m.set("type", arr);
            } else if ((k.equals("minimum") || k.equals("minLength") || k.equals("minItems") || k.equals("minProperties")) && m.path(k).isNumber()) {
                m.set(k, m.get(k).decimalValue().compareTo(v.decimalValue()) >= 0 ? m.get(k) : v);
            } else if ((k.equals("maximum") || k.equals("maxLength") || k.equals("maxItems") || k.equals("maxProperties")) && m.path(k).isNumber()) {
                m.set(k, m.get(k).decimalValue().compareTo(v.decimalValue()) <= 0 ? m.get(k) : v);
            } else {
                m.set(k, v);
            }
        }
        return m;
    }

    /** The types a schema allows, inferred from its keywords when it names none. */
    private static List<String> types(JsonNode s) {
        JsonNode t = s.path("type");
        if (t.isString()) {
            return List.of(t.asString());
        }
        if (t.isArray() && !t.isEmpty()) {
            return strings(t);
        }
        if (s.has("properties") || s.has("required") || s.has("additionalProperties") || s.has("minProperties")) {
            return List.of("object");
        }
        if (s.has("items") || s.has("prefixItems") || s.has("minItems") || s.has("maxItems")) {
            return List.of("array");
        }
        if (s.has("minLength") || s.has("maxLength") || s.has("format")) {
            return List.of("string");
        }
        if (s.has("minimum") || s.has("maximum") || s.has("exclusiveMinimum") || s.has("exclusiveMaximum") || s.has("multipleOf")) {
            return List.of("number");
        }
        return List.of("string");
    }

    /** A value of none of {@code allowed}'s types; null if every type is allowed. */
    private static JsonNode wrongType(List<String> allowed) {
        Set<String> a = new java.util.HashSet<>(allowed);
        if (a.contains("number")) {
            a.add("integer");
        }
        if (!a.contains("object")) {
            return NODES.objectNode().put("not", "expected here");
        }
        if (!a.contains("array")) {
            return NODES.arrayNode().add("not expected here");
        }
        if (!a.contains("string")) {
            return NODES.stringNode("not expected here");
        }
        if (!a.contains("boolean")) {
            return NODES.booleanNode(true);
        }
        if (!a.contains("integer")) {
            return NODES.numberNode(7);
        }
        return null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> l = new ArrayList<>();
        for (JsonNode n : array) {
            if (n.isString()) {
                l.add(n.asString());
            }
        }
        return l;
    }

    static String word(RandomGenerator r) {
        return WORDS[r.nextInt(WORDS.length)];
    }
}
