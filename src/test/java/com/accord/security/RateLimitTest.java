package com.accord.security;

import static com.accord.security.SecuritySupport.assertProblem;
import static com.accord.security.SecuritySupport.awaitAuditRow;
import static com.accord.security.SecuritySupport.send;
import static com.accord.security.SecuritySupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.accord.testing.AccordFixture;
import com.accord.testing.AccordFixture.HttpResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Specifies the rate limits: a principal or an address over its budget gets 429 with a
 * Retry-After it can rely on; others are not affected.
 */
@ExtendWith(VertxExtension.class)
class RateLimitTest {

  private static final int PER_SECOND = 5;
  private static final int BURST = 5;

  /** Tight limits per principal, generous per address. */
  private static AccordFixture perPrincipal;
  /** Tight limits per address. */
  private static AccordFixture perAddress;

  @BeforeAll
  static void start(Vertx vertx) {
    perPrincipal = AccordFixture.start(vertx, Map.of(
        "ACCORD_SECURITY_RATE_LIMIT_PRINCIPAL_PER_SECOND", Integer.toString(PER_SECOND),
        "ACCORD_SECURITY_RATE_LIMIT_PRINCIPAL_BURST", Integer.toString(BURST)));
    perAddress = AccordFixture.start(vertx, Map.of(
        "ACCORD_SECURITY_RATE_LIMIT_ADDRESS_PER_SECOND", Integer.toString(PER_SECOND),
        "ACCORD_SECURITY_RATE_LIMIT_ADDRESS_BURST", Integer.toString(BURST)));
  }

  @AfterAll
  static void stop() {
    if (perPrincipal != null) {
      perPrincipal.close();
    }
    if (perAddress != null) {
      perAddress.close();
    }
  }

  /** The calls allowed before the first 429, that answer, and the request id of the refused call. */
  private record Exhausted(int allowed, HttpResult refusal, String refusedRequestId) {}

  /**
   * Calls until refused. The bucket holds {@link #BURST} and refills {@link #PER_SECOND} a
   * second, so at least BURST and at most BURST + what refilled meanwhile are allowed.
   */
  private static Exhausted exhaust(java.util.function.Function<String, HttpResult> call) {
    long started = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      String requestId = unique("rl");
      HttpResult response = call.apply(requestId);
      if (response.status() == 429) {
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(i).as("calls allowed before the first 429").isGreaterThanOrEqualTo(BURST)
            .isLessThanOrEqualTo(BURST + (int) Math.ceil(seconds * PER_SECOND) + 1);
        return new Exhausted(i, response, requestId);
      }
      assertThat(response.status()).as("call %d answered %s", i, response.body()).isEqualTo(200);
    }
    throw new AssertionError("200 calls in a row were never refused");
  }

  private static long assertTooMany(HttpResult refusal) {
    JsonObject problem = assertProblem(refusal, 429);
    assertThat(problem.getString("title")).isEqualTo("Too Many Requests");
    String retryAfter = refusal.header("Retry-After");
    assertThat(retryAfter).as("Retry-After").isNotNull().matches("[0-9]+");
    long seconds = Long.parseLong(retryAfter);
    assertThat(seconds).isGreaterThanOrEqualTo(1);
    return seconds;
  }

  private static HttpResult getAs(AccordFixture fixture, String user, String path, String requestId) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", user == null ? null : fixture.token(user).get());
    headers.put("X-Request-Id", requestId);
    return send("GET", fixture.baseUrl() + path, headers, null);
  }

  @Test
  void aPrincipalOverItsBudgetGets429UntilRetryAfterHasPassedAndOthersAreUnaffected() {
    perPrincipal.token("admin").get(); // sign in first: signing in is not what is counted
    perPrincipal.token("operator").get();

    Exhausted exhausted = exhaust(id -> getAs(perPrincipal, "admin", "/api/v1/stats", id));
    long retryAfter = assertTooMany(exhausted.refusal());
    assertThat(exhausted.refusal().json().getString("detail")).contains("admin");

    HttpResult other = getAs(perPrincipal, "operator", "/api/v1/stats", null);
    assertThat(other.status()).as("another principal: %s", other.body()).isEqualTo(200);

    Row refused = awaitAuditRow(perPrincipal, exhausted.refusedRequestId());
    assertThat(refused.getString("actor")).isEqualTo("admin");
    assertThat(refused.getString("outcome")).isEqualTo("denied");
    assertThat(new JsonObject(refused.getString("details")).getInteger("status")).isEqualTo(429);

    AccordFixture.sleep(retryAfter * 1000);
    HttpResult afterwards = getAs(perPrincipal, "admin", "/api/v1/stats", null);
    assertThat(afterwards.status()).as("after Retry-After: %s", afterwards.body()).isEqualTo(200);
  }

  @Test
  void anAddressOverItsBudgetGets429EvenAnonymously() {
    Exhausted exhausted = exhaust(id -> getAs(perAddress, null, "/.well-known/jwks.json", id));
    long retryAfter = assertTooMany(exhausted.refusal());
    assertThat(exhausted.refusal().json().getString("detail")).contains("address");

    Row refused = awaitAuditRow(perAddress, exhausted.refusedRequestId());
    assertThat(refused.getString("actor")).isEqualTo("anonymous");
    assertThat(refused.getString("outcome")).isEqualTo("denied");

    AccordFixture.sleep(retryAfter * 1000);
    assertThat(getAs(perAddress, null, "/.well-known/jwks.json", null).status()).isEqualTo(200);
  }
}
