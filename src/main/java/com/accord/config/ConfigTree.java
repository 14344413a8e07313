package com.accord.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The merged configuration tree: built-in defaults, then an optional file, then environment
 * variables. Typed getters validate and name the key of any bad value.
 */
final class ConfigTree {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final ObjectNode root;

  private ConfigTree(ObjectNode root) {
    this.root = root;
  }

  static ConfigTree load(Path file, Map<String, String> environment) {
    ObjectNode defaults = readDefaults();
    if (file != null) {
      mergeFile(defaults, file);
    }
    applyEnvironment(defaults, "", defaults, environment);
    return new ConfigTree(defaults);
  }

  private static ObjectNode readDefaults() {
    try (InputStream in = ConfigTree.class.getResourceAsStream("/accord.yaml")) {
      if (in == null) {
        throw new IllegalStateException("accord.yaml is missing from the classpath");
      }
      return (ObjectNode) YAML.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("built-in accord.yaml cannot be read", e);
    }
  }

  private static void mergeFile(ObjectNode defaults, Path file) {
    JsonNode overrides;
    try {
      overrides = YAML.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ConfigException("--config", "cannot read " + file + ": " + e.getMessage());
    }
    if (overrides == null || overrides.isMissingNode() || overrides.isNull()) {
      return;
    }
    if (!overrides.isObject()) {
      throw new ConfigException("--config", file + " must hold a YAML mapping");
    }
    merge(defaults, (ObjectNode) overrides, "");
  }

  /** Copies overrides onto defaults; a key the defaults do not have is a typo and stops start-up. */
  private static void merge(ObjectNode target, ObjectNode overrides, String prefix) {
    Iterator<Map.Entry<String, JsonNode>> fields = overrides.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = prefix + field.getKey();
      JsonNode existing = target.get(field.getKey());
      if (existing == null) {
        throw new ConfigException(key, "unknown key");
      }
      if (existing.isObject() && field.getValue().isObject() && !isFreeFormMap(key)) {
        merge((ObjectNode) existing, (ObjectNode) field.getValue(), key + ".");
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  /** Maps whose keys are data (source names), not settings: replaced whole, never merged key by key. */
  private static boolean isFreeFormMap(String key) {
    return key.equals("rules.statusVocabularies") || key.equals("kafka.topics") || key.equals("kafka.properties");
  }

  private static void applyEnvironment(ObjectNode node, String prefix, ObjectNode root, Map<String, String> env) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      String key = prefix + name;
      JsonNode value = node.get(name);
      if (value.isObject() && !isFreeFormMap(key)) {
        applyEnvironment((ObjectNode) value, key + ".", root, env);
        continue;
      }
      String override = env.get(environmentName(key));
      if (override != null) {
        node.set(name, parseOverride(key, value, override));
      }
    }
  }

  /** rules.amountToleranceAbsolute -> ACCORD_RULES_AMOUNT_TOLERANCE_ABSOLUTE */
  static String environmentName(String key) {
    String snake = key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_');
    return "ACCORD_" + snake.toUpperCase(Locale.ROOT);
  }

  private static JsonNode parseOverride(String key, JsonNode current, String text) {
    if (current.isArray() && !text.trim().startsWith("[")) {
      ArrayNode items = JsonNodeFactory.instance.arrayNode();
      for (String item : text.split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
      return items;
    }
    if (current.isObject() || current.isArray()) {
      try {
        return YAML.readTree(text);
      } catch (JsonProcessingException e) {
        throw new ConfigException(key, "environment value is not valid YAML/JSON: " + e.getOriginalMessage());
      }
    }
    return TextNode.valueOf(text);
  }

  private JsonNode node(String key) {
    JsonNode node = root;
    for (String part : key.split("\\.")) {
      node = node.get(part);
      if (node == null || node.isNull()) {
        throw new ConfigException(key, "is required");
      }
    }
    return node;
  }

  String string(String key) {
    JsonNode node = node(key);
    if (!node.isValueNode()) {
      throw new ConfigException(key, "must be a single value");
    }
    return node.asText();
  }

  String nonBlank(String key) {
    String value = string(key);
    if (value.isBlank()) {
      throw new ConfigException(key, "must not be empty");
    }
    return value;
  }

  int integer(String key, int min, int max) {
    String text = string(key).trim();
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "must be a whole number, got '" + text + "'");
    }
    if (value < min || value > max) {
      throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  boolean bool(String key) {
    String text = string(key).trim().toLowerCase(Locale.ROOT);
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(key, "must be true or false, got '" + text + "'");
    };
  }

  BigDecimal decimal(String key) {
    String text = string(key).trim();
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "must be a decimal number, got '" + text + "'");
    }
  }

  Duration duration(String key) {
    String text = string(key).trim();
    Duration value;
    try {
      value = Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new ConfigException(key, "must be an ISO-8601 duration such as PT30S, got '" + text + "'");
    }
    if (value.isNegative() || value.isZero()) {
      throw new ConfigException(key, "must be a positive duration, got " + text);
    }
    return value;
  }

  List<String> stringList(String key) {
    JsonNode node = node(key);
    if (!node.isArray()) {
      throw new ConfigException(key, "must be a list");
    }
    List<String> values = new ArrayList<>();
    node.forEach(item -> {
      if (!item.isTextual() || item.asText().isBlank()) {
        throw new ConfigException(key, "must hold non-empty names, got " + item);
      }
      values.add(item.asText().trim());
    });
    return values;
  }

  /** A flat map of names to text values. */
  Map<String, String> stringMap(String key) {
    JsonNode node = node(key);
    if (!node.isObject()) {
      throw new ConfigException(key, "must be a mapping of names to values");
    }
    Map<String, String> values = new java.util.LinkedHashMap<>();
    node.fields().forEachRemaining(entry -> {
      if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
        throw new ConfigException(key + "." + entry.getKey(), "must be a single value");
      }
      values.put(entry.getKey(), entry.getValue().asText());
    });
    return values;
  }

  JsonNode raw(String key) {
    return node(key);
  }
}
