package io.trainyard.job;

import java.util.List;

import org.springframework.stereotype.Component;

import io.trainyard.dataset.DatasetUsage;

/** Tells the data-set catalog which queued or running jobs still read a data set. */
@Component
class JobDatasetUsage implements DatasetUsage {

    private final JobRepository jobs;

    JobDatasetUsage(JobRepository jobs) {
        this.jobs = jobs;
    }

    @Override
    public List<String> activeUsersOf(String datasetId) {
        return jobs.activeJobsUsing(datasetId);
    }
}
