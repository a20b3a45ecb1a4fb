package io.trainyard;

import java.lang.management.ManagementFactory;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Makes {@code java -jar trainyard.jar} train at full speed without asking the user for JVM flags.
 *
 * <p>The engine's SIMD code needs the {@code jdk.incubator.vector} module, which only a command-line
 * option ({@code --add-modules}) can add: a jar manifest can open packages but not add modules, and
 * a running JVM cannot add one to its boot layer. So when the service was started with
 * {@code java -jar} and the module is missing, {@link #relaunchIfNeeded} starts the same command
 * once more with the option and this process only forwards: its exit code, and its end (a JVM that
 * is stopped stops the child through a shutdown hook; one that is killed is noticed by the child,
 * which then shuts down). Cost: one more JVM start (≈ 0.3 s) and the small idle parent.
 *
 * <p>Not done when the module is already there ({@code spring-boot:run}, the Dockerfile, a user's
 * own {@code --add-modules}), for other launch forms (IDE, {@code -cp}), when the runtime has no
 * such module, or with {@code -Dtrainyard.relaunch=false}; the engine then runs its scalar loops.
 */
final class VectorModuleRelaunch {

    static final String MODULE = "jdk.incubator.vector";
    private static final String MARKER = "trainyard.relaunched";

    private VectorModuleRelaunch() {}

    /** Returns the child's exit code when the service ran in a relaunched child, else -1 (go on here). */
    static int relaunchIfNeeded(String[] args) {
        if (System.getProperty(MARKER) != null) {
            exitWhenParentDies();
            return -1;
        }
        List<String> command = command(args);
        if (command == null) {
            return -1;
        }
        try {
            Process child = new ProcessBuilder(command).inheritIO().start();
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
            int code = child.waitFor();
            return code;
        } catch (Exception e) {
            System.err.println("Trainyard: could not restart with --add-modules " + MODULE + " (" + e
                    + "); continuing without SIMD");
            return -1;
        }
    }

    /** The relaunch command, or null when no relaunch is wanted or possible. */
    static List<String> command(String[] args) {
        if (ModuleLayer.boot().findModule(MODULE).isPresent()
                || ModuleFinder.ofSystem().find(MODULE).isEmpty()
                || "false".equals(System.getProperty("trainyard.relaunch"))) {
            return null;
        }
        String classPath = System.getProperty("java.class.path", "");
        String launch = System.getProperty("sun.java.command", "");
        // java -jar X: the class path is exactly X and the launcher's command starts with it.
        if (classPath.isEmpty()
                || !classPath.endsWith(".jar")
                || classPath.contains(java.io.File.pathSeparator)
                || !launch.startsWith(classPath)) {
            return null;
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules");
        command.add(MODULE);
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-D" + MARKER + "=true");
        command.add("-jar");
        command.add(classPath);
        command.addAll(Arrays.asList(args));
        return command;
    }

    private static void exitWhenParentDies() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(143)));
    }
}
