package com.accord.audit;

import java.time.Instant;
import java.util.List;

/** One API call as the audit trail records it: who, what, on which resource, from where, with what outcome. */
public record AuditEntry(
    Instant at,
    String actor,
    List<String> roles,
    String action,
    String resourceType,
    String resourceId,
    String outcome,
    int status,
    String clientAddress,
    String requestId,
    String method,
    String path) {}
