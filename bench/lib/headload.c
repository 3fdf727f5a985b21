/*
 * headload: a minimal closed-loop HTTP/1.1 load generator for responses that
 * carry no body (HEAD). wrk 4.1 cannot measure HEAD: its parser waits for
 * Content-Length bytes of body that a correct server never sends.
 *
 *   headload <port> <path> <connections> <duration_s> <timeout_s> [method]
 *
 * Each connection keeps one request in flight against 127.0.0.1:<port>; a
 * response ends at its CRLFCRLF. Any byte after it before the next request
 * is a body that must not be there: counted as a read error, the connection
 * is replaced. Prints one line like wrk's report.lua:
 *   BENCHJSON {"requests":..,"bytes":..,"duration_us":..,"errors":{..},"latency_us":{..}}
 * Built by bench/lib/wrk.mjs with `cc -O2` on first use.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 4096
#define HIST_US 1000000 /* 1 µs buckets up to 1 s, then one overflow bucket */

typedef struct {
  int fd;
  int connected;
  int inflight;     /* a request was sent and its response is not complete */
  int match;        /* how many bytes of "\r\n\r\n" matched so far */
  int head_len;     /* bytes of the current response seen (status check) */
  char status[16];  /* first bytes of the current response */
  uint64_t start;   /* when the request was sent (µs) */
} conn_t;

static conn_t conns[MAX_CONNS];
static uint32_t *hist;
static uint64_t overflow_max = 0;
static char req[1024];
static size_t req_len;
static struct sockaddr_in addr;
static int ep;
static uint64_t requests, bytes, e_connect, e_read, e_write, e_status, e_timeout;
static uint64_t lat_sum, lat_n, lat_max;

static uint64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void record(uint64_t us) {
  if (us < HIST_US) hist[us]++;
  else if (us > overflow_max) overflow_max = us;
  if (us >= HIST_US) hist[HIST_US]++;
  lat_sum += us;
  lat_n++;
  if (us > lat_max) lat_max = us;
}

static uint64_t percentile(double p) {
  if (lat_n == 0) return 0;
  uint64_t want = (uint64_t)((p / 100.0) * (double)lat_n + 0.5);
  if (want < 1) want = 1;
  uint64_t seen = 0;
  for (uint64_t i = 0; i < HIST_US; i++) {
    seen += hist[i];
    if (seen >= want) return i;
  }
  return overflow_max;
}

static int open_conn(conn_t *c) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EINPROGRESS) {
    close(fd);
    e_connect++;
    return -1;
  }
  memset(c, 0, sizeof *c);
  c->fd = fd;
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  return 0;
}

static void reopen(conn_t *c) {
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->fd = -1;
  open_conn(c);
}

static void send_req(conn_t *c) {
  ssize_t n = write(c->fd, req, req_len);
  if (n != (ssize_t)req_len) { /* a 100-byte request always fits an empty socket buffer */
    e_write++;
    reopen(c);
    return;
  }
  c->inflight = 1;
  c->match = 0;
  c->head_len = 0;
  c->start = now_us();
}

static void on_readable(conn_t *c) {
  char buf[16384];
  for (;;) {
    ssize_t n = read(c->fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      e_read++;
      reopen(c);
      return;
    }
    if (n == 0) { /* server closed: fine between responses */
      if (c->inflight && (c->head_len > 0 || c->match > 0)) e_read++;
      reopen(c);
      return;
    }
    bytes += (uint64_t)n;
    for (ssize_t i = 0; i < n; i++) {
      if (!c->inflight) { /* bytes nobody asked for: a body after HEAD */
        e_read++;
        reopen(c);
        return;
      }
      char ch = buf[i];
      if (c->head_len < (int)sizeof c->status) c->status[c->head_len] = ch;
      c->head_len++;
      static const char end[4] = {'\r', '\n', '\r', '\n'};
      if (ch == end[c->match]) c->match++;
      else c->match = (ch == '\r') ? 1 : 0;
      if (c->match == 4) {
        uint64_t t = now_us();
        record(t - c->start);
        requests++;
        /* "HTTP/1.1 200": status digit at offset 9 */
        if (c->head_len < 12 || c->status[9] < '1' || c->status[9] > '3') e_status++;
        c->inflight = 0;
        if (i + 1 < n) { /* more bytes already: body after HEAD */
          e_read++;
          reopen(c);
          return;
        }
        send_req(c);
        if (c->fd < 0) return;
      }
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: headload <port> <path> <connections> <duration_s> <timeout_s> [method]\n");
    return 2;
  }
  int port = atoi(argv[1]);
  const char *path = argv[2];
  int nconn = atoi(argv[3]);
  double duration = atof(argv[4]);
  double timeout_s = atof(argv[5]);
  const char *method = argc > 6 ? argv[6] : "HEAD";
  if (nconn < 1 || nconn > MAX_CONNS || duration <= 0 || port <= 0) {
    fprintf(stderr, "bad arguments\n");
    return 2;
  }
  hist = calloc(HIST_US + 1, sizeof *hist);
  if (!hist) return 1;
  req_len = (size_t)snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", method, path, port);
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ep = epoll_create1(0);

  for (int i = 0; i < nconn; i++) {
    conns[i].fd = -1;
    open_conn(&conns[i]);
  }
  uint64_t t0 = now_us();
  uint64_t until = t0 + (uint64_t)(duration * 1e6);
  uint64_t tmo = (uint64_t)(timeout_s * 1e6);
  uint64_t last_sweep = t0;
  struct epoll_event evs[256];
  for (;;) {
    uint64_t t = now_us();
    if (t >= until) break;
    int left_ms = (int)((until - t) / 1000) + 1;
    int n = epoll_wait(ep, evs, 256, left_ms < 100 ? left_ms : 100);
    for (int i = 0; i < n; i++) {
      conn_t *c = evs[i].data.ptr;
      if (c->fd < 0) continue;
      if (!c->connected && (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) {
          e_connect++;
          reopen(c);
          continue;
        }
        c->connected = 1;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        send_req(c);
        continue;
      }
      if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
    }
    t = now_us();
    if (t - last_sweep > 100000) { /* timeouts, 10 times a second */
      last_sweep = t;
      for (int i = 0; i < nconn; i++) {
        conn_t *c = &conns[i];
        if (c->fd >= 0 && c->inflight && t - c->start > tmo) {
          e_timeout++;
          reopen(c);
        } else if (c->fd < 0) {
          open_conn(c);
        }
      }
    }
  }
  uint64_t elapsed = now_us() - t0;
  printf("BENCHJSON {\"requests\":%llu,\"bytes\":%llu,\"duration_us\":%llu,"
         "\"errors\":{\"connect\":%llu,\"read\":%llu,\"write\":%llu,\"status\":%llu,\"timeout\":%llu},"
         "\"latency_us\":{\"p50\":%llu,\"p90\":%llu,\"p99\":%llu,\"max\":%llu,\"mean\":%.1f}}\n",
         (unsigned long long)requests, (unsigned long long)bytes, (unsigned long long)elapsed,
         (unsigned long long)e_connect, (unsigned long long)e_read, (unsigned long long)e_write,
         (unsigned long long)e_status, (unsigned long long)e_timeout,
         (unsigned long long)percentile(50), (unsigned long long)percentile(90),
         (unsigned long long)percentile(99), (unsigned long long)lat_max,
         lat_n ? (double)lat_sum / (double)lat_n : 0.0);
  for (int i = 0; i < nconn; i++)
    if (conns[i].fd >= 0) close(conns[i].fd);
  return 0;
}
