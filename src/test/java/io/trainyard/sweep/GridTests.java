package io.trainyard.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.trainyard.job.JobSpecRanges;
import io.trainyard.system.FieldError;
import io.trainyard.system.TrainyardProperties;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.IntNode;

class GridTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The default limits, with trainyard.limits.max-iterations lowered: the ranges come from configuration. */
    private static final JobSpecRanges RANGES = new JobSpecRanges(
            new Binder(new MapConfigurationPropertySource(Map.of("trainyard.limits.max-iterations", "5000")))
                    .bindOrCreate("trainyard", TrainyardProperties.class)
                    .limits());

    @Test
    void theSizeIsCheckedBeforeAnyValueIsLookedAt() {
        List<JsonNode> seeds = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            seeds.add(IntNode.valueOf(7)); // all duplicates: checking them one by one would be quadratic
        }
        List<FieldError> errors = new ArrayList<>();
        long start = System.nanoTime();

        Grid grid = Grid.check(Map.of("seed", seeds), 200, 32, JSON, RANGES, errors);

        assertThat(grid).isNull();
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("grid");
            assertThat(e.message()).contains("expands to 200000 jobs").contains("limit 200");
        });
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }

    @Test
    void anEmptyListTooBigAGridIsToldAsTheProductItReallyHas() {
        List<JsonNode> seeds = new ArrayList<>();
        for (int i = 0; i < 201; i++) {
            seeds.add(IntNode.valueOf(i));
        }
        Map<String, List<JsonNode>> grid = new LinkedHashMap<>();
        grid.put("seed", seeds);
        grid.put("alpha", List.of());
        grid.put("scale", List.of(IntNode.valueOf(1), IntNode.valueOf(2)));
        List<FieldError> errors = new ArrayList<>();

        assertThat(Grid.check(grid, 200, 32, JSON, RANGES, errors)).isNull();

        assertThat(errors).extracting(FieldError::field).containsExactly("grid", "grid.alpha");
        assertThat(errors.get(0).message()).contains("expands to 402 jobs (201 × 2 values)");
    }

    @Test
    void aNumberWrittenTwiceInTwoWaysIsListedTwice() {
        List<FieldError> errors = new ArrayList<>();

        Grid grid = Grid.check(
                Map.of(
                        "scale",
                        List.of(IntNode.valueOf(1), tools.jackson.databind.node.DoubleNode.valueOf(1.0)),
                        "seed",
                        List.of(
                                tools.jackson.databind.node.LongNode.valueOf(1L << 60),
                                tools.jackson.databind.node.LongNode.valueOf((1L << 60) + 1))),
                200,
                32,
                JSON,
                RANGES,
                errors);

        assertThat(grid).isNull();
        assertThat(Grid.check(
                        Map.of(
                                "alpha",
                                List.of(
                                        tools.jackson.databind.node.DoubleNode.valueOf(Double.POSITIVE_INFINITY),
                                        tools.jackson.databind.node.DoubleNode.valueOf(0.1))),
                        200,
                        32,
                        JSON,
                        RANGES,
                        new ArrayList<>()))
                .as("an infinite value is refused at its own place in the grid")
                .isNull();
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("grid.scale[1]");
            assertThat(e.message()).startsWith("1.0 is listed twice (as 1, grid.scale[0])");
        });
    }

    @Test
    void numbersBeyondADoublesRangeAreEachNotFiniteNotListedTwice() {
        // 1e400 and 2e400 both overflow to Infinity: they used to collide in the duplicate check, which
        // named "Infinity" (never written) at [2] and said nothing of [1].
        Map<String, List<JsonNode>> grid = Map.of("alpha", list("[0.1, 1e400, 2e400]"));
        List<FieldError> errors = new ArrayList<>();

        assertThat(Grid.check(grid, 200, 32, JSON, RANGES, errors)).isNull();

        assertThat(errors).extracting(FieldError::field).containsExactly("grid.alpha[1]", "grid.alpha[2]");
        assertThat(errors)
                .extracting(FieldError::message)
                .allSatisfy(m -> assertThat(m)
                        .contains("not a finite number")
                        .contains("a number > 0")
                        .doesNotContain("listed twice"));
    }

    @Test
    void aNumberBeyondADoublesRangeInsideAValueIsNamedDownToItsPart() {
        // The probe that converts a value read such a part as the string "Infinity" and echoed it
        // ("got [1,"Infinity"]"), a value never sent, at the value's index only.
        Map<String, List<JsonNode>> grid = new LinkedHashMap<>();
        grid.put("layers", list("[[1], [1, 1e400]]"));
        grid.put("earlyStopping", list("[null, {\"patience\": 1e400}]"));
        grid.put("optimizer", list("[{\"type\": \"adam\"}, {\"type\": \"momentum\", \"beta\": -1e400}]"));
        List<FieldError> errors = new ArrayList<>();

        assertThat(Grid.check(grid, 200, 32, JSON, RANGES, errors)).isNull();

        assertThat(errors)
                .extracting(FieldError::field)
                .containsExactly("grid.layers[1][1]", "grid.earlyStopping[1].patience", "grid.optimizer[1].beta");
        assertThat(errors)
                .extracting(FieldError::message)
                .allSatisfy(
                        m -> assertThat(m).startsWith("is not a finite number").doesNotContain("Infinity"));
    }

    @Test
    void aWholeNumberBeyondItsFieldsTypeIsTooLargeWithTheFieldsOwnRangeNotNotAWholeNumber() {
        Map<String, List<JsonNode>> grid = new LinkedHashMap<>();
        grid.put("seed", list("[1, 9223372036854775808]"));
        grid.put("basisDegree", list("[2147483648, -2147483649]"));
        grid.put("iterations", list("[10000000000]"));
        grid.put("layers", list("[[5], [5, 3000000000]]"));
        grid.put("batchSize", list("[null, 2147483648]"));
        grid.put("earlyStopping", list("[null, {\"patience\": 3000000000}]"));
        List<FieldError> errors = new ArrayList<>();

        assertThat(Grid.check(grid, 200, 32, JSON, RANGES, errors)).isNull();

        assertThat(errors)
                .extracting(FieldError::field)
                .containsExactly(
                        "grid.seed[1]",
                        "grid.basisDegree[0]",
                        "grid.basisDegree[1]",
                        "grid.iterations[0]",
                        "grid.layers[1][1]",
                        "grid.batchSize[1]",
                        "grid.earlyStopping[1].patience");
        // A seed is any 64-bit number: its range is the long's. The others say their own, never the int's.
        assertThat(errors.get(0).message())
                .isEqualTo("'9223372036854775808' is too large: must be a whole number from "
                        + "-9223372036854775808 to 9223372036854775807");
        assertThat(errors.get(1).message()).isEqualTo("'2147483648' is too large: must be a whole number from 1 to 10");
        assertThat(errors.get(2).message())
                .isEqualTo("'-2147483649' is too small: must be a whole number from 1 to 10");
        assertThat(errors.get(3).message())
                .isEqualTo("'10000000000' is too large: must be a whole number from 0 to 5000 "
                        + "(trainyard.limits.max-iterations)");
        assertThat(errors.get(4).message())
                .isEqualTo("'3000000000' is too large: must be a whole number from 1 to 1024 "
                        + "(trainyard.limits.max-width)");
        assertThat(errors.get(5).message())
                .startsWith("'2147483648' is too large: must be a whole number of at least 1");
        assertThat(errors.get(6).message())
                .startsWith("'3000000000' is too large: must be a whole number of at least 1");
        assertThat(errors)
                .extracting(FieldError::message)
                .noneMatch(m -> m.contains("2147483647") || m.contains("-2147483648"));
    }

    @Test
    void aProductBeyondLongIsStillTooLarge() {
        Map<String, List<JsonNode>> grid = new LinkedHashMap<>();
        List<JsonNode> many = new ArrayList<>();
        for (int i = 0; i < 70_000; i++) {
            many.add(IntNode.valueOf(i));
        }
        // 70,000^4 > 2^63: a plain long product would wrap around.
        for (String key : List.of("seed", "iterations", "basisDegree", "scale")) {
            grid.put(key, many);
        }
        List<FieldError> errors = new ArrayList<>();

        assertThat(Grid.check(grid, 200, 32, JSON, RANGES, errors)).isNull();
        assertThat(errors)
                .singleElement()
                .extracting(FieldError::message)
                .asString()
                .contains("more than 9223372036854775807")
                .contains("limit 200");
    }

    @Test
    void duplicatesAndOverlongValuesAreNamed() {
        Map<String, List<JsonNode>> grid = new LinkedHashMap<>();
        grid.put("alpha", List.of(JSON.valueToTree(0.1), JSON.valueToTree(0.2), JSON.valueToTree(0.1)));
        grid.put("layers", List.of(JSON.valueToTree(new int[40])));
        List<FieldError> errors = new ArrayList<>();

        assertThat(Grid.check(grid, 200, 32, JSON, RANGES, errors)).isNull();
        assertThat(errors).extracting(FieldError::field).containsExactly("grid.alpha[2]", "grid.layers[0]");
        assertThat(errors.get(1).message()).contains("40 entries").contains("max-hidden-layers");
    }

    @Test
    void theProductOfAGridAsSentCountsAMissingListAsOneAndSaturates() {
        Map<String, List<JsonNode>> grid = new LinkedHashMap<>();
        grid.put("alpha", List.of(IntNode.valueOf(1), IntNode.valueOf(2), IntNode.valueOf(3)));
        grid.put("seed", null);
        grid.put("scale", List.of());

        assertThat(Grid.product(grid)).isEqualTo(3);
        assertThat(Grid.product(null)).isZero();
        List<JsonNode> many = new ArrayList<>();
        for (int i = 0; i < 70_000; i++) {
            many.add(IntNode.valueOf(i));
        }
        assertThat(Grid.product(Map.of("a", many, "b", many, "c", many, "d", many)))
                .isEqualTo(Long.MAX_VALUE);
    }

    private static List<JsonNode> list(String json) {
        List<JsonNode> values = new ArrayList<>();
        JSON.readTree(json).forEach(values::add);
        return values;
    }

    @Test
    void aValidGridExpandsInItsFixedOrder() {
        Map<String, List<JsonNode>> grid = new LinkedHashMap<>();
        grid.put("alpha", List.of(JSON.valueToTree(0.1), JSON.valueToTree(0.2)));
        grid.put("seed", List.of(IntNode.valueOf(1), IntNode.valueOf(2), IntNode.valueOf(3)));
        List<FieldError> errors = new ArrayList<>();

        Grid checked = Grid.check(grid, 6, 32, JSON, RANGES, errors);

        assertThat(errors).isEmpty();
        assertThat(checked.size()).isEqualTo(6);
        assertThat(checked.points()).extracting(Grid::label).startsWith("alpha=0.1, seed=1", "alpha=0.1, seed=2");
    }
}
