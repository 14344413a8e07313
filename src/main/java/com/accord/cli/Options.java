package com.accord.cli;

import com.accord.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code --name value} and {@code --flag} command-line options, with errors that name the option. */
public final class Options {

  private final Map<String, String> values;

  private Options(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses {@code arguments} against the options a command takes. An option it does not take is
   * refused here, before the command starts: a mistyped {@code --transaction 1000} must not run the
   * command's default (for {@code bench}, a 25-minute run) as if it had not been given.
   */
  public static Options parse(List<String> arguments, Collection<String> accepted) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < arguments.size(); i++) {
      String arg = arguments.get(i);
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new ConfigException("arguments", "unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      if (!accepted.contains(name)) {
        throw new ConfigException(arg, "is not an option here; the options are "
            + accepted.stream().sorted().map(option -> "--" + option).collect(Collectors.joining(", ")));
      }
      boolean hasValue = i + 1 < arguments.size() && !arguments.get(i + 1).startsWith("--");
      values.put(name, hasValue ? arguments.get(++i) : "true");
    }
    return new Options(values);
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public String required(String name) {
    String value = values.get(name);
    if (value == null || value.equals("true")) {
      throw new ConfigException("--" + name, "is required");
    }
    return value;
  }

  public Integer integer(String name) {
    String value = values.get(name);
    if (value == null) {
      return null;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new ConfigException("--" + name, "must be a whole number, got '" + value + "'");
    }
  }

  public Long longValue(String name) {
    String value = values.get(name);
    if (value == null) {
      return null;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new ConfigException("--" + name, "must be a whole number, got '" + value + "'");
    }
  }

  public Duration duration(String name, Duration fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new ConfigException("--" + name, "must be an ISO-8601 duration such as PT2M, got '" + value + "'");
    }
  }

  /**
   * The API sign-in from --user / --password, or ACCORD_API_USER / ACCORD_API_PASSWORD (which keep
   * the password out of the shell history).
   */
  public com.accord.simulation.AccessToken accessToken(String apiBase) {
    String user = get("user", System.getenv("ACCORD_API_USER"));
    String password = get("password", System.getenv("ACCORD_API_PASSWORD"));
    if (user == null || password == null) {
      throw new ConfigException("--user", "and --password (or ACCORD_API_USER and ACCORD_API_PASSWORD) are required to call the API");
    }
    return new com.accord.simulation.AccessToken(apiBase, user, password);
  }

  public Path configFile() {
    String file = values.containsKey("config") ? values.get("config") : System.getenv("ACCORD_CONFIG");
    return file == null ? null : Path.of(file);
  }
}
