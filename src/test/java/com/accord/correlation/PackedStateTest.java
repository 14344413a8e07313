package com.accord.correlation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.accord.domain.Conflict;
import com.accord.domain.TransactionEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackedStateTest {

  private static TransactionEvent event(String amount, Instant timestamp) {
    return new TransactionEvent("GW-7", "gateway", "T-1", new BigDecimal(amount), "EUR", "SETTLED", "DE89370400440532013000",
        timestamp, "card", "merchant", "ref", Map.of("k", "v"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-28T03:00:00Z", "2026-11-28T03:00:00.120Z", "2026-11-28T03:00:00.000000001Z", "1969-12-31T23:59:59.5Z"})
  void anEventKeepsItsComparedFieldsExactly(String timestamp) {
    TransactionEvent original = event("10.50", Instant.parse(timestamp));
    TransactionEvent restored = PackedState.event("T-1", PackedState.eventField(original), PackedState.eventValue(original));
    assertThat(restored.timestamp()).isEqualTo(original.timestamp());
    assertThat(restored.amount()).isEqualTo(new BigDecimal("10.50")).hasScaleOf(2);
    assertThat(restored).extracting(TransactionEvent::eventId, TransactionEvent::source, TransactionEvent::txnId,
        TransactionEvent::currency, TransactionEvent::status, TransactionEvent::account)
        .containsExactly("GW-7", "gateway", "T-1", "EUR", "SETTLED", "DE89370400440532013000");
  }

  @Test
  void anEventTakesAFractionOfItsJson() {
    assertThat(PackedState.eventValue(event("1234.56", Instant.parse("2026-11-28T03:00:00.123Z")))).hasSizeLessThan(56);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-28T03:00:00.123Z", "2026-11-28T03:00:00.1234Z", "2026-11-28T03:00:00.123456789Z",
      "1969-12-31T23:59:59.9999995Z", "-1000000-01-01T00:00:00.000001Z"})
  void aTimeIsExactAndShortWhenItIsWholeMilliseconds(String text) {
    Instant time = Instant.parse(text);
    assertThat(PackedState.instant(PackedState.time(time))).isEqualTo(time);
    assertThat(PackedState.time(Instant.parse("2026-11-28T03:00:00.123Z"))).hasSize(8);
  }

  @Test
  void theTransactionIdInsideAnEventIdIsKeptOnce() {
    TransactionEvent event = new TransactionEvent("GATEWAY-TXN-42-TXN-42", "gateway", "TXN-42", BigDecimal.ONE, "EUR", "SETTLED", "A",
        Instant.EPOCH, null, null, null, Map.of());
    String field = PackedState.eventField(event);
    assertThat(field).isEqualTo("gateway\u001fGATEWAY-\u001c-TXN-42");
    assertThat(PackedState.event("TXN-42", field, PackedState.eventValue(event)).eventId()).isEqualTo("GATEWAY-TXN-42-TXN-42");
  }

  @Test
  void aLaterEventsEmptyFieldsAreTheFirstEventsAndTheFirstIsNeverAbbreviated() {
    TransactionEvent core = new TransactionEvent("C-1", "core", "T-1", new BigDecimal("5.00"), "USD", "POSTED", "ACC-1",
        Instant.ofEpochMilli(1_800_000_000_123L), null, null, null, Map.of());
    TransactionEvent gateway = new TransactionEvent("G-1", "gateway", "T-1", new BigDecimal("5.00"), "USD", "SETTLED", "ACC-1",
        Instant.ofEpochMilli(1_800_000_000_456L), null, null, null, Map.of());
    String packed = "1\u001f\u001f1"
        + "\u001e" + PackedState.eventField(core) + "\u001d" + PackedState.eventValue(core)
        + "\u001e" + PackedState.eventField(gateway) + "\u001d\u001f\u001fSETTLED\u001f\u001f~" + Long.toString(333, 36);
    TxnState state = state(PackedState.decode("T-1", packed));
    assertThat(state.events()).hasSize(2);
    assertThat(state.events().get(0).sameContentAs(core)).isTrue();
    assertThat(state.events().get(1).sameContentAs(gateway)).as("restored from the first event").isTrue();
  }

  @Test
  void anEmptyFieldInTheFirstEventIsMalformed() {
    String packed = "1\u001f\u001f1\u001ecore\u001fC-1\u001d\u001fUSD\u001fPOSTED\u001fACC-1\u001f0";
    TxnState state = state(PackedState.decode("T-1", packed));
    assertThatThrownBy(state::events).isInstanceOf(IllegalStateException.class).hasMessageContaining("T-1").hasMessageContaining("C-1");
  }

  @Test
  void anEventEntryWithAnotherNumberOfFieldsIsMalformedFirstOrLater() {
    String first = "1\u001f\u001f1\u001ecore\u001fC-1\u001d5.00\u001fUSD\u001fPOSTED\u001fACC-1\u001f0";
    assertThatThrownBy(() -> PackedState.decode("T-1", first + "\u001egateway\u001fG-1\u001d\u001fUSD"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("T-1");
    assertThatThrownBy(() -> PackedState.decode("T-1", first + "\u001egateway\u001fG-1\u001d\u001f\u001f\u001f\u001f~1\u001fextra"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("T-1");
    assertThatThrownBy(() -> PackedState.decode("T-1", "1\u001f\u001f1\u001ecore\u001fC-1\u001d5.00\u001fUSD\u001fPOSTED\u001f0"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("T-1");
    assertThat(PackedState.decode("T-1", first + "\u001egateway\u001fG-1\u001d\u001f\u001fSETTLED\u001f\u001f~1").entries())
        .as("the same later entry with its five fields").hasSize(2);
  }

  private static TxnState state(PackedState.Decoded decoded) {
    return new TxnState("T-1", false, false, decoded.entries(), decoded.firstSeenAt(), decoded.entryCount());
  }

  @Test
  void aStateDecodesItsHeaderEventsAndConflicts() {
    TransactionEvent core = new TransactionEvent("C-1", "core", "T-1", new BigDecimal("5"), "USD", "POSTED", "ACC-1",
        Instant.ofEpochSecond(1_800_000_000L), null, null, null, Map.of());
    String packed = Long.toString(1_800_000_000_123L, 36) + "\u001f" + Long.toString(30_000, 36)
        + "\u001e" + PackedState.eventField(core) + "\u001d" + PackedState.eventValue(core)
        + "\u001e" + PackedState.conflictField("T-1", new Conflict("gateway", "G-1-T-1")) + "\u001d";
    PackedState.Decoded decoded = PackedState.decode("T-1", packed);
    assertThat(decoded.firstSeenAt()).isEqualTo(Instant.ofEpochMilli(1_800_000_000_123L));
    assertThat(decoded.entryCount()).isEqualTo(2);
    TxnState state = new TxnState("T-1", false, false, decoded.entries(), decoded.firstSeenAt(), decoded.entryCount());
    assertThat(state.events()).singleElement().satisfies(e -> assertThat(e.sameContentAs(core)).isTrue());
    assertThat(state.conflicts()).containsExactly(new Conflict("gateway", "G-1-T-1"));
  }

  @Test
  void theSourcesSeenAreTheEventsSourcesNotAConflictsOrTheHeader() {
    TransactionEvent core = new TransactionEvent("C-1", "core", "T-1", new BigDecimal("5"), "USD", "POSTED", "ACC-1",
        Instant.ofEpochSecond(1_800_000_000L), null, null, null, Map.of());
    TransactionEvent mobile = new TransactionEvent("M-1", "mobile", "T-1", new BigDecimal("5"), "USD", "SUCCESS", "ACC-1",
        Instant.ofEpochSecond(1_800_000_001L), null, null, null, Map.of());
    String packed = Long.toString(1_800_000_000_123L, 36) + "\u001f" + Long.toString(30_000, 36)
        + "\u001e" + PackedState.eventField(core) + "\u001d" + PackedState.eventValue(core)
        + "\u001e" + PackedState.conflictField("T-1", new Conflict("gateway", "G-1-T-1")) + "\u001d"
        + "\u001e" + PackedState.eventField(mobile) + "\u001d" + PackedState.eventValue(mobile);
    assertThat(PackedState.sourcesSeen("T-1", packed)).containsExactly("core", "mobile");
    assertThat(PackedState.sourcesSeen("T-1", "")).isEmpty();
  }

  @Test
  void anUnknownTransactionDecodesEmpty() {
    assertThat(PackedState.decode("T-1", "").entries()).isEmpty();
  }

  @Test
  void aControlCharacterIsRefusedRatherThanCorruptingTheState() {
    TransactionEvent bad = new TransactionEvent("C-\u001e1", "core", "T-1", BigDecimal.ONE, "EUR", "POSTED", "A",
        Instant.EPOCH, null, null, null, Map.of());
    assertThatThrownBy(() -> PackedState.eventField(bad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("control character").hasMessageContaining("C-?1");
  }

  @Test
  void aMalformedEntryNamesTheTransactionAndEvent() {
    assertThatThrownBy(() -> PackedState.event("T-9", "core\u001fC-1", "1.00\u001fEUR"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("T-9").hasMessageContaining("C-1");
  }
}
