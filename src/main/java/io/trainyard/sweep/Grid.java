package io.trainyard.sweep;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.trainyard.job.CreateJobRequest;
import io.trainyard.system.FieldError;
import io.trainyard.system.Names;
import io.trainyard.system.WholeNumberRanges;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The values a sweep tries, checked, and their cartesian product: point {@code i} varies the last
 * key fastest, so the order is the same every time the grid is expanded (the stored sweep relies
 * on that to name each job's point).
 */
final class Grid {

    /** The job fields a grid may vary, and what a value must look like. */
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("scale", "a number >= 0 such as 0.1");
        KEYS.put("alpha", "a number > 0 such as 0.001");
        KEYS.put("layers", "an array of hidden-layer widths such as [50, 50]");
        KEYS.put("activation", "one of \"sigmoid\", \"relu\", \"tanh\", \"none\"");
        KEYS.put("bias", "true or false");
        KEYS.put("normalize", "true or false");
        KEYS.put("basisDegree", "a whole number from 1 to 10");
        KEYS.put("iterations", "a whole number such as 1000");
        KEYS.put("seed", "a whole number");
        KEYS.put("validationFraction", "a number in [0, 1) such as 0.2");
        KEYS.put("optimizer", "an optimizer such as {\"type\": \"adam\"} or {\"type\": \"momentum\", \"beta\": 0.9}");
        KEYS.put("batchSize", "a whole number >= 1 such as 32, or null for full batch");
        KEYS.put(
                "earlyStopping",
                "early stopping such as {\"patience\": 50, \"monitor\": \"validation\"}, or null " + "for none");
    }

    /** Keys whose null value means "this option off" (full batch, no early stopping), a point worth comparing. */
    private static final Set<String> OFF_WHEN_NULL = Set.of("batchSize", "earlyStopping");

    private final Map<String, List<JsonNode>> values;

    private Grid(Map<String, List<JsonNode>> values) {
        this.values = values;
    }

    /**
     * Checks the grid as sent; adds every problem to {@code errors}. The size (the product of the
     * value lists' lengths) is checked first, in saturating long arithmetic, so a grid of a million
     * values costs one multiplication per key and not a million checks; duplicates are found with
     * a hash map, in linear time.
     *
     * @param maxValueLength the longest array a value may be (a layers value has at most this many widths)
     * @param ranges the job fields' whole-number ranges, said of a value too large for its field
     * @return the grid, or null when it has problems
     */
    static Grid check(
            Map<String, List<JsonNode>> grid,
            int maxSize,
            int maxValueLength,
            JsonMapper json,
            WholeNumberRanges ranges,
            List<FieldError> errors) {
        if (grid == null || grid.isEmpty()) {
            errors.add(new FieldError(
                    "grid",
                    "give at least one field with the values to try, e.g. "
                            + "{\"alpha\": [0.001, 0.01], \"layers\": [[5], [50, 50]]}; a grid can vary "
                            + KEYS.keySet()));
            return null;
        }
        int before = errors.size();
        long size = product(grid);
        Map<String, List<JsonNode>> normalized = new LinkedHashMap<>();
        if (size > maxSize) {
            // An empty list is its own problem (below), not a factor of 0 in a product that is not 0.
            List<String> factors = grid.values().stream()
                    .filter(l -> l != null && !l.isEmpty())
                    .map(l -> String.valueOf(l.size()))
                    .toList();
            String jobs = size == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : Long.toString(size);
            errors.add(new FieldError(
                    "grid",
                    "expands to " + jobs + " jobs (" + String.join(" × ", factors)
                            + " values), more than the limit " + maxSize
                            + " (trainyard.limits.max-sweep-size); try fewer values per field"));
            grid.forEach((key, list) -> {
                if ((list == null || list.isEmpty()) && KEYS.containsKey(key)) {
                    errors.add(new FieldError("grid." + key, "give at least one value, e.g. " + KEYS.get(key)));
                }
            });
            return null;
        }
        for (Map.Entry<String, List<JsonNode>> entry : grid.entrySet()) {
            String key = entry.getKey();
            List<JsonNode> list = entry.getValue() == null
                    ? null
                    : entry.getValue().stream()
                            .map(v -> v == null ? (JsonNode) NullNode.getInstance() : v)
                            .toList();
            normalized.put(key, list);
            if (!KEYS.containsKey(key)) {
                errors.add(
                        new FieldError("grid." + key, "is not a field a grid can vary; use any of " + KEYS.keySet()));
                continue;
            }
            if (list == null || list.isEmpty()) {
                errors.add(new FieldError("grid." + key, "give at least one value, e.g. " + KEYS.get(key)));
                continue;
            }
            Map<Object, Integer> seen = new HashMap<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode value = list.get(i);
                String field = "grid." + key + "[" + i + "]";
                // Each value's own problem first, then duplicates: 1e400 and 2e400 both overflow to
                // Infinity, and "listed twice" named a value the client never wrote instead of the one it did.
                FieldError problem = problem(json, key, value, maxValueLength, ranges);
                if (problem != null) {
                    errors.add(new FieldError(field + problem.field(), problem.message()));
                } else {
                    Integer first = seen.putIfAbsent(sameness(value), i);
                    if (first != null) {
                        errors.add(new FieldError(
                                field,
                                value + " is listed twice (as " + list.get(first) + ", grid." + key + "[" + first
                                        + "]); each value makes its own jobs"));
                    }
                }
            }
        }
        return errors.size() > before ? null : new Grid(normalized);
    }

    /**
     * How many jobs a grid as sent expands to: the product of its lists' lengths (an empty or missing
     * list counts as one, being its own problem), saturating at {@link Long#MAX_VALUE}, since the
     * product of many long lists can overflow even a long. Costs one multiplication per key.
     */
    static long product(Map<String, List<JsonNode>> grid) {
        if (grid == null) {
            return 0;
        }
        long size = 1;
        for (List<JsonNode> list : grid.values()) {
            int count = list == null ? 0 : list.size();
            try {
                size = Math.multiplyExact(size, Math.max(count, 1));
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        return size;
    }

    boolean varies(String key) {
        return values.containsKey(key);
    }

    List<JsonNode> values(String key) {
        return values.get(key);
    }

    Map<String, List<JsonNode>> asMap() {
        return values;
    }

    int size() {
        int size = 1;
        for (List<JsonNode> list : values.values()) {
            size *= list.size();
        }
        return size;
    }

    /** Every combination, in a fixed order: the last key varies fastest. */
    List<Map<String, JsonNode>> points() {
        List<Map<String, JsonNode>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<JsonNode>> entry : values.entrySet()) {
            List<Map<String, JsonNode>> next = new ArrayList<>();
            for (Map<String, JsonNode> point : points) {
                for (JsonNode value : entry.getValue()) {
                    Map<String, JsonNode> extended = new LinkedHashMap<>(point);
                    extended.put(entry.getKey(), value);
                    next.add(extended);
                }
            }
            points = next;
        }
        return points;
    }

    /**
     * A short description of a point for names and chart legends, e.g. {@code alpha=0.001, layers=[5]}. A
     * value that is no text ({@code "\ud800"}) is written as its escape: the label becomes a member's name,
     * which would otherwise be refused as {@code base.name}, a field the client never sent, beside the
     * value's own problem.
     */
    static String label(Map<String, JsonNode> point) {
        List<String> parts = new ArrayList<>();
        point.forEach((key, value) -> parts.add(key + "=" + (value.isString() ? value.asString() : value.toString())));
        return Names.escapeNonText(String.join(", ", parts));
    }

    /** The base spec (as a JSON tree, without inline data) with this point's values set. */
    static CreateJobRequest apply(JsonMapper json, ObjectNode base, Map<String, JsonNode> point) {
        ObjectNode spec = base.deepCopy();
        point.forEach(spec::set);
        return json.treeToValue(spec, CreateJobRequest.class);
    }

    /**
     * What is wrong with one value on its own, or null when nothing is: the message, and where inside
     * the value ("" for the value itself, ".patience" or "[1]" for a part of it).
     */
    private static FieldError problem(
            JsonMapper json, String key, JsonNode value, int maxValueLength, WholeNumberRanges ranges) {
        if (value.isNull() && !OFF_WHEN_NULL.contains(key)) {
            return new FieldError("", "must not be null; give " + KEYS.get(key));
        }
        if (value.isContainer() && value.size() > maxValueLength) {
            return new FieldError(
                    "",
                    "has " + value.size() + " entries, more than the limit " + maxValueLength
                            + " (trainyard.limits.max-hidden-layers); give " + KEYS.get(key));
        }
        String infinite = nonFinite(value);
        if (infinite != null) {
            // Before the probe below: it would read the part as "Infinity" and echo that string, never sent.
            return new FieldError(
                    infinite,
                    "is not a finite number: it is beyond the range of a number (more than about 1.8e308 in "
                            + "size); give " + KEYS.get(key));
        }
        return unconvertible(json, key, value, ranges);
    }

    /**
     * Why the value cannot be the key's field of a job, or null when it can. A whole number the field
     * cannot hold is too large for it (with the field's range), as POST /jobs says it, not "not a whole
     * number"; inside a value ({@code {"patience": 3000000000}}, {@code [5, 3000000000]}) the part is named.
     */
    private static FieldError unconvertible(JsonMapper json, String key, JsonNode value, WholeNumberRanges ranges) {
        try {
            ObjectNode probe = json.createObjectNode();
            probe.set(key, value);
            json.treeToValue(probe, CreateJobRequest.class);
            return null;
        } catch (InputCoercionException e) {
            if (isWhole(e.getTargetType())) {
                return new FieldError(within(e), WholeNumberRanges.beyond(List.of(ranges), e));
            }
            return new FieldError("", "must be " + KEYS.get(key) + ", got " + value);
        } catch (JacksonException e) {
            return new FieldError("", "must be " + KEYS.get(key) + ", got " + value);
        }
    }

    /** Where in a grid value the probe failed: the path after its first step, the key (".patience", "[1]"). */
    private static String within(JacksonException e) {
        StringBuilder path = new StringBuilder();
        List<JacksonException.Reference> steps = e.getPath();
        for (int i = 1; i < steps.size(); i++) {
            JacksonException.Reference step = steps.get(i);
            if (step.getPropertyName() != null) {
                path.append('.').append(step.getPropertyName());
            } else if (step.getIndex() >= 0) {
                path.append('[').append(step.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static boolean isWhole(Class<?> type) {
        return type == Integer.class || type == int.class || type == Long.class || type == long.class;
    }

    /** A number beyond a double's range (1e400): JSON has no Infinity, so only such overflow gives one. */
    private static boolean isInfinite(JsonNode value) {
        return value.isNumber() && !value.isIntegralNumber() && !Double.isFinite(value.doubleValue());
    }

    /**
     * Where in a grid value the first number beyond a double's range is: "" for the value itself, the
     * part for one inside it ({@code [1]} of a layers value, {@code .patience} of early stopping,
     * {@code .beta} of an optimizer), or null when there is none. The depth is the parser's nesting limit.
     */
    private static String nonFinite(JsonNode value) {
        if (isInfinite(value)) {
            return "";
        }
        if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                String inner = nonFinite(value.get(i));
                if (inner != null) {
                    return "[" + i + "]" + inner;
                }
            }
        } else if (value.isObject()) {
            for (Map.Entry<String, JsonNode> property : value.properties()) {
                String inner = nonFinite(property.getValue());
                if (inner != null) {
                    return "." + property.getKey() + inner;
                }
            }
        }
        return null;
    }

    /**
     * What makes two grid values the same as written: a number by its value (1 and 1.0, 0.1 and 1e-1
     * are one scale), anything else as written. Values written differently that resolve alike
     * ({@code "RELU"} and {@code "relu"}) are found later, on the members' resolved specs
     * ({@code JobService}, named by {@code SweepService}).
     */
    private static Object sameness(JsonNode value) {
        if (!value.isNumber()) {
            return value;
        }
        if (value.isIntegralNumber()) {
            // Exact whatever its size: a whole number of 400 digits has no double, and asking for one throws.
            return value.decimalValue().stripTrailingZeros();
        }
        if (isInfinite(value)) {
            return value; // no decimal value for an infinite one (1e400), refused before it is compared
        }
        return value.decimalValue().stripTrailingZeros();
    }
}
