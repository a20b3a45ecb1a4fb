package io.trainyard.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.trainyard.system.FieldError;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.IntNode;

class GridTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theSizeIsCheckedBeforeAnyValueIsLookedAt() {
        List<JsonNode> seeds = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            seeds.add(IntNode.valueOf(7)); // all duplicates: checking them one by one would be quadratic
        }
        List<FieldError> errors = new ArrayList<>();
        long start = System.nanoTime();

        Grid grid = Grid.check(Map.of("seed", seeds), 200, 32, JSON, errors);

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

        assertThat(Grid.check(grid, 200, 32, JSON, errors)).isNull();

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

        assertThat(Grid.check(grid, 200, 32, JSON, errors)).isNull();

        assertThat(errors).extracting(FieldError::field).containsExactly("grid.alpha[1]", "grid.alpha[2]");
        assertThat(errors)
                .extracting(FieldError::message)
                .allSatisfy(m -> assertThat(m)
                        .contains("not a finite number")
                        .contains("a number > 0")
                        .doesNotContain("listed twice"));
    }

    @Test
    void aWholeNumberBeyondItsFieldsRangeIsOutOfRangeNotNotAWholeNumber() {
        Map<String, List<JsonNode>> grid = new LinkedHashMap<>();
        grid.put("seed", list("[1, 9223372036854775808]"));
        grid.put("basisDegree", list("[2147483648]"));
        List<FieldError> errors = new ArrayList<>();

        assertThat(Grid.check(grid, 200, 32, JSON, errors)).isNull();

        assertThat(errors).extracting(FieldError::field).containsExactly("grid.seed[1]", "grid.basisDegree[0]");
        assertThat(errors.get(0).message())
                .isEqualTo("'9223372036854775808' is out of range: must be a whole number from "
                        + "-9223372036854775808 to 9223372036854775807");
        assertThat(errors.get(1).message())
                .isEqualTo("'2147483648' is out of range: must be a whole number from -2147483648 to 2147483647");
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

        assertThat(Grid.check(grid, 200, 32, JSON, errors)).isNull();
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

        assertThat(Grid.check(grid, 200, 32, JSON, errors)).isNull();
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

        Grid checked = Grid.check(grid, 6, 32, JSON, errors);

        assertThat(errors).isEmpty();
        assertThat(checked.size()).isEqualTo(6);
        assertThat(checked.points()).extracting(Grid::label).startsWith("alpha=0.1, seed=1", "alpha=0.1, seed=2");
    }
}
