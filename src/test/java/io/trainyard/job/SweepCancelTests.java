package io.trainyard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.trainyard.dataset.DatasetCatalog;
import io.trainyard.model.ModelService;
import io.trainyard.security.ActiveJobsQuota;
import io.trainyard.support.MigratedDatabases;
import io.trainyard.system.TrainyardProperties;

import tools.jackson.databind.json.JsonMapper;

/**
 * Cancelling a sweep against a real jobs table (in-memory H2, PostgreSQL mode), with a worker that is
 * as quick as a worker can be: the moment this instance tells one of its running members to stop, the
 * freed worker claims the next queued job. Cancelled one member at a time, it claimed a member the loop
 * had not reached yet (audit item 4); now every queued member is cancelled before any worker is told.
 */
class SweepCancelTests {

    private static final TrainyardProperties DEFAULTS = new Binder(new MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("trainyard", TrainyardProperties.class);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JdbcClient jdbc;
    private JobStatusGate gate;
    /** What the eager worker claimed, each time it was freed. */
    private final List<String> claimedAfterTheCancel = new ArrayList<>();

    private JobService service;

    @BeforeEach
    void setUp() {
        JdbcDataSource dataSource = MigratedDatabases.h2InMemory("sweep-cancel");
        jdbc = JdbcClient.create(dataSource);
        gate = new JobStatusGate(jdbc);
        AdmissionLock admission = new AdmissionLock(jdbc, dataSource);
        JobRepository repository = new JobRepository(jdbc, JSON, gate, admission);
        RunningJobs eagerWorkers = new RunningJobs() {
            @Override
            public RunningJob get(String id) {
                RunningJob live = super.get(id);
                if (live != null) {
                    // Told to stop: the job ends at once and its worker takes the next queued job.
                    live.requestCancel();
                    claimNextQueued();
                }
                return live;
            }
        };
        QueueGauge gauge = new QueueGauge(repository, DEFAULTS.limits().queueCountMaxAge(), System::nanoTime);
        service = new JobService(
                repository,
                mock(JobSpecResolver.class),
                mock(DatasetCatalog.class),
                mock(ModelService.class),
                eagerWorkers,
                mock(ApplicationEventPublisher.class),
                admission,
                mock(ActiveJobsQuota.class),
                gauge,
                new QueueRefusals(gauge, DEFAULTS),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                mock(io.trainyard.security.Owners.class));
        running = eagerWorkers;
    }

    private RunningJobs running;

    @Test
    void noQueuedMemberIsClaimedByAWorkerThatTheCancelFreed() {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            members.add(insert("sweep", i < 2 ? JobStatus.RUNNING : JobStatus.QUEUED, i));
        }
        running.start(members.get(0), 1000, 1);
        running.start(members.get(1), 1000, 1);
        String other = insert(null, JobStatus.QUEUED, 10);

        JobService.SweepCancellation done = service.cancelSweep("sweep");

        assertThat(claimedAfterTheCancel)
                .as("the freed workers found only the job outside the sweep")
                .containsOnly(other);
        assertThat(done).isEqualTo(new JobService.SweepCancellation(8, 2));
        for (String member : members.subList(2, 10)) {
            assertThat(status(member)).isEqualTo("CANCELLED");
        }
        for (String member : members.subList(0, 2)) {
            assertThat(status(member)).isEqualTo("RUNNING");
            assertThat(jdbc.sql("SELECT cancel_requested FROM jobs WHERE id = :id")
                            .param("id", member)
                            .query(Boolean.class)
                            .single())
                    .as("asked to stop, through the database too (for a worker on another instance)")
                    .isTrue();
        }
    }

    @Test
    void aSweepWithNothingLeftToStopChangesNothing() {
        String finished = insert("done-sweep", JobStatus.SUCCEEDED, 0);

        assertThat(service.cancelSweep("done-sweep")).isEqualTo(new JobService.SweepCancellation(0, 0));
        assertThat(status(finished)).isEqualTo("SUCCEEDED");
    }

    /** What a worker's claim does: the first queued job in queue order, QUEUED → RUNNING, if still queued. */
    private void claimNextQueued() {
        List<String> queued = jdbc.sql("SELECT id FROM jobs WHERE status = 'QUEUED' ORDER BY queue_turn, id LIMIT 1")
                .query(String.class)
                .list();
        for (String id : queued) {
            if (gate.move(id, JobStatus.RUNNING).from(JobStatus.QUEUED).apply()) {
                claimedAfterTheCancel.add(id);
            }
        }
    }

    private String insert(String sweep, JobStatus status, long turn) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("""
                INSERT INTO jobs (id, name, status, spec, dataset_id, sweep_id, layer_sizes, iterations, created_at,
                    owner, queue_turn)
                VALUES (:id, 'member', :status, :spec, 'hw5', :sweep, '[5, 1]', 10, CURRENT_TIMESTAMP, 'admin', :turn)""")
                .param("id", id)
                .param("spec", JSON.writeValueAsString(TestSpecs.small("member")))
                .param("status", status.name())
                .param("sweep", sweep)
                .param("turn", turn)
                .update();
        return id;
    }

    private String status(String id) {
        return jdbc.sql("SELECT status FROM jobs WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .single();
    }
}
