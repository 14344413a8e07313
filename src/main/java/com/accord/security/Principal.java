package com.accord.security;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Who made a request: the token's subject and the Accord roles it carries. */
public record Principal(String name, Set<String> roles) {

  public static final Principal ANONYMOUS = new Principal("anonymous", Set.of());

  /**
   * Reads the roles at {@code rolesClaim} (a path into the token's claims, such as
   * realm_access.roles) and keeps those Accord knows.
   */
  public static Principal of(User user, List<String> rolesClaim, List<String> knownRoles) {
    if (user == null) {
      return ANONYMOUS;
    }
    JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
    String name = firstNonBlank(claims.getString("preferred_username"), claims.getString("sub"), "unknown");
    Object node = claims;
    for (String part : rolesClaim) {
      node = node instanceof JsonObject object ? object.getValue(part) : null;
    }
    Set<String> roles = new TreeSet<>();
    if (node instanceof JsonArray array) {
      for (Object role : array) {
        if (role instanceof String text && knownRoles.contains(text)) {
          roles.add(text);
        }
      }
    }
    return new Principal(name, roles);
  }

  public boolean hasAny(List<String> allowed) {
    return allowed.stream().anyMatch(roles::contains);
  }

  public List<String> roleList() {
    return new ArrayList<>(roles);
  }

  private static String firstNonBlank(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }
}
