# syntax=docker/dockerfile:1
# Build stage: the same Maven wrapper a developer uses; dependencies cached in their own layer.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests && cp target/trainyard-*.jar /trainyard.jar

# Run stage: a JRE, a non-root user, data on a volume. libopenblas0 gives the engine native BLAS;
# --add-modules jdk.incubator.vector enables its SIMD paths (both optional: it runs without them).
FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl libopenblas0 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app trainyard \
 && mkdir -p /app /data \
 && chown trainyard /data
COPY --from=build /trainyard.jar /app/trainyard.jar
USER trainyard
ENV TRAINYARD_DATA_DIR=/data \
    OPENBLAS_NUM_THREADS=1
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS http://localhost:8080/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "--add-modules", "jdk.incubator.vector", "-jar", "/app/trainyard.jar"]
