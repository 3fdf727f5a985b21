/*
 * idleconns: opens N keep-alive connections to 127.0.0.1:PORT, sends one
 * complete GET on each and reads its complete answer (head + Content-Length
 * bytes), then keeps them all open and quiet. Used by bench/idle-memory.mjs
 * instead of Node sockets: a Node client opens 10 000 connections too slowly
 * on a busy 2-core machine for a server that closes connections idle for 5 s.
 *
 *   idleconns PORT PATH N CONCURRENCY TIMEOUT_S
 *
 * Prints one line when every connection is answered (or failed):
 *   IDLEJSON {"ok":n200,"other":nNon200,"failed":nFailed,"openMs":ms,"firstError":"..."}
 * then reads commands from stdin, one a line:
 *   count  -> prints  CLOSED <connections the server has closed since>
 * and exits (closing every connection) at end of input.
 *
 * Single-threaded epoll loop; every connection has a deadline of TIMEOUT_S.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { CONNECTING, READING, IDLE, DONE_FAILED, CLOSED };

struct conn {
  int fd;
  int state;
  size_t got;     /* bytes of the answer read so far */
  long need;      /* total bytes of the answer, -1 until the head is complete */
  int status;
  char head[2048];
};

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static char first_error[200] = "";
static void fail(struct conn *c, const char *why) {
  if (!first_error[0]) snprintf(first_error, sizeof first_error, "%s", why);
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->state = DONE_FAILED;
}

/* Parses the status and Content-Length once the head is complete; returns 0 while incomplete. */
static int parse_head(struct conn *c) {
  char *end = memmem(c->head, c->got < sizeof c->head ? c->got : sizeof c->head, "\r\n\r\n", 4);
  if (!end) return 0;
  *end = 0;
  if (strncmp(c->head, "HTTP/1.1 ", 9) != 0 && strncmp(c->head, "HTTP/1.0 ", 9) != 0) return -1;
  c->status = atoi(c->head + 9);
  long len = -1;
  for (char *p = strstr(c->head, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
    if (strncasecmp(p + 2, "content-length:", 15) == 0) len = strtol(p + 17, NULL, 10);
  }
  if (len < 0) return -1;
  c->need = (long)(end - c->head) + 4 + len;
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: idleconns PORT PATH N CONCURRENCY TIMEOUT_S\n");
    return 2;
  }
  int port = atoi(argv[1]);
  const char *path = argv[2];
  int n = atoi(argv[3]);
  int concurrency = atoi(argv[4]);
  long timeout_ms = atol(argv[5]) * 1000L;
  char req[512];
  int reqlen = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUser-Agent: tinyhttp-idleconns\r\n\r\n", path, port);
  struct conn *conns = calloc((size_t)n, sizeof *conns);
  int ep = epoll_create1(0);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  struct epoll_event evs[512];
  int started = 0, finished = 0, inflight = 0, ok = 0, other = 0, failed = 0;
  long t0 = now_ms();
  long deadline = t0 + timeout_ms + (long)n; /* generous: the last connections start late */

  while (finished < n) {
    while (inflight < concurrency && started < n) {
      struct conn *c = &conns[started];
      c->need = -1;
      c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (c->fd < 0) {
        fail(c, strerror(errno));
        failed++, finished++, started++;
        continue;
      }
      int one = 1;
      setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EINPROGRESS) {
        fail(c, strerror(errno));
        failed++, finished++, started++;
        continue;
      }
      c->state = CONNECTING;
      struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN, .data.u32 = (unsigned)started };
      epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
      started++, inflight++;
    }
    if (now_ms() > deadline) {
      for (int i = 0; i < started; i++)
        if (conns[i].state == CONNECTING || conns[i].state == READING) fail(&conns[i], "timeout"), failed++, finished++, inflight--;
      break;
    }
    int k = epoll_wait(ep, evs, 512, 100);
    for (int e = 0; e < k; e++) {
      struct conn *c = &conns[evs[e].data.u32];
      if (c->state == CONNECTING && (evs[e].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err || write(c->fd, req, (size_t)reqlen) != reqlen) {
          fail(c, err ? strerror(err) : "short write");
          failed++, finished++, inflight--;
          continue;
        }
        c->state = READING;
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = evs[e].data.u32 };
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        continue;
      }
      if (c->state != READING) continue;
      for (;;) {
        char buf[16384];
        ssize_t r = read(c->fd, buf, sizeof buf);
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (r <= 0) {
          fail(c, r == 0 ? "closed before the answer was complete" : strerror(errno));
          failed++, finished++, inflight--;
          break;
        }
        if (c->got < sizeof c->head) memcpy(c->head + c->got, buf, (size_t)r < sizeof c->head - c->got ? (size_t)r : sizeof c->head - c->got);
        c->got += (size_t)r;
        if (c->need < 0) {
          int h = parse_head(c);
          if (h < 0) {
            fail(c, "bad answer head (no status or no Content-Length)");
            failed++, finished++, inflight--;
            break;
          }
        }
        if (c->need >= 0 && (long)c->got > c->need) {
          fail(c, "bytes after the answer");
          failed++, finished++, inflight--;
          break;
        }
        if (c->need >= 0 && (long)c->got == c->need) {
          c->state = IDLE;
          if (c->status == 200) ok++;
          else other++;
          finished++, inflight--;
          /* from now on only a close (or anything unexpected) is of interest */
          struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.u32 = evs[e].data.u32 };
          epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
          break;
        }
      }
    }
  }
  printf("IDLEJSON {\"ok\":%d,\"other\":%d,\"failed\":%d,\"openMs\":%ld,\"firstError\":\"%s\"}\n", ok, other, failed, now_ms() - t0, first_error);
  fflush(stdout);

  /* idle: count closes by the server; answer "count" on stdin; exit at end of input */
  int closed = 0;
  struct epoll_event sev = { .events = EPOLLIN, .data.u32 = 0xffffffffu };
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &sev);
  char line[64];
  size_t linelen = 0;
  for (;;) {
    int k = epoll_wait(ep, evs, 512, 1000);
    for (int e = 0; e < k; e++) {
      if (evs[e].data.u32 == 0xffffffffu) {
        char ch;
        ssize_t r = read(0, &ch, 1);
        if (r <= 0) goto out;
        if (ch == '\n') {
          line[linelen] = 0;
          if (strcmp(line, "count") == 0) {
            printf("CLOSED %d\n", closed);
            fflush(stdout);
          }
          linelen = 0;
        } else if (linelen < sizeof line - 1) {
          line[linelen++] = ch;
        }
        continue;
      }
      struct conn *c = &conns[evs[e].data.u32];
      if (c->state != IDLE) continue;
      char buf[256];
      ssize_t r = read(c->fd, buf, sizeof buf);
      if (r == 0 || (r < 0 && errno != EAGAIN)) {
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        c->fd = -1;
        c->state = CLOSED;
        closed++;
      }
    }
  }
out:
  for (int i = 0; i < n; i++)
    if (conns[i].fd >= 0) close(conns[i].fd);
  return 0;
}
