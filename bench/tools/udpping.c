/* UDP round trips through an otherwise idle path: one flow (source 127.0.2.9) sends one 64-byte
 * datagram, waits for its answer (at most 200 ms, else it counts as lost), then pauses INTERVAL_US
 * before the next, COUNT times. The pause lets every process on the path go to sleep, so the
 * figure is the latency a lightly loaded proxy adds, wake-ups included, not its queueing under load.
 * Prints one line: "sent N received N lost N p50_us X p99_us Y".
 * Usage: udpping ADDRESS PORT COUNT INTERVAL_US */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void) {
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
static int cmp(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b; return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: udpping ADDRESS PORT COUNT INTERVAL_US\n"); return 2; }
    long count = atol(argv[3]), interval_us = atol(argv[4]);
    if (count < 1 || count > 1000000 || interval_us < 0 || interval_us > 1000000) {
        fprintf(stderr, "COUNT 1..1000000, INTERVAL_US 0..1000000\n"); return 2;
    }
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
    inet_pton(AF_INET, argv[1], &to.sin_addr);
    struct sockaddr_in from = { .sin_family = AF_INET };
    inet_pton(AF_INET, "127.0.2.9", &from.sin_addr);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&from, sizeof from) != 0 ||
        connect(fd, (struct sockaddr *)&to, sizeof to) != 0) { perror("socket"); return 1; }
    uint32_t *samples = malloc(sizeof(uint32_t) * count);
    long received = 0, lost = 0;
    char out[64] = {0}, in[2048];
    struct timespec pause = { .tv_sec = interval_us / 1000000, .tv_nsec = (interval_us % 1000000) * 1000 };
    for (long i = 0; i < count; i++) {
        memcpy(out, &i, sizeof i);
        int64_t sent_at = now_ns();
        if (send(fd, out, sizeof out, 0) != sizeof out) { lost++; continue; }
        int64_t deadline = sent_at + 200000000LL;
        for (;;) {
            int64_t left_ms = (deadline - now_ns()) / 1000000;
            struct pollfd p = { .fd = fd, .events = POLLIN };
            if (left_ms < 0 || poll(&p, 1, (int)left_ms + 1) <= 0) { lost++; break; }
            ssize_t n = recv(fd, in, sizeof in, MSG_DONTWAIT);
            long seq;
            if (n >= (ssize_t)sizeof seq && (memcpy(&seq, in, sizeof seq), seq == i)) {
                samples[received++] = (uint32_t)((now_ns() - sent_at) / 1000);
                break;
            } /* a late answer to an earlier datagram: keep waiting for this one */
        }
        if (interval_us > 0) nanosleep(&pause, NULL);
    }
    qsort(samples, received, sizeof *samples, cmp);
    printf("sent %ld received %ld lost %ld p50_us %u p99_us %u\n", count, received, lost,
           received ? samples[received / 2] : 0, received ? samples[(long)(received * 0.99)] : 0);
    return 0;
}
