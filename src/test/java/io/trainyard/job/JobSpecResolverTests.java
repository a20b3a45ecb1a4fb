package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.dataset.DatasetInfo;
import io.trainyard.model.ModelService;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.JsonConfiguration;
import io.trainyard.system.TrainyardProperties;

/** The resolver's checks of a spec against its data, with the data sets and models mocked. */
class JobSpecResolverTests {

    /** Every default of the properties record: a layer at most 1024 wide. */
    private static final TrainyardProperties DEFAULTS = new Binder(new MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("trainyard", TrainyardProperties.class);

    private final DatasetCatalog datasets = mock(DatasetCatalog.class);
    private final JobSpecResolver resolver =
            new JobSpecResolver(datasets, mock(ModelService.class), DEFAULTS, new JobSpecRanges(DEFAULTS));

    private static String row(int width) {
        return IntStream.range(0, width).mapToObj(c -> "1").collect(Collectors.joining(",", "[", "]"));
    }

    private List<FieldError> errors(String json) {
        CreateJobRequest request = JsonConfiguration.strictMapper().readValue(json, CreateJobRequest.class);
        InvalidRequestException refused =
                catchThrowableOfType(InvalidRequestException.class, () -> resolver.resolve(request, null));
        assertThat(refused)
                .as(json.length() > 80 ? json.substring(0, 80) : json)
                .isNotNull();
        return refused.errors();
    }

    /**
     * Data too wide for any network is the data's fault, named on its part; basisDegree only when the
     * expansion makes data that fits too wide (it was named for data of 1025 columns at degree 1).
     */
    @Test
    void dataTooWideIsNamedOnTheDataAndTooWideExpandedOnBasisDegree() {
        String wideX = "{\"alpha\": 0.1, \"layers\": [1], \"data\": {\"x\": [" + row(1025) + ", " + row(1025)
                + "], \"y\": [1, 2]}}";
        assertThat(errors(wideX))
                .containsExactly(new FieldError(
                        "data.x",
                        "has 1025 input columns, more than the width limit 1024 (trainyard.limits.max-width) of a "
                                + "network's input layer"));
        // The same data at degree 2 is too wide already: the degree is not the cause.
        assertThat(errors(wideX.replace("\"layers\"", "\"basisDegree\": 2, \"layers\"")))
                .extracting(FieldError::field)
                .containsExactly("data.x");

        String fits = "{\"alpha\": 0.1, \"basisDegree\": 3, \"layers\": [1], \"data\": {\"x\": [" + row(400)
                + "], \"y\": [1]}}";
        assertThat(errors(fits))
                .containsExactly(new FieldError(
                        "basisDegree",
                        "400 input columns expanded to degree 3 give 1200 inputs, more than the width limit 1024 "
                                + "(trainyard.limits.max-width)"));

        String wideY = "{\"alpha\": 0.1, \"layers\": [1], \"data\": {\"x\": [[1]], \"y\": [" + row(1025) + "]}}";
        assertThat(errors(wideY))
                .containsExactly(new FieldError(
                        "data.y",
                        "has 1025 target columns, more than the width limit 1024 (trainyard.limits.max-width) of a "
                                + "network's output layer"));
    }

    /** A data set is refused at upload when too wide; it can only be so after the limit was lowered. */
    @Test
    void aDataSetTooWideForTheLimitNowIsNamedAsTheDataSet() {
        List<String> columns = Collections.nCopies(1027, "c");
        when(datasets.info("wide"))
                .thenReturn(new DatasetInfo("wide", "wide", columns, 1025, 2, 10, 0, 0, false, Instant.EPOCH, "local"));

        assertThat(errors("{\"dataset\": \"wide\", \"alpha\": 0.1, \"layers\": [1]}"))
                .containsExactly(new FieldError(
                        "dataset",
                        "data set 'wide' has 1025 input columns, more than the width limit 1024 "
                                + "(trainyard.limits.max-width) of a network's input layer"));
    }
}
