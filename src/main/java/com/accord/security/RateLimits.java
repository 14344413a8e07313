package com.accord.security;

import com.accord.config.AccordConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets per principal and per client address (Bucket4j). Local to this instance: with N
 * instances behind a balancer a client gets up to N times the rate. The maps are bounded (least
 * recently used buckets are dropped) and touched only from the API verticle's event loop.
 */
public final class RateLimits {

  private static final int TRACKED_MAX = 50_000;

  private final AccordConfig.RateLimit config;
  private final Map<String, Bucket> byPrincipal = lru();
  private final Map<String, Bucket> byAddress = lru();

  public RateLimits(AccordConfig.RateLimit config) {
    this.config = config;
  }

  /** @return 0 when allowed, otherwise the seconds to wait before retrying (at least 1) */
  public long tryAddress(String address) {
    return consume(byAddress.computeIfAbsent(address, a -> bucket(config.addressPerSecond(), config.addressBurst())));
  }

  /** @return 0 when allowed, otherwise the seconds to wait before retrying (at least 1) */
  public long tryPrincipal(String principal) {
    return consume(byPrincipal.computeIfAbsent(principal, p -> bucket(config.principalPerSecond(), config.principalBurst())));
  }

  private static long consume(Bucket bucket) {
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return 0;
    }
    return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
  }

  private static Bucket bucket(int perSecond, int burst) {
    return Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
        .build();
  }

  private static Map<String, Bucket> lru() {
    return new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
        return size() > TRACKED_MAX;
      }
    };
  }
}
