package com.accord.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, broker and controller in one) run as a child
 * JVM from the Maven Central artifacts listed in {@code kafka-broker.classpath} at build time.
 * Accord starts one when no bootstrap address is configured — for the demo and the tests — and
 * stops it, by its process, when it stops.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
  /** How long the safety hook waits for an owner's orderly stop before it stops the broker anyway. */
  private static final Duration OWNER_STOP_WAIT = Duration.ofSeconds(60);

  private final Process process;
  private final Path directory;
  private final boolean temporary;
  private final String bootstrapServers;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private boolean closed;
  /** Set when the owner stops the broker itself at JVM exit, after its clients: the safety hook then waits for that. */
  private volatile boolean ownerStopsAtExit;

  private EmbeddedKafka(Process process, Path directory, boolean temporary, String bootstrapServers) {
    this.process = process;
    this.directory = directory;
    this.temporary = temporary;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Formats a log directory and starts the broker; returns once it answers.
   *
   * @param dataDir where the broker keeps its logs, or null for a fresh temporary directory
   */
  public static EmbeddedKafka start(Path dataDir) throws IOException, InterruptedException {
    boolean temporary = dataDir == null;
    Path directory = temporary ? Files.createTempDirectory("accord-kafka-") : dataDir;
    Files.createDirectories(directory);
    int brokerPort = freePort();
    int controllerPort = freePort();
    Path properties = directory.resolve("server.properties");
    Files.writeString(properties, serverProperties(directory, brokerPort, controllerPort));
    Path logConfig = directory.resolve("logback.xml");
    Files.writeString(logConfig, """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{ISO8601} %-5level %logger{0} %msg%n</pattern></encoder>
          </appender>
          <root level="WARN"><appender-ref ref="OUT"/></root>
        </configuration>
        """);
    String classpath = brokerClasspath();
    Path brokerLog = directory.resolve("broker.log");

    if (!Files.exists(directory.resolve("logs").resolve("meta.properties"))) {
      run(classpath, logConfig, brokerLog, List.of("kafka.tools.StorageTool", "format",
          "-t", Uuid.randomUuid().toString(), "-c", properties.toString()), Duration.ofSeconds(60));
    }
    Process broker = java(classpath, logConfig, List.of("kafka.Kafka", properties.toString()))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(brokerLog.toFile()))
        .redirectErrorStream(true)
        .start();
    String bootstrap = "127.0.0.1:" + brokerPort;
    EmbeddedKafka kafka = new EmbeddedKafka(broker, directory, temporary, bootstrap);
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::closeAtExit, "accord-kafka-stop"));
    try {
      kafka.awaitReady(brokerLog);
    } catch (IOException | RuntimeException e) {
      kafka.close();
      throw e;
    }
    log.atInfo().addKeyValue("bootstrap", bootstrap).addKeyValue("pid", broker.pid())
        .addKeyValue("dir", directory).log("embedded Kafka broker started");
    return kafka;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The owner will stop the broker at JVM exit once the broker's clients are closed. Shutdown hooks
   * run at once, so without this the broker's own hook would stop it under clients still polling.
   */
  public void ownerStopsAtExit() {
    ownerStopsAtExit = true;
  }

  /** The safety hook: the child JVM never outlives this one, and goes after its clients where an owner stops them. */
  private void closeAtExit() {
    if (ownerStopsAtExit) {
      try {
        stopped.await(OWNER_STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    close();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stopBroker();
    } finally {
      stopped.countDown();
    }
  }

  private void stopBroker() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      log.atInfo().addKeyValue("pid", process.pid()).log("embedded Kafka broker stopped");
    }
    if (temporary) {
      deleteRecursively(directory);
    }
  }

  private void awaitReady(Path brokerLog) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
    Properties admin = new Properties();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "4000");
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("embedded Kafka broker exited with " + process.exitValue() + "; see " + brokerLog
            + ":\n" + tail(brokerLog));
      }
      if (answers(bootstrapServers)) {
        try (Admin client = Admin.create(admin)) {
          client.describeCluster().nodes().get(4, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException | TimeoutException notYet) {
          // the listener is up before the controller has elected itself
        }
      }
      Thread.sleep(200);
    }
    throw new IOException("embedded Kafka broker did not answer within " + STARTUP_TIMEOUT + "; see " + brokerLog);
  }

  private static String serverProperties(Path directory, int brokerPort, int controllerPort) {
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name=PLAINTEXT",
        "log.dirs=" + directory.resolve("logs"),
        "num.partitions=6",
        "auto.create.topics.enable=false",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=6",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "") ;
  }

  private static String brokerClasspath() throws IOException {
    try (InputStream in = EmbeddedKafka.class.getResourceAsStream("/kafka-broker.classpath")) {
      if (in == null) {
        throw new IOException("kafka-broker.classpath is missing: build with Maven (mvn package), "
            + "or configure kafka.bootstrapServers to use an existing cluster");
      }
      String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      for (String jar : classpath.split(java.io.File.pathSeparator)) {
        if (!Files.exists(Path.of(jar))) {
          throw new IOException("the Kafka broker's classpath names " + jar + ", which is gone; rebuild with mvn package");
        }
      }
      return classpath;
    }
  }

  /**
   * The broker's JVM: a smaller heap than Kafka's own scripts give it (1 GiB), with the collector
   * settings of those scripts ({@code KAFKA_JVM_PERFORMANCE_OPTS} in {@code kafka-run-class.sh}):
   * G1 aiming at 20 ms pauses, starting its concurrent cycle early, and a {@code System.gc()}
   * running concurrently. Every fetch waits out a broker pause, so G1's default 200 ms goal would
   * show up in every consumer's tail latency.
   */
  private static ProcessBuilder java(String classpath, Path logConfig, List<String> mainAndArgs) {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(javaBin, "-Xms256m", "-Xmx768m", "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
        "-Dlogback.configurationFile=" + logConfig, "-cp", classpath));
    command.addAll(mainAndArgs);
    return new ProcessBuilder(command);
  }

  private static void run(String classpath, Path logConfig, Path logFile, List<String> mainAndArgs, Duration timeout)
      throws IOException, InterruptedException {
    Process process = java(classpath, logConfig, mainAndArgs)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectErrorStream(true)
        .start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IOException(mainAndArgs.get(0) + " did not finish within " + timeout);
    }
    if (process.exitValue() != 0) {
      throw new IOException(mainAndArgs.get(0) + " failed with " + process.exitValue() + ":\n" + tail(logFile));
    }
  }

  private static boolean answers(String hostPort) {
    String[] parts = hostPort.split(":");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(parts[0], Integer.parseInt(parts[1])), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      log.atWarn().addKeyValue("dir", directory).log("temporary Kafka directory not removed: " + e.getMessage());
    }
  }
}
