package com.accord.audit;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The opaque keyset cursor of the audit list: the sequence number the next page starts below. */
public final class AuditCursor {
  private AuditCursor() {}

  private static final String VERSION = "a1:";

  public static String encode(long seq) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((VERSION + seq).getBytes(StandardCharsets.UTF_8));
  }

  /** @throws IllegalArgumentException when the text is not a cursor this API produced */
  public static long decode(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!text.startsWith(VERSION)) {
        throw new IllegalArgumentException();
      }
      long seq = Long.parseLong(text.substring(VERSION.length()));
      if (seq < 1) {
        throw new IllegalArgumentException();
      }
      return seq;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cursor is not one this API produced");
    }
  }
}
