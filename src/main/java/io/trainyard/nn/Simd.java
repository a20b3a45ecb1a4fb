package io.trainyard.nn;

/**
 * Whether the {@code jdk.incubator.vector} module is present ({@code --add-modules
 * jdk.incubator.vector}). Only when it is does the engine touch {@link VectorActivations}, so a
 * plain JVM never loads a class that needs the module and simply takes the scalar loops.
 */
final class Simd {

    /** Also off with {@code -Dtrainyard.simd=false}. */
    static final boolean ENABLED =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    && !"false".equals(System.getProperty("trainyard.simd"));

    private Simd() {}
}
