package com.accord.api;

import com.accord.config.AccordConfig;
import com.accord.security.EmbeddedIssuer;
import com.accord.security.Principal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.ArrayList;
import java.util.List;

/** Sign-in, keys and users of the embedded issuer, and "who am I". */
final class AuthRoutes {

  private final AccordConfig config;
  private final EmbeddedIssuer issuer; // null when an external provider issues tokens

  AuthRoutes(AccordConfig config, EmbeddedIssuer issuer) {
    this.config = config;
    this.issuer = issuer;
  }

  void mount(RouterBuilder builder, Guard guard) {
    ApiVerticle.route(builder, guard, "issueToken", this::issueToken);
    ApiVerticle.route(builder, guard, "getJwks", this::jwks);
    ApiVerticle.route(builder, guard, "getOpenIdConfiguration", this::openIdConfiguration);
    ApiVerticle.route(builder, guard, "whoAmI", this::whoAmI);
    ApiVerticle.route(builder, guard, "listUsers", this::listUsers);
    ApiVerticle.route(builder, guard, "createUser", this::createUser);
    ApiVerticle.route(builder, guard, "updateUser", this::updateUser);
  }

  private boolean embedded(RoutingContext ctx) {
    if (issuer == null) {
      Problems.send(ctx, 404, "Not Found", "Accord's embedded issuer is off; tokens come from " + config.security().issuer());
      return false;
    }
    return true;
  }

  private void issueToken(RoutingContext ctx) {
    if (!embedded(ctx)) {
      return;
    }
    JsonObject body = Responses.bodyObject(ctx);
    if (body == null) {
      return;
    }
    String grant = body.getString("grant_type");
    var tokens = switch (grant) {
      case "password" -> {
        if (body.getString("username") == null || body.getString("password") == null) {
          Problems.send(ctx, 400, "Invalid grant", "grant_type password needs username and password");
          yield null;
        }
        yield issuer.passwordGrant(body.getString("username"), body.getString("password"));
      }
      case "refresh_token" -> {
        if (body.getString("refresh_token") == null) {
          Problems.send(ctx, 400, "Invalid grant", "grant_type refresh_token needs refresh_token");
          yield null;
        }
        yield issuer.refreshGrant(body.getString("refresh_token"));
      }
      default -> {
        Problems.send(ctx, 400, "Invalid grant", "grant_type must be password or refresh_token");
        yield null;
      }
    };
    if (tokens == null) {
      return;
    }
    tokens.onSuccess(json -> Responses.json(ctx, 200, json)).onFailure(e -> {
      if (e instanceof EmbeddedIssuer.InvalidGrant) {
        Problems.send(ctx, 401, "Unauthorized", e.getMessage());
      } else {
        ctx.fail(e);
      }
    });
  }

  private void jwks(RoutingContext ctx) {
    if (embedded(ctx)) {
      issuer.publicKeys().onSuccess(keys -> Responses.json(ctx, 200, new JsonObject().put("keys", new JsonArray(keys))))
          .onFailure(ctx::fail);
    }
  }

  private void openIdConfiguration(RoutingContext ctx) {
    if (!embedded(ctx)) {
      return;
    }
    String base = (config.http().tls() ? "https://" : "http://") + ctx.request().authority();
    Responses.json(ctx, 200, new JsonObject()
        .put("issuer", config.security().issuer())
        .put("token_endpoint", base + "/api/v1/auth/token")
        .put("jwks_uri", base + "/.well-known/jwks.json")
        .put("grant_types_supported", new JsonArray(List.of("password", "refresh_token")))
        .put("id_token_signing_alg_values_supported", new JsonArray(List.of("RS256"))));
  }

  private void whoAmI(RoutingContext ctx) {
    Principal principal = ctx.get(Guard.PRINCIPAL);
    Responses.json(ctx, 200, new JsonObject().put("name", principal.name()).put("roles", new JsonArray(principal.roleList()))
        .put("issuer", config.security().issuer()));
  }

  private void listUsers(RoutingContext ctx) {
    if (embedded(ctx)) {
      issuer.listUsers().onSuccess(users -> Responses.json(ctx, 200, new JsonObject().put("items", users))).onFailure(ctx::fail);
    }
  }

  private void createUser(RoutingContext ctx) {
    if (!embedded(ctx)) {
      return;
    }
    JsonObject body = Responses.bodyObject(ctx);
    if (body == null) {
      return;
    }
    issuer.createUser(body.getString("username"), body.getString("password"), strings(body.getJsonArray("roles")))
        .onSuccess(user -> {
          if (user == null) {
            Problems.send(ctx, 409, "Conflict", "user '" + body.getString("username") + "' exists");
          } else {
            Responses.json(ctx, 201, user);
          }
        })
        .onFailure(ctx::fail);
  }

  private void updateUser(RoutingContext ctx) {
    if (!embedded(ctx)) {
      return;
    }
    JsonObject body = Responses.bodyObject(ctx);
    if (body == null) {
      return;
    }
    String username = ctx.pathParam("username");
    issuer.updateUser(username, body.getString("password"),
            body.containsKey("roles") ? strings(body.getJsonArray("roles")) : null, body.getBoolean("disabled"))
        .onSuccess(user -> {
          if (user == null) {
            Problems.send(ctx, 404, "Not Found", "no user '" + username + "'");
          } else {
            Responses.json(ctx, 200, user);
          }
        })
        .onFailure(ctx::fail);
  }

  private static List<String> strings(JsonArray array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(String.valueOf(v)));
    return values;
  }
}
