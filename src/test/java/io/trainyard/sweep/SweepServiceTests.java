package io.trainyard.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.history.HistoryService;
import io.trainyard.job.CreateJobRequest;
import io.trainyard.job.IdenticalMembersException;
import io.trainyard.job.InvalidMembersException;
import io.trainyard.job.JobService;
import io.trainyard.job.JobSpec;
import io.trainyard.job.QueueRefusals;
import io.trainyard.nn.Activation;
import io.trainyard.security.ActiveJobsQuota;
import io.trainyard.security.Owners;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.TrainyardProperties;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What a sweep is refused for before anything is queued, and how its members' problems are named. */
class SweepServiceTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A queue of 10 and sweeps of up to 50: a sweep can be larger than the queue, as an operator may set. */
    private static final TrainyardProperties PROPERTIES = new Binder(new MapConfigurationPropertySource(
                    Map.of("trainyard.limits.queue-capacity", "10", "trainyard.limits.max-sweep-size", "50")))
            .bindOrCreate("trainyard", TrainyardProperties.class);

    private final JobService jobs = mock(JobService.class);
    private final ActiveJobsQuota activeJobs = mock(ActiveJobsQuota.class);
    private final SweepService service = new SweepService(
            mock(SweepRepository.class),
            jobs,
            mock(QueueRefusals.class),
            mock(HistoryService.class),
            mock(DatasetCatalog.class),
            JSON,
            mock(TransactionTemplate.class),
            activeJobs,
            mock(Owners.class),
            PROPERTIES);

    @Test
    void aSweepLargerThanTheWholeActiveJobsQuotaIsA400ThatSaysToSplitIt() {
        // Quota 6, nothing active: a 429 "submit again once some have finished" could never come true.
        given(activeJobs.ceiling()).willReturn(OptionalInt.of(6));
        CreateSweepRequest sweep = sweep(Map.of("alpha", numbers(7)));

        Consumer<InvalidRequestException> refusal =
                e -> assertThat(e.errors()).singleElement().satisfies(error -> {
                    assertThat(error.field()).isEqualTo("grid");
                    assertThat(error.message())
                            .contains("expands to 7 jobs", "more than the 6 ")
                            .contains("trainyard.quota.max-active-jobs")
                            .contains("split it into sweeps of at most 6 jobs");
                });
        assertThatThrownBy(() -> service.create(sweep))
                .isInstanceOfSatisfying(InvalidRequestException.class, refusal::accept);
        assertThatThrownBy(() -> service.dryRun(sweep))
                .as("a dry run answers what the submission would")
                .isInstanceOfSatisfying(InvalidRequestException.class, refusal::accept);
        verify(activeJobs, never()).admit(anyInt());
        verifyNoInteractions(jobs);
    }

    @Test
    void aSweepThatFitsTheQuotaIsLeftToTheQuotaWhichMayStillSayWait() {
        given(activeJobs.ceiling()).willReturn(OptionalInt.of(6));

        service.create(sweep(Map.of("alpha", numbers(6))));

        verify(activeJobs).admit(6);
    }

    @Test
    void anAdminIsHeldToNoQuotaButToTheQueue() {
        given(activeJobs.ceiling()).willReturn(OptionalInt.empty());
        given(jobs.dryRunAll(any(), any()))
                .willAnswer(call -> ((List<?>) call.getArgument(0))
                        .stream()
                                .map(r -> new JobService.DryRun(null, List.of(), 0, 0))
                                .toList());

        assertThat(service.dryRun(sweep(Map.of("alpha", numbers(10)))).jobs()).isEqualTo(10);
        assertThatThrownBy(() -> service.create(sweep(Map.of("alpha", numbers(11)))))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.errors()).singleElement().satisfies(error -> {
                            assertThat(error.field()).isEqualTo("grid");
                            assertThat(error.message())
                                    .contains("expands to 11 jobs", "more than the 10 the queue holds")
                                    .contains("trainyard.limits.queue-capacity")
                                    .contains("split it into sweeps of at most 10 jobs");
                        }));
        verify(activeJobs, never()).admit(anyInt());
    }

    @Test
    void aGridOverTheSizeLimitIsToldThatLimitOnly() {
        given(activeJobs.ceiling()).willReturn(OptionalInt.of(6));

        assertThatThrownBy(() -> service.dryRun(sweep(Map.of("alpha", numbers(51)))))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.errors())
                                .singleElement()
                                .extracting(FieldError::message)
                                .asString()
                                .contains("trainyard.limits.max-sweep-size"));
    }

    @Test
    void aBaseFieldThatFailsOnlyAtSomeValuesOfOneKeyIsNamedByThoseValues() {
        given(activeJobs.ceiling()).willReturn(OptionalInt.empty());
        Map<String, List<JsonNode>> grid = new LinkedHashMap<>();
        grid.put("alpha", numbers(2));
        grid.put("basisDegree", List.of(JSON.valueToTree(1), JSON.valueToTree(10)));
        // Points in order: (alpha 1, degree 1), (1, 10), (2, 1), (2, 10): degree 10 makes too many parameters.
        failingMembers(Map.of(1, "layers", 3, "layers"));

        assertThatThrownBy(() -> service.dryRun(sweep(grid)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.errors()).extracting(FieldError::field).containsOnly("grid.basisDegree[1]");
                    assertThat(e.errors().get(0).message()).startsWith("with base.layers: ");
                });
    }

    @Test
    void aBaseFieldThatFailsOnlyAtACombinationIsNamedWithEachFailingPoint() {
        given(activeJobs.ceiling()).willReturn(OptionalInt.empty());
        Map<String, List<JsonNode>> grid = new LinkedHashMap<>();
        grid.put("alpha", numbers(2));
        grid.put("basisDegree", List.of(JSON.valueToTree(1), JSON.valueToTree(10)));
        failingMembers(Map.of(3, "layers"));

        assertThatThrownBy(() -> service.dryRun(sweep(grid)))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.errors()).singleElement().satisfies(error -> {
                            assertThat(error.field()).isEqualTo("base.layers");
                            assertThat(error.message())
                                    .startsWith("at the member {alpha=2, basisDegree=10} (member 4 of 4): ");
                        }));
    }

    @Test
    void aBaseFieldThatFailsInEveryMemberIsTheBases() {
        given(activeJobs.ceiling()).willReturn(OptionalInt.empty());
        failingMembers(Map.of(0, "layers", 1, "layers"));

        assertThatThrownBy(() -> service.dryRun(sweep(Map.of("alpha", numbers(2)))))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.errors())
                                .singleElement()
                                .isEqualTo(new FieldError("base.layers", "too many parameters")));
    }

    @Test
    void membersThatResolveAlikeAreNamedByTheGridValuesThatMakeThemAlikeEachPairOnce() {
        given(activeJobs.ceiling()).willReturn(OptionalInt.empty());
        Map<String, List<JsonNode>> grid = new LinkedHashMap<>();
        grid.put("activation", List.of(JSON.valueToTree("relu"), JSON.valueToTree("RELU")));
        grid.put("batchSize", List.of(JSON.nullNode(), JSON.valueToTree(500)));
        // Points in order: (relu, null), (relu, 500), (RELU, null), (RELU, 500); 500 ≥ the 150 training
        // rows, so all four are one job.
        JobSpec first = spec(null);
        JobSpec batched = spec(500);
        IdenticalMembersException repeats = mock(IdenticalMembersException.class);
        given(repeats.repeats())
                .willReturn(List.of(
                        new IdenticalMembersException.Repeat(1, 0, batched, first, 150),
                        new IdenticalMembersException.Repeat(2, 0, first, first, 150),
                        new IdenticalMembersException.Repeat(3, 0, batched, first, 150)));
        given(jobs.dryRunAll(any(), any())).willThrow(repeats);

        assertThatThrownBy(() -> service.dryRun(sweep(grid)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.errors())
                            .extracting(FieldError::field)
                            .containsExactly("grid.batchSize[1]", "grid.activation[1]");
                    assertThat(e.errors().get(0).message())
                            .startsWith("500 is the same as null (grid.batchSize[0]): ")
                            .contains("at least the 150 rows these members train on is the full batch")
                            .contains("keep one of them");
                    assertThat(e.errors().get(1).message())
                            .startsWith("\"RELU\" is the same as \"relu\" (grid.activation[0]): both resolve to ")
                            .contains("keep one of them");
                });
    }

    private static JobSpec spec(Integer batchSize) {
        return new JobSpec(
                null,
                "hw5",
                List.of(),
                Activation.RELU,
                false,
                0.1,
                0.001,
                1000,
                3L,
                false,
                1,
                0.2,
                null,
                null,
                batchSize,
                null);
    }

    /** The members' checks fail: each listed member at the given field, all with one message. */
    private void failingMembers(Map<Integer, String> fields) {
        List<InvalidMembersException.MemberError> errors = new ArrayList<>();
        fields.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(f -> errors.add(new InvalidMembersException.MemberError(
                        f.getKey(), new FieldError(f.getValue(), "too many parameters"))));
        // Its constructor belongs to the job package, which builds it from the resolver's answers.
        InvalidMembersException failure = mock(InvalidMembersException.class);
        given(failure.errors()).willReturn(errors);
        given(jobs.dryRunAll(any(), any())).willThrow(failure);
    }

    private static List<JsonNode> numbers(int count) {
        List<JsonNode> values = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            values.add(JSON.valueToTree(i));
        }
        return values;
    }

    private static CreateSweepRequest sweep(Map<String, List<JsonNode>> grid) {
        CreateJobRequest base = JSON.treeToValue(
                JSON.readTree("{\"dataset\": \"hw5\", \"alpha\": 0.001, \"seed\": 3, \"validationFraction\": 0.2}"),
                CreateJobRequest.class);
        return new CreateSweepRequest("s", base, grid, null);
    }
}
