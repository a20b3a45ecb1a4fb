package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.trainyard.dataset.DataTables;
import io.trainyard.job.CreateJobRequest;
import io.trainyard.model.DataDigest;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.JsonConfiguration;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/** The start-up rehearsal of a submit's data path reads real homework bodies, in each style, as the service does. */
class DataPathRehearsalTests {

    private final JsonMapper mapper = JsonConfiguration.strictMapper();

    @Test
    void everyStyleIsAValidHomeworkJobWhoseDigestIsThatOfItsRows() {
        for (DataPathRehearsal.Style style : DataPathRehearsal.Style.values()) {
            byte[] body = DataPathRehearsal.homeworkBody(new SplittableRandom(1), style);
            CreateJobRequest request = mapper.readValue(body, CreateJobRequest.class);

            assertThat(request.data().x()).as(style.name()).hasNumberOfRows(400);
            assertThat(request.data().x()[0]).hasSize(5);
            assertThat(request.data().testX()).hasNumberOfRows(100);
            assertThat(request.layers()).containsExactly(20);
            double[][] y = DataTables.targets(request.data().y(), "data.y", new ArrayList<>(), true);
            assertThat(y).hasNumberOfRows(400);
            String expected = DataDigest.sha256(request.data().x(), y);
            for (DataPathRehearsal.Input input : DataPathRehearsal.Input.values()) {
                assertThat(new DataPathRehearsal().once(body, input))
                        .as(input.name())
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void theStylesCoverWhatRealClientsWrite() {
        String compact = text(DataPathRehearsal.Style.COMPACT);
        String python = text(DataPathRehearsal.Style.PYTHON);
        String pretty = text(DataPathRehearsal.Style.PRETTY);

        assertThat(compact).doesNotContain(" ", "\n").containsPattern("\\dE-\\d");
        assertThat(python).contains(", ", ": ").containsPattern("\\de-0\\d").doesNotContain("E");
        // whole numbers, as a hand-written or pretty-printed body has them
        assertThat(pretty).contains("\n    [").containsPattern("[\\[,]-?\\d+[,\\]]");
    }

    @Test
    void itReadsAndChecksAsTheSubmitPathItIsGivenSays() {
        AtomicInteger read = new AtomicInteger();
        List<CreateJobRequest> checked = new ArrayList<>();

        new DataPathRehearsal(new DataPathRehearsal.SubmitPath(countingStrings(read), checked::add))
                .rehearse(5, () -> false);

        assertThat(read).hasValue(5 * 2); // each body's name and activation
        assertThat(checked)
                .hasSize(5)
                .allSatisfy(request -> assertThat(request.data().testX()).hasNumberOfRows(100));
    }

    @Test
    void checksThatRefuseTheHomeworkBodyAreLeftOutAndTheParsingGoesOn() {
        AtomicInteger read = new AtomicInteger();
        AtomicInteger checked = new AtomicInteger();
        // as JobService.dryRun on an instance whose trainyard.limits.max-iterations is under 3,000
        Consumer<CreateJobRequest> refusing = request -> {
            checked.incrementAndGet();
            throw new InvalidRequestException("iterations", "must be between 0 and 1000");
        };

        int done = new DataPathRehearsal(new DataPathRehearsal.SubmitPath(countingStrings(read), refusing))
                .rehearse(5, () -> false);

        assertThat(done).isEqualTo(5);
        assertThat(read).hasValue(5 * 2);
        assertThat(checked).hasValue(1);
    }

    /** A mapper like the service's that counts the strings it reads. */
    static JsonMapper countingStrings(AtomicInteger read) {
        return JsonConfiguration.strictMapper()
                .rebuild()
                .addModule(new SimpleModule("counting").addDeserializer(String.class, new ValueDeserializer<>() {
                    @Override
                    public String deserialize(JsonParser parser, DeserializationContext context) {
                        read.incrementAndGet();
                        return parser.getValueAsString();
                    }
                }))
                .build();
    }

    @Test
    void theRehearsalStopsWhenToldTo() {
        AtomicInteger asked = new AtomicInteger();

        int done = new DataPathRehearsal().rehearse(DataPathRehearsal.BODIES, () -> asked.incrementAndGet() > 2);

        assertThat(done).isEqualTo(2);
    }

    @Test
    void itReadsAsStrictlyAsTheService() {
        assertThatThrownBy(() -> mapper.readValue("{\"layerz\": [20]}", CreateJobRequest.class))
                .isInstanceOf(UnrecognizedPropertyException.class);
    }

    private static String text(DataPathRehearsal.Style style) {
        return new String(DataPathRehearsal.homeworkBody(new SplittableRandom(3), style), StandardCharsets.UTF_8);
    }
}
