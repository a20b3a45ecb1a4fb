package io.trainyard.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.CALLS_REAL_METHODS;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.times;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.mockito.MockedStatic;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.dataset.DataTables;
import io.trainyard.job.CreateJobRequest;
import io.trainyard.job.JobService;
import io.trainyard.nn.Preprocessing;
import io.trainyard.system.InvalidRequestException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * A sweep whose base carries inline data holds one copy of it, whatever its number of members: the
 * data is checked and converted once and every member resolves against those arrays, in the dry run
 * and in the submission. Each member converting it again held 200 copies of 1.5 million rows at once
 * and ran a 6 GB heap out of memory. The services are called on the test's own thread, so a static
 * spy and the thread's allocation counter see exactly the work of one request.
 */
@SpringBootTest(properties = {"trainyard.workers=1"})
class SweepInlineDataTests {

    private static final int MEMBERS = 200;
    private static final int ROWS = 50_000;
    /** What one conversion of the targets allocates: a row array per row (header and number) and the outer array. */
    private static final long ONE_COPY = ROWS * (16L + Double.BYTES) + 16L + ROWS * 8L;

    @Autowired
    SweepService sweeps;

    @Autowired
    JobService jobs;

    @Autowired
    JsonMapper json;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("trainyard.data-dir", SweepInlineDataTests::tempDataDir);
    }

    private static String tempDataDir() {
        try {
            return Files.createTempDirectory("trainyard-sweep-inline").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aDryRunOfTwoHundredMembersChecksAndConvertsItsInlineDataOnce() {
        CreateSweepRequest sweep = sweep(true);
        try (MockedStatic<DataTables> tables = mockStatic(DataTables.class, CALLS_REAL_METHODS);
                MockedStatic<Preprocessing> preprocessing = mockStatic(Preprocessing.class, CALLS_REAL_METHODS)) {

            SweepDryRun dryRun = sweeps.dryRun(sweep);

            assertThat(dryRun.members()).hasSize(MEMBERS);
            tables.verify(() -> DataTables.targets(any(), anyString(), any(), anyBoolean()), times(3));
            tables.verify(() -> DataTables.targets(any(), eq("base.data.y"), any(), anyBoolean()), times(1));
            // Whether normalisation can use the data is the same question for every member: asked once.
            preprocessing.verify(() -> Preprocessing.fit(any(), anyInt(), anyBoolean()), times(1));
        }
    }

    @Test
    void aDryRunOfTwoHundredMembersAllocatesAboutOneCopyOfItsData() {
        CreateSweepRequest sweep = sweep(false);
        sweeps.dryRun(sweep); // once first, so that class loading and first calls are not counted

        long allocated = allocatedBy(() -> sweeps.dryRun(sweep));

        // 200 conversions would be 200 × ONE_COPY (about 320 MB); one, and a few KB per member, fits in 8.
        assertThat(allocated).isLessThan(8 * ONE_COPY);
    }

    @Test
    void aSweepOfTwoHundredMembersStoresItsInlineDataOnceAndEveryMemberTrainsOnIt() {
        CreateSweepRequest sweep = sweep(false);
        Sweep created;
        try (MockedStatic<DataTables> tables = mockStatic(DataTables.class, CALLS_REAL_METHODS)) {
            created = sweeps.create(sweep);

            tables.verify(() -> DataTables.targets(any(), anyString(), any(), anyBoolean()), times(3));
        }
        try {
            String dataset = created.base().get("dataset").asString();
            assertThat(dataset).startsWith("inline-");
            assertThat(jobs.ofSweep(created.id()))
                    .hasSize(MEMBERS)
                    .allSatisfy(job -> assertThat(job.spec().dataset()).isEqualTo(dataset));
        } finally {
            sweeps.cancel(created.id());
        }
    }

    @Test
    void aSubmissionRefusesInlineDataThePreprocessingCannotUseAsItsDryRunDoes() {
        // x^10 of 1e40 is beyond a double: the dry run refused it, the submission queued jobs that failed.
        CreateJobRequest base = base(new double[][] {{1e40}, {1}}, json.valueToTree(new double[] {1, 2}), false);
        CreateSweepRequest sweep = new CreateSweepRequest(
                null, base, Map.of("basisDegree", List.of(json.valueToTree(1), json.valueToTree(10))), "train");

        String dryRun = refusal(() -> sweeps.dryRun(sweep));
        String submission = refusal(() -> sweeps.create(sweep));

        assertThat(submission).isEqualTo(dryRun).contains("grid.basisDegree[1]", "use a lower basisDegree");
    }

    private static String refusal(Runnable call) {
        List<String> out = new ArrayList<>();
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> e.errors().forEach(error -> out.add(error.field() + ": " + error.message())));
        return String.join("\n", out);
    }

    /** 200 members (seeds 0 to 199) on {@link #ROWS} rows of inline data. */
    private CreateSweepRequest sweep(boolean normalize) {
        double[][] x = new double[ROWS][];
        ArrayNode y = json.createArrayNode();
        for (int r = 0; r < ROWS; r++) {
            x[r] = new double[] {r % 7};
            y.add(r % 5);
        }
        List<JsonNode> seeds = IntStream.range(0, MEMBERS)
                .<JsonNode>mapToObj(json::valueToTree)
                .toList();
        return new CreateSweepRequest(null, base(x, y, normalize), Map.of("seed", seeds), "train");
    }

    private static CreateJobRequest base(double[][] x, JsonNode y, boolean normalize) {
        return new CreateJobRequest(
                null,
                null,
                new CreateJobRequest.InlineData(x, y, null, null, null, null),
                null,
                null,
                null,
                null,
                1e-9,
                0,
                null,
                normalize,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /** Bytes the current thread allocates while {@code work} runs: no timing, only what it asked the heap for. */
    private static long allocatedBy(Runnable work) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
