package io.fulcrum.dataplane.peers;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --peers: one line for the whole group, this node's entry is where it listens. */
class PeerGroupTest {

    @Test
    void theSameLineOnEveryNodeGivesEachItsOwnAddressAndTheOthers() {
        String line = "node-a=198.18.0.11:7778,node-b=198.18.0.12:7778";
        PeerGroup onA = PeerGroup.parse(line, "node-a");
        PeerGroup onB = PeerGroup.parse(line, "node-b");
        assertEquals("198.18.0.11", onA.self().address().getAddress().getHostAddress());
        assertEquals(List.of("node-b"), onA.others().stream().map(PeerGroup.Peer::nodeId).toList());
        assertEquals(List.of("node-a"), onB.others().stream().map(PeerGroup.Peer::nodeId).toList());
    }

    @Test
    void ipv6InBrackets() {
        PeerGroup group = PeerGroup.parse("a=[::1]:7778,b=[::1]:7779", "a");
        assertEquals(7779, group.others().get(0).address().getPort());
    }

    @Test
    void aLineWithoutThisNodeIsRefusedSayingWhy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeerGroup.parse("node-a=198.18.0.11:7778,node-b=198.18.0.12:7778", "node-c"));
        assertTrue(e.getMessage().contains("does not list this node"), e.getMessage());
    }

    @Test
    void malformedEntriesAreRefused() {
        for (String bad : List.of("", "node-a", "node-a=198.18.0.11", "node-a=198.18.0.11:0,b=198.18.0.12:1",
                "node-a=198.18.0.11:65536,b=198.18.0.12:1", "node-a=peer.example:7778,b=198.18.0.12:1",
                "=198.18.0.11:7778,b=198.18.0.12:1", "node-a=198.18.0.11:7778,node-a=198.18.0.12:7778",
                "node-a=198.18.0.11:7778,node-b=198.18.0.11:7778", "node-a=198.18.0.11:7778",
                "node-a=198.18.0.11:7778,", "node a=198.18.0.11:7778,b=198.18.0.12:1")) {
            assertThrows(IllegalArgumentException.class, () -> PeerGroup.parse(bad, "node-a"), bad);
        }
    }

    @Test
    void atMostSixteenNodes() {
        StringBuilder line = new StringBuilder("n0=198.18.0.1:7000");
        for (int i = 1; i <= PeerGroup.MAX_PEERS; i++) {
            line.append(",n").append(i).append("=198.18.0.1:").append(7000 + i);
        }
        assertThrows(IllegalArgumentException.class, () -> PeerGroup.parse(line.toString(), "n0"));
    }
}
