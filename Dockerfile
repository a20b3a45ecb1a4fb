# syntax=docker/dockerfile:1
# Build stage: the same Maven wrapper a developer uses; dependencies cached in their own layer.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests && cp target/trainyard-*.jar /trainyard.jar

# Run stage: a JRE, a non-root user, data on a volume. Native OpenBLAS comes inside the jar (unpacked
# once into the JavaCPP cache under /data); --add-modules jdk.incubator.vector enables the SIMD paths
# (the jar would otherwise restart itself with it).
FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app trainyard \
 && mkdir -p /app /data \
 && chown trainyard /data
COPY --from=build /trainyard.jar /app/trainyard.jar
USER trainyard
ENV TRAINYARD_DATA_DIR=/data
# What the jar's launcher gives a relaunched child (io.trainyard.JvmRelaunch.NUM_THREADS); this entry point
# starts the JVM directly. Matters only for a system OpenBLAS a derived image adds; the bundled one is set
# to one thread inside the process.
ENV OPENBLAS_NUM_THREADS=1
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS http://localhost:8080/actuator/health/readiness || exit 1
# The -XX:Tier4 thresholds: io.trainyard.JvmRelaunch.JIT_FLAGS says why (a young service's jobs are faster).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "--add-modules", "jdk.incubator.vector", "-XX:Tier4InvocationThreshold=50000", "-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=150000", "-Dorg.bytedeco.javacpp.cachedir=/data/.javacpp", "-jar", "/app/trainyard.jar"]
