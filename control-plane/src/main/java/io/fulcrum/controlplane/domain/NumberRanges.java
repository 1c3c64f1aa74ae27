package io.fulcrum.controlplane.domain;

import java.util.ArrayList;
import java.util.List;

/** Regular expressions that match exactly the decimal integers of a range, without leading zeros. */
final class NumberRanges {

    private NumberRanges() {
    }

    /** A regex (alternatives, no anchors) matching exactly the integers {@code low..high}, low >= 1. */
    static String regex(long low, long high) {
        if (low < 1 || low > high) {
            throw new IllegalArgumentException(low + ".." + high);
        }
        List<String> parts = new ArrayList<>();
        long start = low;
        // Every number of 1..D digits at once, when the range holds them all.
        int full = 0;
        while (start == 1 && largestWithDigits(full + 1) <= high) {
            full++;
        }
        if (full > 0) {
            parts.add(full == 1 ? "[1-9]" : full == 2 ? "[1-9][0-9]?" : "[1-9][0-9]{0," + (full - 1) + "}");
            start = largestWithDigits(full) + 1;
        }
        // Then runs of equal digit count, each split into blocks that share a prefix.
        while (start <= high) {
            long digitsEnd = Math.min(high, largestWithDigits(digits(start)));
            blocks(start, digitsEnd, parts);
            start = digitsEnd + 1;
        }
        return String.join("|", parts);
    }

    /** Covers {@code from..to} (same digit count) with patterns such as 1[2-9][0-9]{2}. */
    private static void blocks(long from, long to, List<String> parts) {
        long start = from;
        while (start <= to) {
            // The largest aligned block of 10^p numbers starting at start that stays within to.
            long size = 1;
            int zeros = 0;
            while (start % (size * 10) == 0 && start + size * 10 - 1 <= to) {
                size *= 10;
                zeros++;
            }
            // Then as many such blocks as fit before the prefix's last digit would carry.
            long prefix = start / size;
            long lastDigit = prefix % 10;
            long count = Math.min(9 - lastDigit, (to - start + 1) / size - 1);
            String head = String.valueOf(prefix / 10).equals("0") ? "" : String.valueOf(prefix / 10);
            String digit = count == 0 ? String.valueOf(lastDigit) : "[" + lastDigit + "-" + (lastDigit + count) + "]";
            parts.add(head + digit + (zeros == 0 ? "" : zeros == 1 ? "[0-9]" : "[0-9]{" + zeros + "}"));
            start += size * (count + 1);
        }
    }

    private static int digits(long n) {
        return Long.toString(n).length();
    }

    private static long largestWithDigits(int digits) {
        long n = 9;
        for (int i = 1; i < digits; i++) {
            n = n * 10 + 9;
        }
        return n;
    }
}
