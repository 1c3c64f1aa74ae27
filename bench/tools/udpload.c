/* UDP request/response load generator: FLOWS client sockets (each its own source address:port,
 * spread over 127.0.2.1..127.0.2.8), each keeping WINDOW datagrams of 64 bytes in flight for
 * SECONDS. A datagram unanswered after 200 ms counts as lost and is replaced. Prints one line:
 * "sent N received N lost N rate DATAGRAMS_PER_S p50_us X p99_us Y".
 * Usage: udpload ADDRESS PORT FLOWS WINDOW SECONDS */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES 20000000
#define LOSS_NS 200000000LL

struct flow { int fd; int outstanding; int64_t last_send; };

static int64_t now_ns(void) {
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
static int cmp(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b; return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 6) { fprintf(stderr, "usage: udpload ADDRESS PORT FLOWS WINDOW SECONDS\n"); return 2; }
    int flows = atoi(argv[3]), window = atoi(argv[4]);
    double seconds = atof(argv[5]);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
    inet_pton(AF_INET, argv[1], &to.sin_addr);
    struct flow *f = calloc(flows, sizeof *f);
    uint32_t *samples = malloc(sizeof(uint32_t) * MAX_SAMPLES);
    long nsamples = 0, sent = 0, received = 0, lost = 0;
    int ep = epoll_create1(0);
    for (int i = 0; i < flows; i++) {
        f[i].fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        struct sockaddr_in from = { .sin_family = AF_INET };
        char src[32]; snprintf(src, sizeof src, "127.0.2.%d", 1 + i % 8);
        inet_pton(AF_INET, src, &from.sin_addr);
        if (bind(f[i].fd, (struct sockaddr *)&from, sizeof from) != 0 ||
            connect(f[i].fd, (struct sockaddr *)&to, sizeof to) != 0) { perror("socket"); return 1; }
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
        epoll_ctl(ep, EPOLL_CTL_ADD, f[i].fd, &ev);
    }
    char buf[64] = {0};
    int64_t start = now_ns(), end = start + (int64_t)(seconds * 1e9), last_sweep = start;
    for (int i = 0; i < flows; i++) {
        for (int w = 0; w < window; w++) {
            int64_t t = now_ns(); memcpy(buf, &t, 8);
            if (send(f[i].fd, buf, sizeof buf, 0) == sizeof buf) { sent++; f[i].outstanding++; }
        }
        f[i].last_send = now_ns();
    }
    struct epoll_event events[256];
    /* Replies are read and their replacements sent in batches per flow (recvmmsg / sendmmsg), so
     * the generator spends as few system calls as it can and the proxy, not the load, is the limit. */
    enum { BATCH = 8 };
    char in[BATCH][2048], out[BATCH][64];
    struct iovec in_iov[BATCH], out_iov[BATCH];
    struct mmsghdr in_msg[BATCH], out_msg[BATCH];
    memset(in_msg, 0, sizeof in_msg); memset(out_msg, 0, sizeof out_msg); memset(out, 0, sizeof out);
    for (int i = 0; i < BATCH; i++) {
        in_iov[i].iov_base = in[i]; in_iov[i].iov_len = sizeof in[i];
        in_msg[i].msg_hdr.msg_iov = &in_iov[i]; in_msg[i].msg_hdr.msg_iovlen = 1;
        out_iov[i].iov_base = out[i]; out_iov[i].iov_len = sizeof out[i];
        out_msg[i].msg_hdr.msg_iov = &out_iov[i]; out_msg[i].msg_hdr.msg_iovlen = 1;
    }
    for (;;) {
        int64_t t = now_ns();
        if (t >= end) break;
        int n = epoll_wait(ep, events, 256, 10);
        for (int e = 0; e < n; e++) {
            struct flow *fl = &f[events[e].data.u32];
            for (;;) {
                int r = recvmmsg(fl->fd, in_msg, BATCH, MSG_DONTWAIT, NULL);
                if (r <= 0) break;
                int64_t now = now_ns();
                for (int i = 0; i < r; i++) {
                    int64_t sentAt;
                    memcpy(&sentAt, in[i], 8);
                    if (nsamples < MAX_SAMPLES) samples[nsamples++] = (uint32_t)((now - sentAt) / 1000);
                    memcpy(out[i], &now, 8);
                }
                received += r;
                fl->outstanding = fl->outstanding > r ? fl->outstanding - r : 0;
                if (now < end) {
                    int s = sendmmsg(fl->fd, out_msg, r, 0);
                    if (s > 0) { sent += s; fl->outstanding += s; fl->last_send = now; }
                }
                if (r < BATCH) break;
            }
        }
        t = now_ns();
        if (t - last_sweep > 50000000LL) {
            last_sweep = t;
            for (int i = 0; i < flows; i++) {
                if (f[i].outstanding > 0 && t - f[i].last_send > LOSS_NS) {
                    lost += f[i].outstanding; f[i].outstanding = 0;
                    for (int w = 0; w < window; w++) {
                        int64_t s = now_ns(); memcpy(buf, &s, 8);
                        if (send(f[i].fd, buf, sizeof buf, 0) == sizeof buf) { sent++; f[i].outstanding++; }
                    }
                    f[i].last_send = t;
                }
            }
        }
    }
    double elapsed = (now_ns() - start) / 1e9;
    /* Count what is still unanswered 200 ms after the end as lost too. */
    int64_t drain_end = now_ns() + LOSS_NS;
    while (now_ns() < drain_end) {
        int n = epoll_wait(ep, events, 256, 10);
        for (int e = 0; e < n; e++) {
            struct flow *fl = &f[events[e].data.u32];
            int r;
            while ((r = recvmmsg(fl->fd, in_msg, BATCH, MSG_DONTWAIT, NULL)) > 0) {
                received += r;
                fl->outstanding = fl->outstanding > r ? fl->outstanding - r : 0;
            }
        }
    }
    for (int i = 0; i < flows; i++) lost += f[i].outstanding;
    qsort(samples, nsamples, sizeof *samples, cmp);
    uint32_t p50 = nsamples ? samples[nsamples / 2] : 0, p99 = nsamples ? samples[(long)(nsamples * 0.99)] : 0;
    printf("sent %ld received %ld lost %ld rate %.0f p50_us %u p99_us %u\n",
           sent, received, lost, nsamples / elapsed, p50, p99);
    return 0;
}
