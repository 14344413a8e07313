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
    assertThat(PackedState.eventValue(event("1234.56", Instant.parse("2026-11-28T03:00:00.123Z")))).hasSizeLessThan(64);
  }

  @Test
  void aStateDecodesItsHeaderEventsAndConflicts() {
    TransactionEvent core = new TransactionEvent("C-1", "core", "T-1", new BigDecimal("5"), "USD", "POSTED", "ACC-1",
        Instant.ofEpochSecond(1_800_000_000L), null, null, null, Map.of());
    String packed = Long.toString(1_800_000_000_123L, 36) + "\u001f2\u001f" + Long.toString(1_800_000_030_123L, 36) + "\u001f"
        + "\u001e" + PackedState.eventField(core) + "\u001d" + PackedState.eventValue(core)
        + "\u001e" + PackedState.conflictField(new Conflict("gateway", "G-1")) + "\u001d";
    PackedState.Decoded decoded = PackedState.decode("T-1", packed);
    assertThat(decoded.firstSeenAt()).isEqualTo(Instant.ofEpochMilli(1_800_000_000_123L));
    assertThat(decoded.entryCount()).isEqualTo(2);
    TxnState state = new TxnState("T-1", false, false, decoded.entries(), decoded.firstSeenAt(), decoded.entryCount());
    assertThat(state.events()).singleElement().satisfies(e -> assertThat(e.sameContentAs(core)).isTrue());
    assertThat(state.conflicts()).containsExactly(new Conflict("gateway", "G-1"));
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
    assertThatThrownBy(() -> PackedState.event("T-9", "ecore\u001fC-1", "1.00\u001fEUR"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("T-9").hasMessageContaining("C-1");
  }
}
