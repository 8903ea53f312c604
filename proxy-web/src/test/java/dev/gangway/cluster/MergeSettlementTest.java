package dev.gangway.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MergeSettlementTest {

    @Test
    void settledOnlyOnANewerTopologyWithoutRebalance() {
        assertTrue(MergeSettlement.isSettled(7, 9, true, false));
        assertFalse(MergeSettlement.isSettled(7, 7, true, false), "the merge's own topology not installed yet");
        assertFalse(MergeSettlement.isSettled(7, 8, false, false), "conflict resolution or rebalance phase");
        assertFalse(MergeSettlement.isSettled(7, 9, true, true), "state transfer still running");
        assertFalse(MergeSettlement.isSettled(-1, -1, true, false), "no topology at all");
    }
}
