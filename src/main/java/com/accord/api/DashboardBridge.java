package com.accord.api;

import com.accord.audit.AuditEntry;
import com.accord.audit.AuditTrail;
import com.accord.config.AccordConfig;
import com.accord.push.PushVerticle;
import com.accord.security.Principal;
import com.accord.security.TokenVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The SockJS event-bus bridge to the dashboard. Outbound only, and only the two push addresses;
 * nothing inbound. A session may register for an address only with a valid bearer token (in the
 * register message's headers) whose roles may see it, and is closed when that token expires (the
 * page reconnects with a fresh one). Every registration is audited.
 */
final class DashboardBridge {

  private static final Map<String, List<String>> READERS = Map.of(
      PushVerticle.RESULTS, List.of("admin", "operator", "auditor"),
      PushVerticle.STATS, List.of("admin", "operator", "auditor"));

  private final Vertx vertx;
  private final AccordConfig config;
  private final TokenVerifier verifier;
  private final AuditTrail audit;
  /** Per socket, the timer that closes it when its newest token expires. */
  private final java.util.Map<io.vertx.ext.web.handler.sockjs.SockJSSocket, Long> expiryTimers = new java.util.HashMap<>();

  DashboardBridge(Vertx vertx, AccordConfig config, TokenVerifier verifier, AuditTrail audit) {
    this.vertx = vertx;
    this.config = config;
    this.verifier = verifier;
    this.audit = audit;
  }

  Router router() {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .setMaxHandlersPerSocket(8)
        .setPingTimeout(30_000);
    READERS.keySet().forEach(address -> options.addOutboundPermitted(new PermittedOptions().setAddress(address)));
    return SockJSHandler.create(vertx, new SockJSHandlerOptions().setRegisterWriteHandler(false)).bridge(options, this::onEvent);
  }

  private void onEvent(BridgeEvent event) {
    BridgeEventType type = event.type();
    switch (type) {
      case REGISTER -> register(event);
      case SEND, PUBLISH -> event.complete(false); // the dashboard only listens
      case SOCKET_CLOSED -> {
        Long timer = expiryTimers.remove(event.socket());
        if (timer != null) {
          vertx.cancelTimer(timer);
        }
        event.complete(true);
      }
      default -> event.complete(true);
    }
  }

  private void register(BridgeEvent event) {
    JsonObject message = event.getRawMessage();
    String address = message.getString("address");
    JsonObject headers = message.getJsonObject("headers", new JsonObject());
    String authorization = headers.getString("authorization", headers.getString("Authorization", ""));
    String client = event.socket().remoteAddress() == null ? "unknown" : event.socket().remoteAddress().host();
    if (!authorization.startsWith("Bearer ") || !READERS.containsKey(address)) {
      record(Principal.ANONYMOUS, address, "denied", 401, client);
      event.complete(false);
      return;
    }
    verifier.authenticate(new TokenCredentials(authorization.substring("Bearer ".length())))
        .onSuccess(user -> {
          Principal principal = Principal.of(user, config.security().rolesClaim(), AccordConfig.ROLES);
          if (!principal.hasAny(READERS.get(address))) {
            record(principal, address, "denied", 403, client);
            event.complete(false);
            return;
          }
          long exp = user.attributes().getJsonObject("accessToken", user.principal()).getLong("exp", 0L);
          closeAtExpiry(event.socket(), exp);
          record(principal, address, "success", 200, client);
          event.complete(true);
        })
        .onFailure(e -> {
          record(Principal.ANONYMOUS, address, "denied", 401, client);
          event.complete(false);
        });
  }

  /**
   * A socket lives as long as the token it last registered with: a page that registers again
   * with a refreshed token moves its deadline instead of being cut off.
   */
  private void closeAtExpiry(io.vertx.ext.web.handler.sockjs.SockJSSocket socket, long expSeconds) {
    Long previous = expiryTimers.remove(socket);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
    long closeInMillis = Math.max(1, expSeconds * 1000 - System.currentTimeMillis());
    expiryTimers.put(socket, vertx.setTimer(closeInMillis, id -> {
      expiryTimers.remove(socket);
      socket.close(4001, "token expired");
    }));
  }

  private void record(Principal principal, String address, String outcome, int status, String client) {
    audit.offer(new AuditEntry(Instant.now(), principal.name(), principal.roleList(), "bridge.register", "address",
        address, outcome, status, client, null, "SOCKJS", "/eventbus"));
  }
}
