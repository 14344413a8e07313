package com.accord.correlation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Where a transaction's correlation state lives in Redis, and the function library that keeps it.
 * Keys of one transaction and its shard's deadline set and alive marker share a hash tag, so every
 * function call touches one Redis Cluster slot.
 */
public record CorrelationKeys(String prefix, int shards) {

  /** The source of the Redis function library ({@code redis/accord.lua}). */
  public static final String LIBRARY = loadLibrary();

  public int shardOf(String txnId) {
    return Math.floorMod(txnId.hashCode(), shards);
  }

  public String txn(int shard, String txnId) {
    return prefix + "{s" + shard + "}:t:" + txnId;
  }

  public String txn(String txnId) {
    return txn(shardOf(txnId), txnId);
  }

  public String deadlines(int shard) {
    return prefix + "{s" + shard + "}:deadlines";
  }

  public String alive(int shard) {
    return prefix + "{s" + shard + "}:alive";
  }

  private static String loadLibrary() {
    try (InputStream in = CorrelationKeys.class.getResourceAsStream("/redis/accord.lua")) {
      if (in == null) {
        throw new IllegalStateException("redis/accord.lua is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("redis/accord.lua cannot be read", e);
    }
  }
}
