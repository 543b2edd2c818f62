# The recstream command-line app (topics, train, generate, demo) and the job jar, built from source.
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -Dspotless.check.skip=true package

FROM eclipse-temurin:17.0.16_8-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/recstream
COPY --from=build /src/cli/target/recstream-cli.jar /opt/recstream/recstream-cli.jar
COPY --from=build /src/cli/target/lib /opt/recstream/lib
COPY --from=build /src/flink-jobs/target/recstream-flink-jobs-0.1.0-SNAPSHOT-job.jar /opt/recstream/jobs/recstream-job.jar
ENTRYPOINT ["java", "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED", "-cp", "/opt/recstream/recstream-cli.jar:/opt/recstream/lib/*", "io.recstream.cli.Main"]
CMD ["--help"]
