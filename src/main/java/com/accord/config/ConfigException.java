package com.accord.config;

/** A setting Accord cannot start with; the message names the key and what is wrong with its value. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String key, String problem) {
    super("configuration key '" + key + "': " + problem);
  }
}
