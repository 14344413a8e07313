package com.accord.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * Passes immutable message records between verticles of one JVM by reference. Accord scales out
 * through Kafka partitions, Redis and PostgreSQL, never through a clustered event bus, so these
 * messages never need a wire format.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

  private static final LocalCodec<JsonObject> SHARED_JSON = new LocalCodec<>(JsonObject.class);

  private final Class<T> type;

  private LocalCodec(Class<T> type) {
    this.type = type;
  }

  /**
   * Registers the codec for every message record in {@link Messages}, and the one {@link #shared()}
   * names; safe to call more than once.
   */
  public static void registerAll(EventBus bus) {
    for (Class<?> type : Messages.class.getDeclaredClasses()) {
      if (type.isRecord()) {
        register(bus, type);
      }
    }
    registerOnce(() -> bus.registerCodec(SHARED_JSON));
  }

  /**
   * Delivers a JSON object to every local consumer as the one instance, where Vert.x's own codec
   * gives each consumer a deep copy: for what Accord pushes to dashboards, one consumer per
   * connected dashboard, each only encoding it for its socket. Neither the sender nor any receiver
   * may change a message sent this way.
   */
  public static DeliveryOptions shared() {
    return new DeliveryOptions().setCodecName(SHARED_JSON.name());
  }

  private static <T> void register(EventBus bus, Class<T> type) {
    registerOnce(() -> bus.registerDefaultCodec(type, new LocalCodec<>(type)));
  }

  private static void registerOnce(Runnable registration) {
    try {
      registration.run();
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
