package com.accord.config;

import com.accord.domain.CanonicalStatus;
import com.accord.domain.ReconciliationRules;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything Accord is configured by, validated once at start. Each part is a small record handed
 * to the verticle that uses it; a bad value stops start-up with a {@link ConfigException} naming
 * its key.
 */
public record AccordConfig(
    Http http,
    Postgres postgres,
    Redis redis,
    ReconciliationRules rules,
    Correlation correlation,
    Kafka kafka,
    Security security,
    Metrics metrics) {

  public record Http(
      String host, int port, int bodyLimitBytes, int eventsPerRequestMax, int pageLimitMax,
      boolean tls, String tlsCertPath, String tlsKeyPath, List<String> corsAllowedOrigins) {}

  public record Postgres(
      String host, int port, String database, String user, String password, String adminUser, String adminPassword,
      int poolSize, boolean createDatabase, String sslMode, String sslCaPath) {

    public String jdbcUrl() {
      return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?sslmode=" + sslMode
          + (sslCaPath.isEmpty() ? "" : "&sslrootcert=" + sslCaPath);
    }

    /** The same server and database, connecting as the admin role (migrations, tests that inspect everything). */
    public Postgres asAdmin() {
      return new Postgres(host, port, database, adminUser, adminPassword, adminUser, adminPassword, poolSize, createDatabase, sslMode, sslCaPath);
    }

    public Postgres withDatabase(String name) {
      return new Postgres(host, port, name, user, password, adminUser, adminPassword, poolSize, createDatabase, sslMode, sslCaPath);
    }
  }

  public record Redis(String uri, int poolSize, String keyPrefix, String tlsCaPath) {
    public Redis withKeyPrefix(String prefix) {
      return new Redis(uri, poolSize, prefix, tlsCaPath);
    }
  }

  /** Authentication and access control; see the README's security section. */
  public record Security(
      boolean embedded,
      String issuer,
      String audience,
      List<String> rolesClaim,
      Duration clockSkew,
      List<String> algorithms,
      Duration accessTokenTtl,
      Duration refreshTokenTtl,
      int bcryptStrength,
      boolean demoUsers,
      List<BootstrapUser> bootstrapUsers,
      RateLimit rateLimit) {}

  public record BootstrapUser(String username, String password, List<String> roles) {}

  public record RateLimit(int principalPerSecond, int principalBurst, int addressPerSecond, int addressBurst) {}

  /** The Prometheus scrape endpoint, a listener of its own: loopback only unless configured otherwise. */
  public record Metrics(boolean enabled, String host, int port) {}

  /** The roles Accord knows. */
  public static final List<String> ROLES = List.of("admin", "operator", "auditor", "ingestor");

  public record Correlation(
      int shards,
      Duration retention,
      Duration sweepInterval,
      int sweepBatchMax,
      int batchesInFlightMax,
      int batchesQueuedMax,
      int rebuildPageSize) {}

  /** Kafka ingestion. An empty {@code bootstrapServers} means: start an embedded broker. */
  public record Kafka(
      boolean enabled,
      String bootstrapServers,
      String embeddedDataDir,
      String groupId,
      Map<String, String> topics,
      Encoding encoding,
      String schemaRegistryUrl,
      String deadLetterTopic,
      int partitions,
      int pollRecordsMax,
      int batchesInFlightMax,
      int partitionFetchBytes,
      Duration alignmentSlack,
      Duration commitInterval,
      Map<String, String> properties) {

    public boolean embedded() {
      return bootstrapServers.isBlank();
    }

    public Kafka withBootstrapServers(String servers) {
      return new Kafka(enabled, servers, embeddedDataDir, groupId, topics, encoding, schemaRegistryUrl,
          deadLetterTopic, partitions, pollRecordsMax, batchesInFlightMax, partitionFetchBytes, alignmentSlack, commitInterval,
          properties);
    }
  }

  /** How Avro records are framed on the source topics. */
  public enum Encoding {
    /** Avro single-object encoding: 0xC3 0x01, the schema fingerprint, the datum; schemas bundled in the jar. */
    SINGLE_OBJECT,
    /** Confluent wire format: 0x00, a 4-byte schema id resolved through the schema registry, the datum. */
    CONFLUENT
  }

  public AccordConfig withKafka(Kafka kafka) {
    return new AccordConfig(http, postgres, redis, rules, correlation, kafka, security, metrics);
  }

  public AccordConfig withSecurity(Security security) {
    return new AccordConfig(http, postgres, redis, rules, correlation, kafka, security, metrics);
  }

  /** Defaults, then {@code file} (may be null), then {@code ACCORD_*} variables of {@code environment}. */
  public static AccordConfig load(Path file, Map<String, String> environment) {
    return from(ConfigTree.load(file, environment));
  }

  private static AccordConfig from(ConfigTree tree) {
    boolean tls = tree.bool("http.tls.enabled");
    Http http = new Http(
        tree.nonBlank("http.host"),
        tree.integer("http.port", 0, 65535),
        tree.integer("http.bodyLimitBytes", 1024, 256 * 1024 * 1024),
        tree.integer("http.eventsPerRequestMax", 1, 100_000),
        tree.integer("http.pageLimitMax", 1, 10_000),
        tls,
        tls ? readableFile(tree, "http.tls.certPath") : tree.string("http.tls.certPath"),
        tls ? readableFile(tree, "http.tls.keyPath") : tree.string("http.tls.keyPath"),
        tree.stringList("http.corsAllowedOrigins"));
    String sslMode = tree.nonBlank("postgres.sslMode");
    if (!List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full").contains(sslMode)) {
      throw new ConfigException("postgres.sslMode", "must be disable, allow, prefer, require, verify-ca or verify-full, got '" + sslMode + "'");
    }
    Postgres postgres = new Postgres(
        tree.nonBlank("postgres.host"),
        tree.integer("postgres.port", 1, 65535),
        identifier(tree, "postgres.database"),
        roleName(tree, "postgres.user"),
        tree.string("postgres.password"),
        roleName(tree, "postgres.adminUser"),
        tree.string("postgres.adminPassword"),
        tree.integer("postgres.poolSize", 1, 256),
        tree.bool("postgres.createDatabase"),
        sslMode,
        tree.string("postgres.sslCaPath").isBlank() ? "" : readableFile(tree, "postgres.sslCaPath"));
    Redis redis = new Redis(
        redisUri(tree),
        tree.integer("redis.poolSize", 1, 256),
        keyPrefix(tree),
        tree.string("redis.tlsCaPath").isBlank() ? "" : readableFile(tree, "redis.tlsCaPath"));
    Correlation correlation = new Correlation(
        tree.integer("correlation.shards", 1, 1024),
        tree.duration("correlation.retention"),
        tree.duration("correlation.sweepInterval"),
        tree.integer("correlation.sweepBatchMax", 1, 100_000),
        tree.integer("correlation.batchesInFlightMax", 1, 1024),
        tree.integer("correlation.batchesQueuedMax", 0, 100_000),
        tree.integer("correlation.rebuildPageSize", 1, 100_000));
    ReconciliationRules rules = rules(tree);
    Metrics metrics = new Metrics(tree.bool("metrics.enabled"), tree.nonBlank("metrics.host"), tree.integer("metrics.port", 0, 65535));
    return new AccordConfig(http, postgres, redis, rules, correlation, kafka(tree, rules), security(tree), metrics);
  }

  private static Security security(ConfigTree tree) {
    String mode = tree.nonBlank("security.mode");
    if (!mode.equals("embedded") && !mode.equals("oidc")) {
      throw new ConfigException("security.mode", "must be embedded or oidc, got '" + mode + "'");
    }
    String issuer = tree.string("security.issuer").trim();
    if (mode.equals("oidc")) {
      if (!issuer.startsWith("http://") && !issuer.startsWith("https://")) {
        throw new ConfigException("security.issuer", "must be the provider's issuer URL with security.mode oidc, got '" + issuer + "'");
      }
    } else if (issuer.isEmpty()) {
      issuer = "accord";
    }
    List<String> algorithms = tree.stringList("security.algorithms");
    for (String alg : algorithms) {
      if (!List.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512").contains(alg)) {
        throw new ConfigException("security.algorithms", "'" + alg + "' is not an asymmetric JWS algorithm Accord accepts");
      }
    }
    if (algorithms.isEmpty()) {
      throw new ConfigException("security.algorithms", "must name at least one algorithm");
    }
    String claim = tree.nonBlank("security.rolesClaim");
    return new Security(
        mode.equals("embedded"),
        issuer,
        tree.nonBlank("security.audience"),
        List.of(claim.split("\\.")),
        tree.duration("security.clockSkew"),
        algorithms,
        tree.duration("security.accessTokenTtl"),
        tree.duration("security.refreshTokenTtl"),
        tree.integer("security.bcryptStrength", 4, 31),
        tree.bool("security.demoUsers"),
        bootstrapUsers(tree.string("security.bootstrapUsers")),
        new RateLimit(
            tree.integer("security.rateLimit.principalPerSecond", 1, 1_000_000),
            tree.integer("security.rateLimit.principalBurst", 1, 10_000_000),
            tree.integer("security.rateLimit.addressPerSecond", 1, 1_000_000),
            tree.integer("security.rateLimit.addressBurst", 1, 10_000_000)));
  }

  private static List<BootstrapUser> bootstrapUsers(String text) {
    String key = "security.bootstrapUsers";
    List<BootstrapUser> users = new java.util.ArrayList<>();
    if (text.isBlank()) {
      return users;
    }
    for (String entry : text.split(",")) {
      String[] parts = entry.trim().split(":", 3);
      if (parts.length != 3 || parts[0].isBlank() || parts[1].length() < 12) {
        throw new ConfigException(key, "each entry must be name:password:role[+role] with a password of at least 12 characters");
      }
      List<String> roles = List.of(parts[2].split("\\+"));
      for (String role : roles) {
        if (!ROLES.contains(role)) {
          throw new ConfigException(key, "'" + role + "' of user '" + parts[0] + "' is not one of " + ROLES);
        }
      }
      users.add(new BootstrapUser(parts[0], parts[1], roles));
    }
    return users;
  }

  private static String roleName(ConfigTree tree, String key) {
    String value = tree.nonBlank(key);
    if (!value.matches("[a-zA-Z_][a-zA-Z0-9_]{0,62}")) {
      throw new ConfigException(key, "must be a plain SQL identifier, got '" + value + "'");
    }
    return value;
  }

  private static String readableFile(ConfigTree tree, String key) {
    String value = tree.nonBlank(key);
    if (!java.nio.file.Files.isReadable(Path.of(value))) {
      throw new ConfigException(key, "file '" + value + "' cannot be read");
    }
    return value;
  }

  private static Kafka kafka(ConfigTree tree, ReconciliationRules rules) {
    Map<String, String> topics = tree.stringMap("kafka.topics");
    if (topics.isEmpty()) {
      throw new ConfigException("kafka.topics", "must map at least one topic to its source");
    }
    topics.forEach((topic, source) -> {
      if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
        throw new ConfigException("kafka.topics", "'" + topic + "' is not a valid Kafka topic name");
      }
      if (!rules.knowsSource(source)) {
        throw new ConfigException("kafka.topics." + topic, "'" + source + "' is not among rules.sources " + rules.sources());
      }
    });
    String encodingName = tree.nonBlank("kafka.encoding");
    Encoding encoding = switch (encodingName) {
      case "single-object" -> Encoding.SINGLE_OBJECT;
      case "confluent" -> Encoding.CONFLUENT;
      default -> throw new ConfigException("kafka.encoding", "must be single-object or confluent, got '" + encodingName + "'");
    };
    String registry = tree.string("kafka.schemaRegistryUrl").trim();
    if (encoding == Encoding.CONFLUENT) {
      // refused rather than half-supported: the consumer decodes single-object encoding only
      throw new ConfigException("kafka.encoding", "confluent (schema-registry wire format) is not supported by this "
          + "version of Accord; use single-object");
    }
    String deadLetter = tree.nonBlank("kafka.deadLetterTopic");
    if (topics.containsKey(deadLetter)) {
      throw new ConfigException("kafka.deadLetterTopic", "must not be one of the source topics");
    }
    return new Kafka(
        tree.bool("kafka.enabled"),
        tree.string("kafka.bootstrapServers").trim(),
        tree.string("kafka.embeddedDataDir").trim(),
        tree.nonBlank("kafka.groupId"),
        topics,
        encoding,
        registry,
        deadLetter,
        tree.integer("kafka.partitions", 1, 1000),
        tree.integer("kafka.pollRecordsMax", 1, 100_000),
        tree.integer("kafka.batchesInFlightMax", 1, 64),
        tree.integer("kafka.partitionFetchBytes", 1024, 64 * 1024 * 1024),
        tree.duration("kafka.alignmentSlack"),
        tree.duration("kafka.commitInterval"),
        tree.stringMap("kafka.properties"));
  }

  private static ReconciliationRules rules(ConfigTree tree) {
    List<String> sources = tree.stringList("rules.sources");
    Set<String> expected = new LinkedHashSet<>(tree.stringList("rules.expectedSources"));
    Map<String, Map<String, CanonicalStatus>> vocabularies = vocabularies(tree.raw("rules.statusVocabularies"));
    if (sources.isEmpty() || Set.copyOf(sources).size() != sources.size()) {
      throw new ConfigException("rules.sources", "must name at least one source, each once, got " + sources);
    }
    for (String source : sources) {
      // source names become parts of Redis fields and comma-separated columns
      if (!source.matches("[a-z][a-z0-9_-]{0,31}")) {
        throw new ConfigException("rules.sources", "'" + source + "' must be lower-case letters, digits, '_' or '-'");
      }
    }
    for (String source : expected) {
      if (!sources.contains(source)) {
        throw new ConfigException("rules.expectedSources", "'" + source + "' is not among rules.sources " + sources);
      }
    }
    for (String source : vocabularies.keySet()) {
      if (!sources.contains(source)) {
        throw new ConfigException("rules.statusVocabularies", "'" + source + "' is not among rules.sources " + sources);
      }
    }
    if (expected.isEmpty()) {
      throw new ConfigException("rules.expectedSources", "must name at least one source");
    }
    var absolute = tree.decimal("rules.amountToleranceAbsolute");
    if (absolute.signum() < 0) {
      throw new ConfigException("rules.amountToleranceAbsolute", "must not be negative, got " + absolute);
    }
    var relative = tree.decimal("rules.amountToleranceRelative");
    if (relative.signum() < 0 || relative.compareTo(java.math.BigDecimal.ONE) > 0) {
      throw new ConfigException("rules.amountToleranceRelative", "must be between 0 and 1, got " + relative);
    }
    return new ReconciliationRules(
        sources, expected, tree.duration("rules.window"), absolute, relative,
        tree.duration("rules.timestampSkew"), vocabularies);
  }

  private static Map<String, Map<String, CanonicalStatus>> vocabularies(JsonNode node) {
    String key = "rules.statusVocabularies";
    if (!node.isObject()) {
      throw new ConfigException(key, "must map each source to {its status word: canonical status}");
    }
    Map<String, Map<String, CanonicalStatus>> result = new LinkedHashMap<>();
    node.fields().forEachRemaining(source -> {
      if (!source.getValue().isObject()) {
        throw new ConfigException(key + "." + source.getKey(), "must map status words to canonical statuses");
      }
      Map<String, CanonicalStatus> words = new LinkedHashMap<>();
      source.getValue().fields().forEachRemaining(word -> words.put(word.getKey(),
          canonical(key + "." + source.getKey() + "." + word.getKey(), word.getValue().asText())));
      result.put(source.getKey(), words);
    });
    return result;
  }

  private static CanonicalStatus canonical(String key, String value) {
    try {
      return CanonicalStatus.valueOf(value.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "must be one of " + List.of(CanonicalStatus.values()) + ", got '" + value + "'");
    }
  }

  private static String identifier(ConfigTree tree, String key) {
    String value = tree.nonBlank(key);
    if (!value.matches("[a-zA-Z_][a-zA-Z0-9_]{0,62}")) {
      throw new ConfigException(key, "must be a plain SQL identifier (letters, digits, underscore), got '" + value + "'");
    }
    return value;
  }

  private static String redisUri(ConfigTree tree) {
    String value = tree.nonBlank("redis.uri");
    try {
      String scheme = URI.create(value).getScheme();
      if (!"redis".equals(scheme) && !"rediss".equals(scheme) && !"unix".equals(scheme)) {
        throw new ConfigException("redis.uri", "must start with redis://, rediss:// or unix://, got '" + scheme + "'");
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException("redis.uri", "is not a valid URI: " + e.getMessage());
    }
    return value;
  }

  private static String keyPrefix(ConfigTree tree) {
    String value = tree.string("redis.keyPrefix");
    if (value.contains("{") || value.contains("}") || value.contains(" ")) {
      throw new ConfigException("redis.keyPrefix", "must not contain braces or spaces (they would break hash tags), got '" + value + "'");
    }
    return value;
  }
}
