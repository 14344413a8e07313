package com.accord.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.accord.avro.TransactionEventRecord;
import com.accord.config.AccordConfig;
import com.accord.domain.EventParser;
import com.accord.domain.ParsedItem;
import com.accord.domain.TransactionEvent;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * Specifies the Avro wire format of the source topics: single-object encoding, records written
 * with any bundled schema version read by the current one (and the current one readable by a v1
 * reader), undecodable bytes refused with a reason, and records turned into the JSON shape the
 * one EventParser validates.
 */
class AvroSchemaEvolutionTest {

  /** An event time with microseconds, the precision of the schema's timestamp-micros. */
  private static final Instant TIME = Instant.parse("2024-03-01T09:15:30.123456Z");

  private static TransactionEventRecord v2Record(String valueDate) {
    return TransactionEventRecord.newBuilder()
        .setEventId("CORE-TXN-1")
        .setSource("core")
        .setTxnId("TXN-1")
        .setAmount("1250.50")
        .setCurrency("EUR")
        .setStatus("POSTED")
        .setAccount("DE89370400440532013000")
        .setTimestamp(TIME)
        .setChannel("card")
        .setCounterparty("merchant-7")
        .setReference("ref-1")
        .setMetadata(Map.of("branch", "0042"))
        .setValueDate(valueDate)
        .build();
  }

  /** The same event as written by a producer that still has schema version 1. */
  private static GenericRecord v1Record() {
    GenericData.Record record = new GenericData.Record(AvroEvents.V1);
    record.put("event_id", "CORE-TXN-1");
    record.put("source", "core");
    record.put("txn_id", "TXN-1");
    record.put("amount", "1250.50");
    record.put("currency", "EUR");
    record.put("status", "POSTED");
    record.put("account", "DE89370400440532013000");
    record.put("timestamp", ChronoUnit.MICROS.between(Instant.EPOCH, TIME));
    record.put("channel", "card");
    record.put("counterparty", "merchant-7");
    record.put("reference", "ref-1");
    record.put("metadata", Map.of("branch", "0042"));
    return record;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static EventParser parser() {
    return new EventParser(AccordConfig.load(null, Map.of()).rules(), 1);
  }

  @Test
  void bundledSchemasAreTwoVersionsOfOneRecordThatDifferOnlyByValueDate() {
    assertThat(AvroEvents.V1.getFullName()).isEqualTo(AvroEvents.V2.getFullName());
    assertThat(AvroEvents.V1.getField("value_date")).isNull();
    assertThat(AvroEvents.V2.getField("value_date")).isNotNull();
    assertThat(AvroEvents.V2.getFields()).hasSize(AvroEvents.V1.getFields().size() + 1);
  }

  @Test
  void aCurrentRecordRoundTripsThroughSingleObjectEncoding() throws IOException {
    TransactionEventRecord record = v2Record("2024-03-04");

    byte[] encoded = AvroEvents.encode(record);

    assertThat(Arrays.copyOfRange(encoded, 0, 2)).as("single-object marker").containsExactly(0xC3, 0x01);
    assertThat(AvroEvents.decode(encoded)).isEqualTo(record);
    assertThat(AvroEvents.decode(encoded).getTimestamp()).isEqualTo(TIME);
  }

  @Test
  void aRecordWrittenWithSchemaVersionOneIsReadWithoutValueDate() throws IOException {
    byte[] written = bytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), AvroEvents.V1).encode(v1Record()));

    TransactionEventRecord read = AvroEvents.decode(written);

    assertThat(read.getValueDate()).isNull();
    assertThat(read).isEqualTo(v2Record(null));
  }

  @Test
  void aRecordWrittenWithSchemaVersionTwoIsReadableByAVersionOneReader() throws IOException {
    BinaryMessageDecoder<GenericRecord> v1Reader = new BinaryMessageDecoder<>(GenericData.get(), AvroEvents.V1);
    v1Reader.addSchema(AvroEvents.V2);

    GenericRecord read = v1Reader.decode(AvroEvents.encode(v2Record("2024-03-04")));

    assertThat(read.getSchema()).isEqualTo(AvroEvents.V1);
    assertThat(read.hasField("value_date")).isFalse();
    assertThat(read.get("event_id")).hasToString("CORE-TXN-1");
    assertThat(read.get("source")).hasToString("core");
    assertThat(read.get("txn_id")).hasToString("TXN-1");
    assertThat(read.get("amount")).hasToString("1250.50");
    assertThat(read.get("currency")).hasToString("EUR");
    assertThat(read.get("status")).hasToString("POSTED");
    assertThat(read.get("account")).hasToString("DE89370400440532013000");
    assertThat(read.get("timestamp")).isEqualTo(ChronoUnit.MICROS.between(Instant.EPOCH, TIME));
    assertThat(read.get("channel")).hasToString("card");
    assertThat(read.get("counterparty")).hasToString("merchant-7");
    assertThat(read.get("reference")).hasToString("ref-1");
    assertThat((Map<?, ?>) read.get("metadata")).hasSize(1)
        .allSatisfy((key, value) -> {
          assertThat(key).hasToString("branch");
          assertThat(value).hasToString("0042");
        });
  }

  @Test
  void aRecordOfAnUnknownSchemaIsRefusedNamingTheUnresolvedFingerprint() throws IOException {
    Schema other = SchemaBuilder.record("Payment").namespace("com.example").fields()
        .requiredString("id").requiredLong("cents").endRecord();
    GenericData.Record payment = new GenericData.Record(other);
    payment.put("id", "p-1");
    payment.put("cents", 1250L);
    byte[] written = bytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), other).encode(payment));

    assertThatThrownBy(() -> AvroEvents.decode(written))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("schema Accord does not bundle")
        .hasMessageContaining("fingerprint");
  }

  @Test
  void bytesThatAreNotSingleObjectEncodedAreRefusedNamingTheHeader() {
    byte[] garbage = "{\"event_id\":\"not avro\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> AvroEvents.decode(garbage))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not Avro single-object encoding")
        .hasMessageContaining("header bytes: 0x7B 0x22");
    byte[] tooShortForAFingerprint = {(byte) 0xC3, 0x01, 0x42};
    assertThatThrownBy(() -> AvroEvents.decode(tooShortForAFingerprint))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not Avro single-object encoding")
        .hasMessageContaining("header bytes");
  }

  @Test
  void aTruncatedRecordIsRefusedAsACorruptDatum() {
    byte[] whole = AvroEvents.encode(v2Record("2024-03-04"));
    byte[] truncated = Arrays.copyOf(whole, whole.length - 3);

    assertThatThrownBy(() -> AvroEvents.decode(truncated))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("corrupt datum")
        .hasMessageContaining("ends before its last field");
  }

  @Test
  void anEmptyOrMissingValueIsRefusedSayingSo() {
    assertThatThrownBy(() -> AvroEvents.decode(new byte[0]))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no value");
    assertThatThrownBy(() -> AvroEvents.decode(null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no value");
  }

  @Test
  void theJsonShapeOfARecordIsAcceptedByTheEventParserAndRoundTripsTheEvent() throws IOException {
    TransactionEvent event = new TransactionEvent("GATEWAY-TXN-9", "gateway", "TXN-9", new BigDecimal("1250.50"), "EUR",
        "SETTLED", "DE89370400440532013000", TIME, "card", "merchant-7", "ref-9",
        Map.of("branch", "0042", AvroEvents.VALUE_DATE, "2024-03-04"));

    TransactionEventRecord record = AvroEvents.decode(AvroEvents.encode(AvroEvents.toRecord(event)));
    assertThat(record.getValueDate()).as("value_date travels in its own field").isEqualTo("2024-03-04");
    assertThat(record.getMetadata()).containsOnlyKeys("branch");

    ParsedItem parsed = parser().parseItem(AvroEvents.toJsonShape(record), 0);

    assertThat(parsed).isInstanceOf(ParsedItem.Valid.class);
    TransactionEvent back = ((ParsedItem.Valid) parsed).event();
    assertThat(back).isEqualTo(event);
    assertThat(back.amount().scale()).as("amount scale").isEqualTo(2);
    assertThat(back.timestamp()).isEqualTo(TIME);
    assertThat(back.metadata()).containsEntry("value_date", "2024-03-04");
  }

  @Test
  void theJsonShapeOfAVersionOneRecordCarriesNoValueDate() throws IOException {
    byte[] written = bytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), AvroEvents.V1).encode(v1Record()));

    ParsedItem parsed = parser().parseItem(AvroEvents.toJsonShape(AvroEvents.decode(written)), 0);

    assertThat(parsed).isInstanceOf(ParsedItem.Valid.class);
    TransactionEvent event = ((ParsedItem.Valid) parsed).event();
    assertThat(event.metadata()).isEqualTo(Map.of("branch", "0042"));
    assertThat(event.amount()).isEqualTo(new BigDecimal("1250.50"));
    assertThat(event.timestamp()).isEqualTo(TIME);
  }

  @Test
  void anInvalidFieldInAWellFormedRecordIsLeftForTheParserToNameByPath() throws IOException {
    TransactionEventRecord record = v2Record(null);
    record.setAmount("12.3.4");
    record.setCurrency("EURO");

    ParsedItem parsed = parser().parseItem(AvroEvents.toJsonShape(AvroEvents.decode(AvroEvents.encode(record))), 0);

    assertThat(parsed).isInstanceOf(ParsedItem.Invalid.class);
    assertThat(((ParsedItem.Invalid) parsed).errors())
        .extracting(e -> e.path() + " " + e.message())
        .anySatisfy(m -> assertThat(m).startsWith("$[0].amount").contains("'12.3.4'"))
        .anySatisfy(m -> assertThat(m).startsWith("$[0].currency").contains("'EURO'"));
  }
}
