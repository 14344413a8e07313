package com.accord.simulation;

import com.accord.domain.TransactionEvent;
import java.util.List;

/**
 * One generated transaction: the events to deliver (in their first delivery, any order) and
 * those that must come after them ({@code lateEvents}: conflicting re-sends), with its ground truth.
 */
public record GeneratedTransaction(String txnId, Defect defect, List<TransactionEvent> events, List<TransactionEvent> lateEvents) {}
