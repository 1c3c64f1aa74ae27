package io.fulcrum.dataplane.proxy.udp;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which datagrams of a batch leave together as one segmented send (UDP GSO). */
class DatagramRunTest {

    @Test
    void equalSizedDatagramsWithAShorterLastOneFormOneRun() {
        assertEquals(List.of("4x4"), runs(true, 4, 4, 4, 2));
    }

    @Test
    void aLargerDatagramStartsANewRunAndAShorterOneEndsIt() {
        // The 1 ends the run of 3 as its shorter last segment; the 2 after it cannot follow it.
        assertEquals(List.of("2x2", "2x3", "2x2"), runs(true, 2, 2, 3, 1, 2, 2));
    }

    @Test
    void aSingleOrEmptyDatagramGoesAlone() {
        assertEquals(List.of("1x4"), runs(true, 4));
        assertEquals(List.of("1x0", "1x0"), runs(true, 0, 0));
    }

    @Test
    void aRunStopsAtTheKernelsSegmentLimit() {
        int[] lengths = new int[70];
        java.util.Arrays.fill(lengths, 1);
        assertEquals(List.of("64x1", "6x1"), runs(true, lengths));
    }

    @Test
    void aRunStaysOneIpDatagram() {
        int[] lengths = new int[60];
        java.util.Arrays.fill(lengths, 1200);
        // 54 segments of 1,200 bytes are 64,800; a 55th would pass 65,000.
        assertEquals(List.of("54x1200", "6x1200"), runs(true, lengths));
    }

    @Test
    void datagramsLargerThanAnyPathMtuAllowsGoOneByOne() {
        int big = DatagramRun.MAX_SEGMENT_SIZE + 1;
        assertEquals(List.of("1x" + big, "1x" + big), runs(true, big, big));
    }

    @Test
    void withoutSegmentationEveryDatagramGoesAlone() {
        assertEquals(List.of("1x4", "1x4"), runs(false, 4, 4));
    }

    // Each run as "datagrams x segment size", built the way a socket forwards a batch.
    private static List<String> runs(boolean segmentation, int... lengths) {
        DatagramRun run = new DatagramRun();
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            if (!run.accepts(lengths[i], segmentation)) {
                runs.add(run.count() + "x" + run.segmentSize());
                run.clear();
            }
            run.add(i, lengths[i]);
        }
        runs.add(run.count() + "x" + run.segmentSize());
        return runs;
    }
}
