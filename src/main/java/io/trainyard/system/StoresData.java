package io.trainyard.system;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a handler that stores new data (a submit, a sweep, an upload, an import): it is refused with
 * 503 before its body is read while the disk that holds the embedded database has less than {@code
 * trainyard.limits.min-free-disk} free ({@link DatabaseDiskSpace}). A dry run ({@code ?dryRun=true})
 * stores nothing and is not refused.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface StoresData {}
