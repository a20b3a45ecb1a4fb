package io.trainyard.job;

import java.time.Instant;
import java.util.List;

import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * Writes and reads, once when the service is ready, the JSON documents of a job's life: the answer to
 * its submit ({@link JobResponse}, also every status read and, with its attempts, every status event),
 * its spec as the store keeps it (written at the submit, read back at the claim) and its progress
 * event. It stores nothing, answers nobody and counts nothing.
 *
 * <p><b>Why.</b> Jackson builds a type's serializer or deserializer the first time it meets the type,
 * by introspecting its properties and annotations and loading the classes involved. The first job of a
 * fresh service (the README's quickstart) paid for that inside its submit, its claim and its events:
 * without this rehearsal it took 353–496 ms from its POST to its final status (median 423), with it
 * 305–447 ms (median 335; docs/benchmarks.md, session 38). The mapper is the service's own, whose
 * caches the web layer's converter and the repositories share.
 */
@Component
public class JobDocumentsRehearsal {

    /**
     * A homework job on the built-in data set, as the quickstart sends it but short: its checks pass
     * under any configured limit a useful service can have.
     */
    static final String SAMPLE = """
            {"name": "start-up rehearsal", "dataset": "hw5", "layers": [20], "activation": "sigmoid",
             "bias": true, "normalize": true, "scale": 0.1, "alpha": 0.0005, "iterations": 10, "seed": 7}""";

    private final JsonMapper json;
    private final JobService jobs;

    JobDocumentsRehearsal(JsonMapper json, JobService jobs) {
        this.json = json;
        this.jobs = jobs;
    }

    /**
     * Writes a queued job's answer, a status event's and a progress event, and its stored spec, and
     * reads the spec back.
     *
     * @return the queued job the documents were written for (stored nowhere)
     * @throws IllegalStateException if the stored spec does not read back as the spec it was written from
     */
    public TrainingJob rehearse() {
        CreateJobRequest request = json.readValue(SAMPLE, CreateJobRequest.class);
        JobService.DryRun dry = jobs.dryRun(request);
        TrainingJob job = TrainingJob.queued(
                "00000000-0000-0000-0000-000000000000",
                dry.spec(),
                null,
                dry.layerSizes(),
                Instant.now(),
                dry.estimatedMemoryBytes(),
                TrainingJob.Progress.NONE,
                "rehearsal");
        JobResponse answer = JobResponse.from(job, jobs.progress(job), List.of());
        // A status event lists the job's attempts: their serializer is built at the first attempt met.
        JobResponse withAttempt = JobResponse.from(
                job,
                jobs.progress(job),
                List.of(new JobAttempt(
                        1, job.createdAt(), job.createdAt(), "rehearsal", 0, JobAttempt.Outcome.SUCCEEDED)));
        String stored = json.writeValueAsString(job.spec());
        if (!json.readValue(stored, JobSpec.class).equals(job.spec())) {
            throw new IllegalStateException("a job's spec does not read back as it was stored: " + stored);
        }
        json.writeValueAsString(answer);
        json.writeValueAsString(withAttempt);
        json.writeValueAsString(JobEventStreams.ProgressEvent.from(answer));
        return job;
    }
}
