package io.trainyard.model;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.info.GitProperties;
import org.springframework.stereotype.Component;

/**
 * The version and commit of this build, for lineage: from META-INF/build-info.properties (Spring
 * Boot's build-info goal) and git.properties (git-commit-id plugin). Either may be missing, e.g. in
 * a build from a source archive without .git; then that part is null.
 */
@Component
final class BuildVersion {

    private final String version;
    private final String commit;

    BuildVersion(ObjectProvider<BuildProperties> build, ObjectProvider<GitProperties> git) {
        BuildProperties b = build.getIfAvailable();
        GitProperties g = git.getIfAvailable();
        this.version = b == null ? null : b.getVersion();
        this.commit = g == null ? null : g.getCommitId();
    }

    String version() {
        return version;
    }

    String commit() {
        return commit;
    }
}
