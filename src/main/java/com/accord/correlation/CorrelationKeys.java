package com.accord.correlation;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where a transaction's correlation state lives in Redis, and the function library that keeps it
 * (the layout is described there). A transaction is a field of its shard's hash; that hash, the
 * shard's timing wheel and its alive marker share a hash tag, so every function call touches one
 * Redis Cluster slot.
 */
public record CorrelationKeys(String prefix, int shards) {

  /** The source of the Redis function library ({@code redis/accord.lua}). */
  public static final String LIBRARY = loadLibrary();
  /** The library's name, which changes with the layout of the state it keeps. */
  public static final String LIBRARY_NAME = "accord_v2";
  /** The names of the libraries of earlier layouts, deleted when this one is loaded. */
  static final List<String> EARLIER_LIBRARIES = List.of("accord_v1");

  public int shardOf(String txnId) {
    return Math.floorMod(txnId.hashCode(), shards);
  }

  /** The hash whose field {@code txnId} holds the packed state of the shard's transactions. */
  public String txns(int shard) {
    return prefix + "{s" + shard + "}:tx";
  }

  public String txns(String txnId) {
    return txns(shardOf(txnId));
  }

  /** The prefix of the shard's timing-wheel slots and cursor. */
  public String wheel(int shard) {
    return prefix + "{s" + shard + "}:w:";
  }

  public String alive(int shard) {
    return prefix + "{s" + shard + "}:alive";
  }

  /**
   * One call of {@code accord_record} (its contract is in {@code redis/accord.lua}).
   *
   * @param field the entry to add, {@link PackedState#eventField} or a conflict; empty to only read
   */
  public Request record(String txnId, String field, String value, long receivedMillis, long windowMillis,
      long retentionMillis, long nowMillis, String expectedSources, boolean requireAlive, boolean sweeping) {
    int shard = shardOf(txnId);
    return Request.cmd(Command.FCALL).arg("accord_record").arg(3)
        .arg(txns(shard)).arg(wheel(shard)).arg(alive(shard))
        .arg(txnId).arg(field).arg(value)
        .arg(receivedMillis).arg(windowMillis).arg(retentionMillis).arg(nowMillis)
        .arg(expectedSources)
        .arg(requireAlive ? "1" : "0")
        .arg(sweeping ? "1" : "0");
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
