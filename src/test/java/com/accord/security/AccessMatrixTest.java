package com.accord.security;

import static com.accord.security.SecuritySupport.ROLES;
import static com.accord.security.SecuritySupport.assertProblem;
import static com.accord.security.SecuritySupport.event;
import static com.accord.security.SecuritySupport.generic;
import static com.accord.security.SecuritySupport.mismatchedTransaction;
import static com.accord.security.SecuritySupport.operations;
import static com.accord.security.SecuritySupport.send;
import static com.accord.security.SecuritySupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.accord.security.SecuritySupport.Operation;
import com.accord.testing.AccordFixture;
import com.accord.testing.AccordFixture.HttpResult;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Specifies who may call what: every operation of openapi.yaml, called by anonymous and by each
 * role, answers exactly as its x-accord-roles / x-accord-public say; and what the contract says
 * is the documented matrix, so loosening a role fails here.
 */
@ExtendWith(VertxExtension.class)
class AccessMatrixTest {

  private static final String ANONYMOUS = "anonymous";
  private static final List<String> CALLERS = List.of(ANONYMOUS, "admin", "operator", "auditor", "ingestor");

  /** The documented access matrix (ARCHITECTURE.md, Security): roles per protected operation. */
  private static final Map<String, Set<String>> DOCUMENTED = new TreeMap<>(Map.ofEntries(
      Map.entry("ingestEvents", Set.of("admin", "ingestor")),
      Map.entry("getTransaction", Set.of("admin", "operator", "auditor")),
      Map.entry("listResults", Set.of("admin", "operator", "auditor")),
      Map.entry("getStats", Set.of("admin", "operator", "auditor")),
      Map.entry("getRules", Set.of("admin", "operator", "auditor")),
      Map.entry("whoAmI", Set.of("admin", "operator", "auditor", "ingestor")),
      Map.entry("resolveTransaction", Set.of("admin", "operator")),
      Map.entry("annotateTransaction", Set.of("admin", "operator")),
      Map.entry("listAudit", Set.of("admin", "auditor")),
      Map.entry("verifyAudit", Set.of("admin", "auditor")),
      Map.entry("listUsers", Set.of("admin")),
      Map.entry("createUser", Set.of("admin")),
      Map.entry("updateUser", Set.of("admin")),
      Map.entry("getSimulator", Set.of("admin")),
      Map.entry("startSimulator", Set.of("admin")),
      Map.entry("stopSimulator", Set.of("admin"))));
  /** The operations anyone may call. */
  private static final Set<String> DOCUMENTED_PUBLIC = Set.of(
      "issueToken", "getJwks", "getOpenIdConfiguration", "getAuthConfig", "healthLive", "healthReady");

  private static AccordFixture fixture;
  /** A MISMATCHED transaction: resolving it succeeds every time. */
  private static String txn;
  /** A user only admins may change. */
  private static String targetUser;

  @BeforeAll
  static void start(Vertx vertx) {
    fixture = AccordFixture.start(vertx);
    txn = mismatchedTransaction(fixture, "matrix");
    targetUser = unique("matrix-target");
    HttpResult created = fixture.request("POST", "/api/v1/users", new JsonObject().put("username", targetUser)
        .put("password", "a long enough password").put("roles", new JsonArray().add("auditor")).encode());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    ROLES.forEach(role -> fixture.token(role).get()); // sign in before the matrix runs
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  /** A minimal well-formed body for each operation that takes one; an operation missing here fails its cells. */
  private static final Map<String, Supplier<String>> BODIES = Map.of(
      "ingestEvents", () -> new JsonArray().add(event("core", unique("matrix-ingest"))).encode(),
      "issueToken", () -> new JsonObject().put("grant_type", "password").put("username", "auditor")
          .put("password", fixture.password("auditor")).encode(),
      "resolveTransaction", () -> new JsonObject().put("resolution", "ESCALATED").put("reason", "access matrix").encode(),
      "annotateTransaction", () -> new JsonObject().put("text", "access matrix").encode(),
      "createUser", () -> new JsonObject().put("username", unique("matrix-new")).put("password", "a long enough password")
          .put("roles", new JsonArray().add("auditor")).encode(),
      "updateUser", () -> new JsonObject().put("disabled", false).encode(),
      "startSimulator", () -> new JsonObject().put("scenario", "clean").put("rate", 1).put("transactions", 1).encode());

  /** The request path with its parameters filled in. */
  private static String path(Operation op) {
    String path = op.path().replace("{txnId}", txn).replace("{username}", targetUser);
    assertThat(path).as("a path parameter of %s this test does not know how to fill", op).doesNotContain("{");
    return path;
  }

  private static HttpResult call(Operation op, String caller) {
    String body = null;
    if (op.node().has("requestBody")) {
      Supplier<String> bodySupplier = BODIES.get(op.id());
      assertThat(bodySupplier).as("a minimal request body for %s", op).isNotNull();
      body = bodySupplier.get();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", caller.equals(ANONYMOUS) ? null : fixture.token(caller).get());
    return send(op.method(), fixture.baseUrl() + path(op), headers, body);
  }

  @TestFactory
  Stream<DynamicTest> everyOperationAnswersEachCallerAsTheContractSays() {
    List<DynamicTest> cells = new ArrayList<>();
    for (Operation op : operations()) {
      for (String caller : CALLERS) {
        String expected = op.isPublic() ? "public" : caller.equals(ANONYMOUS) ? "401" : op.roles().contains(caller) ? "allowed" : "403";
        cells.add(DynamicTest.dynamicTest(op.method() + " " + op.path() + " as " + caller + " -> " + expected,
            () -> assertCell(op, caller, expected)));
      }
    }
    return cells.stream();
  }

  private static void assertCell(Operation op, String caller, String expected) {
    HttpResult response = call(op, caller);
    switch (expected) {
      case "public", "allowed" -> {
        assertThat(response.status()).as("%s as %s answered %s", op, caller, response.body()).isNotIn(401, 403);
        // the requests are well-formed: an allowed caller is served (or told of a conflict with the state of things)
        assertThat(response.status() / 100 == 2 || response.status() == 409)
            .as("%s as %s answered %s %s", op, caller, response.status(), response.body()).isTrue();
      }
      case "401" -> {
        JsonObject problem = assertProblem(response, 401);
        assertThat(response.header("WWW-Authenticate")).as("WWW-Authenticate of %s", op).startsWith("Bearer");
        assertThat(problem.getString("title")).isEqualTo("Unauthorized");
        String said = problem.getString("title") + " " + problem.getString("detail");
        assertThat(said).as("a 401 names neither the operation nor who may call it")
            .doesNotContainIgnoringCase(op.id()).doesNotContain("admin", "operator", "auditor", "ingestor");
      }
      case "403" -> {
        JsonObject problem = assertProblem(response, 403);
        assertThat(problem.getString("title")).isEqualTo("Forbidden");
        assertThat(response.header("WWW-Authenticate")).isNull();
      }
      default -> throw new IllegalStateException(expected);
    }
  }

  @TestFactory
  Stream<DynamicTest> aCallerWithoutTheRoleIsForbiddenBeforeItsRequestIsEvenValidated() {
    // otherwise whoever may not call an operation learns from its validator, and is audited as an error, not a denial
    List<DynamicTest> cells = new ArrayList<>();
    for (Operation op : operations()) {
      if (op.isPublic() || !op.node().has("requestBody")) {
        continue;
      }
      for (String role : ROLES) {
        if (!op.roles().contains(role)) {
          cells.add(DynamicTest.dynamicTest(op.method() + " " + op.path() + " as " + role + " with a malformed body -> 403", () -> {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Authorization", fixture.token(role).get());
            HttpResult response = send(op.method(), fixture.baseUrl() + path(op), headers, "{\"not\": [\"what the contract asks\"]}");
            assertProblem(response, 403);
          }));
        }
      }
    }
    return cells.stream();
  }

  @Test
  void everyRefusalForWantOfATokenIsTheSameGenericProblem() {
    Set<JsonObject> problems = new HashSet<>();
    for (Operation op : operations()) {
      if (!op.isPublic()) {
        problems.add(generic(assertProblem(call(op, ANONYMOUS), 401)));
      }
    }
    assertThat(problems).as("the 401 problems of all protected operations, without instance and request id").hasSize(1);
  }

  @Test
  void theContractGrantsExactlyTheDocumentedRoles() {
    Map<String, Set<String>> granted = new TreeMap<>();
    Set<String> publicOperations = new TreeSet<>();
    for (Operation op : operations()) {
      boolean hasRoles = op.node().has("x-accord-roles");
      assertThat(op.isPublic() ^ hasRoles).as("%s carries exactly one of x-accord-roles and x-accord-public: true", op).isTrue();
      if (op.isPublic()) {
        publicOperations.add(op.id());
        assertThat(op.node().path("security").isArray() && op.node().path("security").isEmpty())
            .as("public %s says security: []", op).isTrue();
      } else {
        assertThat(op.node().has("security")).as("protected %s keeps the contract's bearer requirement", op).isFalse();
        assertThat(op.roles()).as("roles of %s", op).doesNotHaveDuplicates().isSubsetOf(ROLES);
        granted.put(op.id(), new TreeSet<>(op.roles()));
      }
    }
    JsonNode security = SecuritySupport.contract().path("security");
    assertThat(security.size()).isEqualTo(1);
    assertThat(security.get(0).has("bearerAuth")).as("the contract's default security is bearerAuth").isTrue();

    assertThat(publicOperations).isEqualTo(DOCUMENTED_PUBLIC);
    Map<String, Set<String>> documented = new TreeMap<>();
    DOCUMENTED.forEach((id, roles) -> documented.put(id, new TreeSet<>(roles)));
    assertThat(granted).isEqualTo(documented);
  }

  @Test
  void theDocumentedMatrixIsTheOneArchitectureDescribes() {
    // admin everything (simulator control too); operator reads + resolve/annotate; auditor reads + audit;
    // ingestor only ingestion and /me
    Set<String> reads = Set.of("getTransaction", "listResults", "getStats", "getRules", "whoAmI");
    DOCUMENTED.forEach((id, roles) -> {
      assertThat(roles).as("admin may call %s", id).contains("admin");
      assertThat(roles.contains("operator")).as("operator on %s", id)
          .isEqualTo(reads.contains(id) || Set.of("resolveTransaction", "annotateTransaction").contains(id));
      assertThat(roles.contains("auditor")).as("auditor on %s", id)
          .isEqualTo(reads.contains(id) || Set.of("listAudit", "verifyAudit").contains(id));
      assertThat(roles.contains("ingestor")).as("ingestor on %s", id).isEqualTo(Set.of("ingestEvents", "whoAmI").contains(id));
    });
    assertThat(SecuritySupport.operation("ingestEvents").method() + " " + SecuritySupport.operation("ingestEvents").path())
        .isEqualTo("POST /api/v1/events");
    assertThat(SecuritySupport.operation("whoAmI").path()).isEqualTo("/api/v1/me");
  }
}
