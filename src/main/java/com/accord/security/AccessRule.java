package com.accord.security;

import io.vertx.openapi.contract.Operation;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may call an operation, read from the contract itself: {@code x-accord-roles} lists the
 * roles allowed, {@code x-accord-public: true} marks the few operations anyone may call. An
 * operation that says neither is closed to everyone: deny by default.
 */
public record AccessRule(String operationId, boolean isPublic, List<String> roles) {

  public static AccessRule of(Operation operation) {
    Object publicFlag = operation.getExtensions().get("x-accord-public");
    Object roles = operation.getExtensions().get("x-accord-roles");
    List<String> allowed = new ArrayList<>();
    if (roles instanceof Iterable<?> list) {
      list.forEach(role -> allowed.add(String.valueOf(role)));
    }
    return new AccessRule(operation.getOperationId(), Boolean.TRUE.equals(publicFlag), List.copyOf(allowed));
  }

  public boolean allows(Principal principal) {
    return isPublic || principal.hasAny(roles);
  }
}
