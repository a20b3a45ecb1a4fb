package io.trainyard.nn;

import java.util.Map;
import java.util.function.UnaryOperator;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Native OpenBLAS without a system package: the {@code org.bytedeco:openblas} jar for the build's
 * platform ({@code native.platform} in the pom) carries {@code libopenblas} 0.3.31; JavaCPP extracts
 * it once into {@code ~/.javacpp/cache} and loads it, and {@code dev.ludovic.netlib}'s JNI binding is
 * then pointed at that very file ({@code dev.ludovic.netlib.blas.nativeLibPath}), so the engine's
 * products keep netlib's calls on pinned Java arrays (no copies) while running the bundled OpenBLAS.
 *
 * <p>Used once, by {@link Gemm}'s initialisation, before netlib binds. Where no binary exists for
 * the platform, or the user chose a BLAS with netlib's own properties, or
 * {@code -Dtrainyard.blas.bundled=false}, nothing happens and netlib picks as before (system BLAS,
 * else pure Java).
 */
public final class NativeBlas {

    public static final String NETLIB_PATH = "dev.ludovic.netlib.blas.nativeLibPath";
    public static final String NETLIB_NAME = "dev.ludovic.netlib.blas.nativeLib";
    /** {@code -Dtrainyard.blas.bundled=false}: leave the bundled OpenBLAS unused. */
    public static final String BUNDLED = "trainyard.blas.bundled";
    /** The variable OpenBLAS reads once, when it is loaded, to force a kernel set. */
    public static final String CORETYPE = "OPENBLAS_CORETYPE";
    /** The variable OpenBLAS reads once, when it is loaded, for its thread count (see {@code io.trainyard.JvmRelaunch}). */
    public static final String NUM_THREADS = "OPENBLAS_NUM_THREADS";
    /**
     * Set by {@code io.trainyard.JvmRelaunch} on the service's JVM: the {@link #CORETYPE} of the
     * environment that it did not pass on, so that {@link #kernels()} can say so.
     */
    public static final String DROPPED_CORETYPE = "trainyard.blas.dropped-coretype";

    /** What {@link #load()} did: the library's path, or why none was loaded. */
    record Outcome(String path, String reason) {

        boolean loaded() {
            return path != null;
        }
    }

    private NativeBlas() {}

    /** Whether these system properties choose a BLAS other than the bundled OpenBLAS. */
    public static boolean otherBlasChosen(UnaryOperator<String> property) {
        return property.apply(NETLIB_PATH) != null
                || property.apply(NETLIB_NAME) != null
                || "false".equals(property.apply(BUNDLED));
    }

    static Outcome load() {
        if (otherBlasChosen(System::getProperty)) {
            return new Outcome(
                    null,
                    "false".equals(System.getProperty(BUNDLED))
                            ? "bundled OpenBLAS switched off (" + BUNDLED + "=false)"
                            : "BLAS chosen with " + NETLIB_PATH + " / " + NETLIB_NAME);
        }
        try {
            Loader.load(openblas_nolapack.class);
            String path = null;
            for (Map.Entry<String, String> library : Loader.getLoadedLibraries().entrySet()) {
                if (library.getKey().startsWith("openblas")) {
                    path = library.getValue();
                }
            }
            if (path == null) {
                return new Outcome(null, "JavaCPP loaded no libopenblas");
            }
            // The engine cuts large products into blocks for the cores itself and runs several jobs
            // at once; OpenBLAS's own threads would only compete with them (measured 2× slower through
            // the API at 2000×50→100→100→1). Set here, in the process, so no user has to export
            // OPENBLAS_NUM_THREADS.
            openblas_nolapack.blas_set_num_threads(1);
            System.setProperty(NETLIB_PATH, path);
            return new Outcome(path, null);
        } catch (RuntimeException | LinkageError e) {
            // No binary for this platform in the jar (UnsatisfiedLinkError), or the classes are missing.
            return new Outcome(null, "no bundled OpenBLAS for " + platform() + ": " + e);
        }
    }

    /** Threads OpenBLAS uses for one call; -1 when unknown. */
    static int threads() {
        try {
            return openblas_nolapack.blas_get_num_threads();
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    /**
     * How OpenBLAS chose its kernels: for this CPU, or forced by {@code OPENBLAS_CORETYPE}, which it
     * reads once when it is loaded (see {@code io.trainyard.JvmRelaunch} for why the launcher does not
     * pass on a value inherited from the user's environment).
     */
    static String kernels() {
        return kernels(
                System.getenv(CORETYPE),
                System.getProperty(DROPPED_CORETYPE),
                System.getProperty("trainyard.relaunch"));
    }

    /**
     * @param forced the {@code OPENBLAS_CORETYPE} this process has, or null
     * @param dropped the one the launcher did not pass on, or null
     * @param relaunch how the launcher was asked to relaunch ({@code class-path} from {@code ./mvnw
     *     spring-boot:run}, whose Maven reads a {@code -D} on its command line itself: the hint then names
     *     the plugin's way to pass it, the one that reaches this JVM)
     */
    static String kernels(String forced, String dropped, String relaunch) {
        if (forced != null) {
            return "kernels forced by " + CORETYPE + "=" + forced;
        }
        String keep = "class-path".equals(relaunch)
                ? "-Dspring-boot.run.jvmArguments=-Dtrainyard.blas.coretype=inherit keeps it"
                : "-Dtrainyard.blas.coretype=inherit keeps it";
        return dropped == null
                ? "kernels for this CPU"
                : "kernels for this CPU (" + CORETYPE + "=" + dropped + " in the environment not passed on; " + keep
                        + ")";
    }

    /** JavaCPP's name for this platform, e.g. {@code linux-x86_64}. */
    static String platform() {
        try {
            return Loader.getPlatform();
        } catch (RuntimeException | LinkageError e) {
            return System.getProperty("os.name") + "-" + System.getProperty("os.arch");
        }
    }
}
