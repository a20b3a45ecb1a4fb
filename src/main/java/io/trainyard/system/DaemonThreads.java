package io.trainyard.system;

import java.util.concurrent.ThreadFactory;

/** Named daemon threads for the service's background work, so a thread dump says who is who. */
public final class DaemonThreads {

    private DaemonThreads() {}

    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
