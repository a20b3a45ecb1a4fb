package io.trainyard;

import java.lang.management.ManagementFactory;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.sun.management.HotSpotDiagnosticMXBean;

import io.trainyard.nn.NativeBlas;

/**
 * Makes the service train at full speed however it was started, without asking the user for JVM
 * flags or environment variables. Two things can only be fixed before a JVM starts:
 *
 * <ul>
 *   <li><b>The {@code jdk.incubator.vector} module</b>, which the engine's SIMD code needs: only a
 *       command-line option ({@code --add-modules}) adds it; a jar manifest cannot, and a running JVM
 *       cannot add one to its boot layer.
 *   <li><b>{@code OPENBLAS_CORETYPE}</b>, which the bundled OpenBLAS reads once, when it is loaded, to
 *       choose its kernels. Shells and CI images often set it for numpy's OpenBLAS (this project's own
 *       machines set {@code Haswell}); inherited by Trainyard, it forces AVX2 kernels on an AVX-512 CPU
 *       and made the wide networks' products 25–35 % slower (docs/benchmarks.md, session 18). It cannot
 *       buy Trainyard what it buys numpy, identical bits across machines, because the engine's own SIMD
 *       already differs with the CPU's vector width. So, as it already sets OpenBLAS's thread count
 *       inside the process, Trainyard chooses its bundled OpenBLAS's kernels for the CPU:
 *       {@code -Dtrainyard.blas.coretype=NAME} forces a kernel set, {@code =inherit} keeps the
 *       variable, and so does choosing another BLAS ({@code -Dtrainyard.blas.bundled=false} or
 *       netlib's {@code dev.ludovic.netlib.blas.nativeLib*}), which the variable may be meant for.
 * </ul>
 *
 * <p>When either needs fixing, {@link #relaunchIfNeeded} starts the same command once more as a child
 * with the module and the environment it should have, and this process only forwards: its exit code,
 * and its end (a JVM that is stopped stops the child through a shutdown hook; one that is killed is
 * noticed by the child, which then shuts down). Cost: one more JVM start (≈ 0.3 s) and the small idle
 * parent.
 *
 * <p>The child also gets {@link #JIT_FLAGS}, the C2 compiler's thresholds raised tenfold, each
 * unless the command line already sets it.
 *
 * <p>Done for {@code java -jar}, and for a class-path launch of this application only when asked with
 * {@code -Dtrainyard.relaunch=class-path} (what {@code ./mvnw spring-boot:run} passes; an IDE's launch
 * is left alone, its debugger would not follow a child). Never with {@code -Dtrainyard.relaunch=false}.
 */
final class JvmRelaunch {

    static final String MODULE = "jdk.incubator.vector";
    static final String CORETYPE = NativeBlas.CORETYPE;
    /** {@code auto} (default): kernels for the CPU; {@code inherit}: the environment's; else a core name. */
    static final String CORETYPE_PROPERTY = "trainyard.blas.coretype";

    /**
     * Set to 1 for the child unless the environment sets it: the engine cuts large products into
     * blocks on its own threads, and an OpenBLAS with threads of its own beside them oversubscribes
     * the cores. The bundled OpenBLAS is set to one thread inside the process ({@code
     * NativeBlas.load}); a system OpenBLAS (chosen with {@code -Dtrainyard.blas.bundled=false}, or
     * found by netlib on a platform the jar has no binary for) is not, and with Debian's {@code
     * libopenblas0} it started a thread per core: 2000×50→100→100→1 through the API 1.82× numpy's
     * speed instead of 4.07× (docs/benchmarks.md, session 25). Not a reason to restart by itself.
     */
    static final String NUM_THREADS = NativeBlas.NUM_THREADS;

    /**
     * C2 compiles a method once it has run 50,000 times (or 6,000 times with 150,000 calls and loop
     * turns together) instead of 5,000 (600, 15,000). Each homework job runs a few hundred methods of
     * the framework (Tomcat, Jackson, Spring, H2) a few to a few hundred times; with HotSpot's
     * thresholds they reached C2 one after another for the first few hundred jobs, and on two cores
     * the compiler thread took the core that the kernel's helper thread trains on (C2 used 52–65 ms
     * of CPU per young homework job, training alone 42). The engine's own loops are still compiled at
     * once: they run thousands of times per job and the start-up rehearsal runs them for seconds, and
     * a loop reaches C2 by its turns ({@code Tier4BackEdgeThreshold}, unchanged). The framework's
     * code stays in C1's compiled form longer, which costs it less than the compiler's competition
     * did. Measured in docs/benchmarks.md (session 21): a young service's homework job 10–30 % faster
     * (the spread of the runs there), one that has trained 300 jobs about 13 %.
     */
    static final List<String> JIT_FLAGS = List.of(
            "-XX:Tier4InvocationThreshold=50000",
            "-XX:Tier4MinInvocationThreshold=6000",
            "-XX:Tier4CompileThreshold=150000");

    private static final String MARKER = "trainyard.relaunched";
    private static final String MAIN_CLASS = TrainyardApplication.class.getName();

    /** What the launching JVM knows about itself. */
    record Launch(
            boolean moduleInBootLayer,
            boolean moduleInRuntime,
            boolean hasCompilerThresholds,
            String classPath,
            String javaCommand,
            String javaHome,
            List<String> jvmArguments,
            Map<String, String> environment,
            Map<String, String> properties) {

        static Launch current() {
            Map<String, String> properties = new HashMap<>();
            for (String name : List.of(
                    MARKER,
                    "trainyard.relaunch",
                    CORETYPE_PROPERTY,
                    NativeBlas.BUNDLED,
                    NativeBlas.NETLIB_NAME,
                    NativeBlas.NETLIB_PATH)) {
                String value = System.getProperty(name);
                if (value != null) {
                    properties.put(name, value);
                }
            }
            return new Launch(
                    ModuleLayer.boot().findModule(MODULE).isPresent(),
                    ModuleFinder.ofSystem().find(MODULE).isPresent(),
                    hotSpotWithThresholds(),
                    System.getProperty("java.class.path", ""),
                    System.getProperty("sun.java.command", ""),
                    System.getProperty("java.home"),
                    ManagementFactory.getRuntimeMXBean().getInputArguments(),
                    System.getenv(),
                    properties);
        }

        String property(String name) {
            return properties.get(name);
        }

        /** Whether this is a HotSpot JVM with the flags of {@link #JIT_FLAGS} (another JVM might refuse to start with them). */
        private static boolean hotSpotWithThresholds() {
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .getVMOption("Tier4InvocationThreshold");
                return true;
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }
    }

    /** The child to start: its command line and the environment variables to set (a null value removes one). */
    record Plan(List<String> command, Map<String, String> environment) {}

    private JvmRelaunch() {}

    /** Returns the child's exit code when the service ran in a relaunched child, else -1 (go on here). */
    static int relaunchIfNeeded(String[] args) {
        if (System.getProperty(MARKER) != null) {
            exitWhenParentDies();
            return -1;
        }
        Plan plan = plan(Launch.current(), args);
        if (plan == null) {
            return -1;
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(plan.command()).inheritIO();
            plan.environment().forEach((name, value) -> {
                if (value == null) {
                    builder.environment().remove(name);
                } else {
                    builder.environment().put(name, value);
                }
            });
            Process child = builder.start();
            Thread stopChild = new Thread(
                    () -> {
                        child.destroy(); // SIGTERM: the child shuts down gracefully
                        try {
                            child.waitFor();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "trainyard-relaunch-stop");
            Runtime.getRuntime().addShutdownHook(stopChild);
            return child.waitFor();
        } catch (Exception e) {
            System.err.println("Trainyard: could not restart with "
                    + plan.command().subList(1, 3) + " (" + e + "); continuing in this JVM");
            return -1;
        }
    }

    /** The relaunch, or null when none is wanted or possible. */
    static Plan plan(Launch launch, String[] args) {
        String mode = launch.property("trainyard.relaunch");
        if (launch.property(MARKER) != null || "false".equals(mode)) {
            return null;
        }
        boolean addModule = !launch.moduleInBootLayer() && launch.moduleInRuntime();
        String inherited = launch.environment().get(CORETYPE);
        // A BLAS the user chose may be what the variable is meant for.
        String wanted = NativeBlas.otherBlasChosen(launch::property)
                ? inherited
                : wantedCoretype(launch.property(CORETYPE_PROPERTY), inherited);
        boolean fixCoretype = !Objects.equals(inherited, wanted);
        if (!addModule && !fixCoretype) {
            return null;
        }
        List<String> entry = entry(launch, args, "class-path".equals(mode));
        if (entry == null) {
            return null;
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(launch.javaHome(), "bin", "java").toString());
        if (addModule) {
            command.add("--add-modules");
            command.add(MODULE);
        }
        if (launch.hasCompilerThresholds()) {
            for (String flag : JIT_FLAGS) {
                String name = flag.substring(0, flag.indexOf('=') + 1);
                if (launch.jvmArguments().stream().noneMatch(given -> given.startsWith(name))) {
                    command.add(flag);
                }
            }
        }
        command.addAll(launch.jvmArguments());
        command.add("-D" + MARKER + "=true");
        Map<String, String> environment = new HashMap<>();
        if (!launch.environment().containsKey(NUM_THREADS)) {
            environment.put(NUM_THREADS, "1");
        }
        if (fixCoretype) {
            environment.put(CORETYPE, wanted);
            if (wanted == null) {
                command.add("-D" + NativeBlas.DROPPED_CORETYPE + "=" + inherited);
            }
        }
        command.addAll(entry);
        return new Plan(List.copyOf(command), java.util.Collections.unmodifiableMap(environment));
    }

    /** The value of {@link #CORETYPE} the service should run with; null for none (OpenBLAS reads the CPU). */
    static String wantedCoretype(String setting, String inherited) {
        if (setting == null || setting.isBlank() || setting.equals("auto")) {
            return null;
        }
        return setting.equals("inherit") ? inherited : setting;
    }

    /** How the child runs the application: {@code -jar X args} or {@code -cp CP main args}; null if unknown. */
    private static List<String> entry(Launch launch, String[] args, boolean classPathAllowed) {
        String classPath = launch.classPath();
        String launched = launch.javaCommand();
        List<String> entry = new ArrayList<>();
        // java -jar X: the class path is exactly X and the launcher's command starts with it.
        if (!classPath.isEmpty()
                && classPath.endsWith(".jar")
                && !classPath.contains(java.io.File.pathSeparator)
                && launched.startsWith(classPath)) {
            entry.addAll(List.of("-jar", classPath));
        } else if (classPathAllowed
                && !classPath.isEmpty()
                && (launched.equals(MAIN_CLASS) || launched.startsWith(MAIN_CLASS + " "))) {
            entry.addAll(List.of("-cp", classPath, MAIN_CLASS));
        } else {
            return null;
        }
        entry.addAll(Arrays.asList(args));
        return entry;
    }

    private static void exitWhenParentDies() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(143)));
    }
}
