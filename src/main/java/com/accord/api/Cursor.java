package com.accord.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The opaque keyset cursor of the results list: the row id the next page starts below. */
final class Cursor {
  private Cursor() {}

  private static final String VERSION = "r1:";

  static String encode(long lastId) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((VERSION + lastId).getBytes(StandardCharsets.UTF_8));
  }

  /** @throws IllegalArgumentException when the text is not a cursor this API produced */
  static long decode(String cursor) {
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cursor is not one this API produced");
    }
    if (!text.startsWith(VERSION)) {
      throw new IllegalArgumentException("cursor is not one this API produced");
    }
    try {
      long id = Long.parseLong(text.substring(VERSION.length()));
      if (id < 1) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cursor is not one this API produced");
    }
  }
}
