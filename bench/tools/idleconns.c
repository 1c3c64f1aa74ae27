/* Opens COUNT TCP connections to ADDRESS:PORT from source addresses 127.0.2.1..127.0.2.SOURCES,
 * prints "connected N" once all are established (or after 30 s), then holds them idle for
 * HOLD_SECONDS and exits. Usage: idleconns ADDRESS PORT COUNT SOURCES HOLD_SECONDS */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 6) { fprintf(stderr, "usage: idleconns ADDRESS PORT COUNT SOURCES HOLD_SECONDS\n"); return 2; }
    int count = atoi(argv[3]), sources = atoi(argv[4]), hold = atoi(argv[5]);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
    inet_pton(AF_INET, argv[1], &to.sin_addr);
    struct pollfd *p = calloc(count, sizeof *p);
    int open = 0;
    for (int i = 0; i < count; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (fd < 0) { perror("socket"); break; }
        struct sockaddr_in from = { .sin_family = AF_INET };
        char src[32]; snprintf(src, sizeof src, "127.0.2.%d", 1 + i % sources);
        inet_pton(AF_INET, src, &from.sin_addr);
        bind(fd, (struct sockaddr *)&from, sizeof from);
        if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0 && errno != EINPROGRESS) { perror("connect"); close(fd); continue; }
        p[open].fd = fd; p[open].events = POLLOUT; open++;
        if (i % 500 == 499) usleep(20000); /* stay under the listen backlog */
    }
    time_t deadline = time(NULL) + 30;
    int established = 0;
    while (time(NULL) < deadline) {
        established = 0;
        poll(p, open, 100);
        for (int i = 0; i < open; i++) {
            if (p[i].fd < 0) { established++; continue; }
            if (p[i].revents & POLLOUT) {
                int err = 0; socklen_t len = sizeof err;
                getsockopt(p[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err == 0) { p[i].fd = -p[i].fd - 1; established++; }
            }
        }
        if (established == open) break;
    }
    printf("connected %d\n", established); fflush(stdout);
    sleep(hold);
    return 0;
}
