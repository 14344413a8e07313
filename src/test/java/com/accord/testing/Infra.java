package com.accord.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import com.accord.kafka.EmbeddedKafka;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * Where the tests find PostgreSQL and Redis: the services of this machine when they answer
 * (ACCORD_TEST_PG_HOST/PORT, ACCORD_TEST_REDIS_HOST/PORT override the 127.0.0.1 defaults), or
 * else containers started by Testcontainers where a Docker engine exists. Never a mock.
 */
public record Infra(String pgHost, int pgPort, String redisHost, int redisPort) {

  private static Infra instance;
  private static EmbeddedKafka kafka;

  public static synchronized Infra get() {
    if (instance == null) {
      instance = resolve();
    }
    return instance;
  }

  /**
   * One real Kafka broker for the whole test run (ACCORD_TEST_KAFKA_BOOTSTRAP names an existing
   * one instead); tests keep apart by topic names and consumer groups of their own.
   */
  public static synchronized String kafkaBootstrap() {
    String external = System.getenv("ACCORD_TEST_KAFKA_BOOTSTRAP");
    if (external != null && !external.isBlank()) {
      return external;
    }
    if (kafka == null) {
      try {
        kafka = EmbeddedKafka.start(null);
      } catch (Exception e) {
        throw new IllegalStateException("the test Kafka broker did not start: " + e.getMessage(), e);
      }
    }
    return kafka.bootstrapServers();
  }

  public String redisUri() {
    return "redis://" + redisHost + ":" + redisPort;
  }

  /** Environment entries pointing an Accord configuration at these services. */
  public Map<String, String> environment() {
    return Map.of(
        "ACCORD_POSTGRES_HOST", pgHost,
        "ACCORD_POSTGRES_PORT", Integer.toString(pgPort),
        "ACCORD_REDIS_URI", redisUri());
  }

  private static Infra resolve() {
    String pgHost = env("ACCORD_TEST_PG_HOST", "127.0.0.1");
    int pgPort = Integer.parseInt(env("ACCORD_TEST_PG_PORT", "5432"));
    String redisHost = env("ACCORD_TEST_REDIS_HOST", "127.0.0.1");
    int redisPort = Integer.parseInt(env("ACCORD_TEST_REDIS_PORT", "6379"));
    if (answers(pgHost, pgPort) && answers(redisHost, redisPort)) {
      return new Infra(pgHost, pgPort, redisHost, redisPort);
    }
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw new IllegalStateException("tests need PostgreSQL at " + pgHost + ":" + pgPort + " and Redis at "
          + redisHost + ":" + redisPort + " (or a Docker engine for Testcontainers); neither is available");
    }
    GenericContainer<?> postgres = new GenericContainer<>("postgres:15-alpine")
        .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
        .withExposedPorts(5432);
    GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
    postgres.start();
    redis.start();
    return new Infra(postgres.getHost(), postgres.getMappedPort(5432), redis.getHost(), redis.getMappedPort(6379));
  }

  private static boolean answers(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
