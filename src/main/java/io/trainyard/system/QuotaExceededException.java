package io.trainyard.system;

/** An owner's stored bytes would go beyond its quota (403, naming the usage and the quota). */
public class QuotaExceededException extends RuntimeException {

    private final long usage;
    private final long quota;

    public QuotaExceededException(String message, long usage, long quota) {
        super(message);
        this.usage = usage;
        this.quota = quota;
    }

    public long usage() {
        return usage;
    }

    public long quota() {
        return quota;
    }
}
