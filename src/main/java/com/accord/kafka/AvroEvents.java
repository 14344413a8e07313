package com.accord.kafka;

import com.accord.avro.TransactionEventRecord;
import com.accord.domain.EventJson;
import com.accord.domain.TransactionEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;

/**
 * Avro single-object encoding of transaction events with the schemas bundled in the jar: the
 * reader is the current schema (v2) and resolves records written with any bundled version by
 * their fingerprint. Records become the same JSON shape HTTP clients send, so both channels are
 * validated by the one EventParser.
 */
public final class AvroEvents {

  /** Field added in schema version 2; carried into the event's metadata. */
  static final String VALUE_DATE = "value_date";

  public static final Schema V1 = bundled("/avro/TransactionEvent-v1.avsc");
  public static final Schema V2 = TransactionEventRecord.getClassSchema();

  private static final BinaryMessageEncoder<TransactionEventRecord> ENCODER = TransactionEventRecord.getEncoder();
  private static final BinaryMessageDecoder<TransactionEventRecord> DECODER = decoder();

  private AvroEvents() {}

  public static byte[] encode(TransactionEventRecord record) {
    try {
      ByteBuffer buffer = ENCODER.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("Avro encoding of event " + record.getEventId() + " failed", e);
    }
  }

  /**
   * @throws IOException when the bytes are not a single-object encoded record of a known schema
   *     version, or the datum is corrupt; the message says which
   */
  public static TransactionEventRecord decode(byte[] bytes) throws IOException {
    if (bytes == null || bytes.length == 0) {
      throw new IOException("record has no value");
    }
    try {
      return DECODER.decode(bytes);
    } catch (BadHeaderException e) {
      throw new IOException("not Avro single-object encoding: " + e.getMessage(), e);
    } catch (MissingSchemaException e) {
      throw new IOException("written with a schema Accord does not bundle: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // Avro reports a corrupt datum unchecked, often wrapping an EOFException without a message
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IOException("corrupt datum: " + (cause instanceof EOFException
          ? "the record ends before its last field" : String.valueOf(e.getMessage())), e);
    }
  }

  public static TransactionEventRecord toRecord(TransactionEvent event) {
    Map<String, String> metadata = new HashMap<>(event.metadata());
    String valueDate = metadata.remove(VALUE_DATE);
    return TransactionEventRecord.newBuilder()
        .setEventId(event.eventId())
        .setSource(event.source())
        .setTxnId(event.txnId())
        .setAmount(event.amount().toPlainString())
        .setCurrency(event.currency())
        .setStatus(event.status())
        .setAccount(event.account())
        .setTimestamp(event.timestamp().truncatedTo(ChronoUnit.MICROS))
        .setChannel(event.channel())
        .setCounterparty(event.counterparty())
        .setReference(event.reference())
        .setMetadata(metadata)
        .setValueDate(valueDate)
        .build();
  }

  /** The record in the wire shape of the HTTP API, for EventParser to validate. */
  public static ObjectNode toJsonShape(TransactionEventRecord record) {
    ObjectNode node = EventJson.MAPPER.createObjectNode();
    node.put("event_id", record.getEventId());
    node.put("source", record.getSource());
    node.put("txn_id", record.getTxnId());
    node.put("amount", record.getAmount());
    node.put("currency", record.getCurrency());
    node.put("status", record.getStatus());
    node.put("account", record.getAccount());
    node.put("timestamp", record.getTimestamp() == null ? null : record.getTimestamp().toString());
    putOptional(node, "channel", record.getChannel());
    putOptional(node, "counterparty", record.getCounterparty());
    putOptional(node, "reference", record.getReference());
    Map<String, String> metadata = new HashMap<>(record.getMetadata() == null ? Map.of() : record.getMetadata());
    if (record.getValueDate() != null) {
      metadata.put(VALUE_DATE, record.getValueDate());
    }
    if (!metadata.isEmpty()) {
      ObjectNode meta = node.putObject("metadata");
      metadata.forEach(meta::put);
    }
    return node;
  }

  private static void putOptional(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  private static BinaryMessageDecoder<TransactionEventRecord> decoder() {
    SchemaStore.Cache known = new SchemaStore.Cache();
    known.addSchema(V1);
    known.addSchema(V2);
    return TransactionEventRecord.createDecoder(known);
  }

  private static Schema bundled(String resource) {
    try (InputStream in = AvroEvents.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(resource + " cannot be read", e);
    }
  }
}
