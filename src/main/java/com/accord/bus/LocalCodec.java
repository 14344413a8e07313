package com.accord.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes immutable message records between verticles of one JVM by reference. Accord scales out
 * through Kafka partitions, Redis and PostgreSQL, never through a clustered event bus, so these
 * messages never need a wire format.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

  private final Class<T> type;

  private LocalCodec(Class<T> type) {
    this.type = type;
  }

  /** Registers the codec for every message record in {@link Messages}; safe to call more than once. */
  public static void registerAll(EventBus bus) {
    for (Class<?> type : Messages.class.getDeclaredClasses()) {
      if (type.isRecord()) {
        register(bus, type);
      }
    }
  }

  private static <T> void register(EventBus bus, Class<T> type) {
    try {
      bus.registerDefaultCodec(type, new LocalCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this Vert.x instance registered it first: the codec is stateless
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    throw new UnsupportedOperationException(type.getSimpleName() + " is a local-only message");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(type.getSimpleName() + " is a local-only message");
  }

  @Override
  public T transform(T message) {
    return message;
  }

  @Override
  public String name() {
    return "accord-local-" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
