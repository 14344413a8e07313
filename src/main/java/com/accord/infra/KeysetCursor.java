package com.accord.infra;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque keyset cursors of the paged lists: the id (or sequence number) the next page starts
 * below, tagged with the list it belongs to so a cursor of one list is refused by another.
 */
public final class KeysetCursor {
  private KeysetCursor() {}

  public static String encode(String list, long lastKey) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((list + ":" + lastKey).getBytes(StandardCharsets.UTF_8));
  }

  /** @throws IllegalArgumentException when the text is not a cursor of {@code list} this API produced */
  public static long decode(String list, String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!text.startsWith(list + ":")) {
        throw new IllegalArgumentException();
      }
      long key = Long.parseLong(text.substring(list.length() + 1));
      if (key < 1) {
        throw new IllegalArgumentException();
      }
      return key;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cursor is not one this API produced");
    }
  }
}
