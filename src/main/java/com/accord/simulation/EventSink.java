package com.accord.simulation;

import com.accord.domain.TransactionEvent;
import java.util.List;

/** Where the simulator delivers events: Accord's Kafka topics or its HTTP API. */
public interface EventSink extends AutoCloseable {

  /** Hands events over; may block for back-pressure. */
  void send(List<TransactionEvent> events) throws Exception;

  /** Returns once everything sent so far is acknowledged. */
  void flush() throws Exception;

  @Override
  void close() throws Exception;
}
