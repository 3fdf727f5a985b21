/*
 * wsload: a closed-loop WebSocket (RFC 6455) load generator for bench/ws. One thread, epoll,
 * every connection to 127.0.0.1:<port><path>, no extensions offered (no compression).
 *
 *   wsload echo      <port> <path> <conns> <duration_s> <size> [text|binary|text-deflate|binary-deflate]
 *   wsload broadcast <port> <path> <conns> <duration_s> <size>
 *   wsload idle      <port> <path> <conns> <hold_s>
 *
 * echo: each connection keeps one masked message of <size> bytes in flight and waits for the
 *   same bytes back (length and content checked) before sending the next.
 * broadcast: connection 0 sends one message; the server must deliver it to every connection
 *   (connection 0 included) before connection 0 sends the next. One "message" = one broadcast.
 * idle: open and upgrade every connection, print "READY <n>", hold them for <hold_s> seconds.
 * -deflate (built with -DWSLOAD_ZLIB -lz): offer permessage-deflate with client_no_context_takeover
 *   and require it in the 101; every message is sent compressed (RSV1; compressed once, it is the
 *   same every time) and an answer with RSV1 is inflated with one zlib stream per connection (the
 *   server may keep its context) before it is compared.
 *
 * The clock starts when every connection is upgraded (or failed: failures are errors). Prints one line:
 *   BENCHJSON {"messages":..,"duration_us":..,"opened":..,"errors":{..},"latency_us":{..}}
 * Built by bench/ws/run.mjs with `cc -O2` on first use.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#ifdef WSLOAD_ZLIB
#include <zlib.h>
#endif

#define MAX_CONNS 20000
#define RBUF (1 << 17)
#define HIST_US 1000000

enum { CONNECTING, HANDSHAKE, OPEN, DEAD };
enum { ECHO, BROADCAST, IDLE };

typedef struct {
  int fd, state;
  size_t woff;        /* bytes of the current output (handshake or frame) written */
  int wpending;       /* output not fully written */
  const char *wbuf;
  size_t wlen;
  char *rbuf;
  size_t rlen;
  uint64_t start;     /* when the message in flight was sent (µs) */
  int inflight;
  uint64_t got;       /* broadcast: messages received */
#ifdef WSLOAD_ZLIB
  z_stream *inf;      /* the server's compressed messages, inflated */
#endif
} conn_t;

static conn_t *conns;
static int nconns, mode, ep;
static size_t msg_size;
static int opcode = 1, use_deflate = 0;
static char *inflated;
static char handshake[512];
static size_t handshake_len;
static char *frame, *payload;
static size_t frame_len;
static uint32_t *hist;
static uint64_t messages, e_connect, e_handshake, e_read, e_closed, e_mismatch, lat_max;
static int opened, stopping, pending; /* pending: connections not yet upgraded nor dead */
static uint64_t round_start, round_got;

static uint64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void record(uint64_t us) {
  hist[us < HIST_US ? us : HIST_US - 1]++;
  if (us > lat_max) lat_max = us;
}

static uint64_t percentile(double p) {
  uint64_t total = 0, seen = 0;
  for (int i = 0; i < HIST_US; i++) total += hist[i];
  if (total == 0) return 0;
  uint64_t want = (uint64_t)(p * (double)total);
  for (int i = 0; i < HIST_US; i++) {
    seen += hist[i];
    if (seen > want) return (uint64_t)i;
  }
  return HIST_US;
}

static void kill_conn(conn_t *c, uint64_t *counter) {
  if (c->state == DEAD) return;
  if (c->state == CONNECTING || c->state == HANDSHAKE) pending--;
  if (counter) (*counter)++;
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->state = DEAD;
}

static void want_out(conn_t *c, int on) {
  struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Writes what is left of c's output; 0 when done or waiting for EPOLLOUT, -1 on error. */
static int flush_out(conn_t *c) {
  while (c->woff < c->wlen) {
    ssize_t n = write(c->fd, c->wbuf + c->woff, c->wlen - c->woff);
    if (n < 0) {
      if (errno == EAGAIN) {
        if (!c->wpending) want_out(c, 1);
        c->wpending = 1;
        return 0;
      }
      return -1;
    }
    c->woff += (size_t)n;
  }
  if (c->wpending) want_out(c, 0);
  c->wpending = 0;
  return 0;
}

static int send_buf(conn_t *c, const char *buf, size_t len) {
  c->wbuf = buf;
  c->wlen = len;
  c->woff = 0;
  return flush_out(c);
}

static void send_message(conn_t *c) {
  c->start = now_us();
  c->inflight = 1;
  if (send_buf(c, frame, frame_len) < 0) kill_conn(c, &e_closed);
}

static void all_open(void);

/* One complete server frame in c->rbuf: header length, payload length; 0 when incomplete. */
static size_t frame_at(const unsigned char *b, size_t avail, size_t *hlen, uint64_t *plen) {
  if (avail < 2) return 0;
  uint64_t len = b[1] & 0x7f;
  size_t h = 2;
  if (len == 126) {
    if (avail < 4) return 0;
    len = ((uint64_t)b[2] << 8) | b[3];
    h = 4;
  } else if (len == 127) {
    if (avail < 10) return 0;
    len = 0;
    for (int i = 2; i < 10; i++) len = (len << 8) | b[i];
    h = 10;
  }
  if (b[1] & 0x80) h += 4; /* a server must not mask; tolerated here, checked as mismatch below */
  if (avail < h + len) return 0;
  *hlen = h;
  *plen = len;
  return h + len;
}

/* Whether a compressed answer inflates to exactly the message. */
static int inflates_to_message(conn_t *c, const unsigned char *p, uint64_t plen) {
#ifdef WSLOAD_ZLIB
  static const unsigned char trailer[4] = {0x00, 0x00, 0xff, 0xff};
  if (!c->inf) {
    c->inf = calloc(1, sizeof *c->inf);
    if (!c->inf || inflateInit2(c->inf, -15) != Z_OK) return 0;
  }
  z_stream *z = c->inf;
  z->next_out = (Bytef *)inflated;
  z->avail_out = (uInt)(msg_size + 16);
  z->next_in = (Bytef *)p;
  z->avail_in = (uInt)plen;
  int r = inflate(z, Z_SYNC_FLUSH);
  if ((r != Z_OK && r != Z_BUF_ERROR) || z->avail_in != 0) return 0;
  z->next_in = (Bytef *)trailer;
  z->avail_in = 4;
  r = inflate(z, Z_SYNC_FLUSH);
  if ((r != Z_OK && r != Z_BUF_ERROR) || z->avail_in != 0) return 0;
  size_t out = msg_size + 16 - z->avail_out;
  return out == msg_size && memcmp(inflated, payload, msg_size) == 0;
#else
  (void)c, (void)p, (void)plen;
  return 0;
#endif
}

static void on_frame(conn_t *c, const unsigned char *b, size_t hlen, uint64_t plen) {
  int op = b[0] & 0x0f;
  if (op == 0x9 || op == 0xA) return; /* ping/pong: heartbeats are off in the peers */
  if (op == 0x8) {
    kill_conn(c, &e_closed);
    return;
  }
  int ok = (b[0] & 0x80) && op == opcode && !(b[1] & 0x80) && !(b[0] & 0x30);
  if (ok && (b[0] & 0x40)) ok = use_deflate && inflates_to_message(c, b + hlen, plen);
  else if (ok) ok = plen == msg_size && memcmp(b + hlen, payload, msg_size) == 0;
  if (!ok) {
    kill_conn(c, &e_mismatch);
    return;
  }
  if (mode == ECHO) {
    if (!c->inflight) {
      kill_conn(c, &e_mismatch);
      return;
    }
    c->inflight = 0;
    messages++;
    record(now_us() - c->start);
    if (!stopping) send_message(c);
  } else if (mode == BROADCAST) {
    c->got++;
    if (++round_got == (uint64_t)opened) {
      messages++;
      record(now_us() - round_start);
      round_got = 0;
      if (!stopping && conns[0].state == OPEN) {
        round_start = now_us();
        send_message(&conns[0]);
      }
    }
  }
}

static void on_readable(conn_t *c) {
  for (;;) {
    ssize_t n = read(c->fd, c->rbuf + c->rlen, RBUF - c->rlen);
    if (n == 0) {
      kill_conn(c, &e_closed);
      return;
    }
    if (n < 0) {
      if (errno != EAGAIN) kill_conn(c, &e_read);
      return;
    }
    c->rlen += (size_t)n;
    size_t off = 0;
    if (c->state == HANDSHAKE) {
      char *end = memmem(c->rbuf, c->rlen, "\r\n\r\n", 4);
      if (!end) {
        if (c->rlen == RBUF) kill_conn(c, &e_handshake);
        continue;
      }
      if (c->rlen < 12 || memcmp(c->rbuf, "HTTP/1.1 101", 12) != 0) {
        kill_conn(c, &e_handshake);
        return;
      }
      off = (size_t)(end - c->rbuf) + 4;
      if (use_deflate && !memmem(c->rbuf, off, "permessage-deflate", 18)) {
        kill_conn(c, &e_handshake); /* compression asked for and not agreed */
        return;
      }
      c->state = OPEN;
      opened++;
      pending--;
    }
    for (;;) {
      size_t hlen;
      uint64_t plen;
      size_t whole = frame_at((unsigned char *)c->rbuf + off, c->rlen - off, &hlen, &plen);
      if (whole == 0) break;
      on_frame(c, (unsigned char *)c->rbuf + off, hlen, plen);
      if (c->state == DEAD) return;
      off += whole;
    }
    if (off > 0) {
      memmove(c->rbuf, c->rbuf + off, c->rlen - off);
      c->rlen -= off;
    }
    if (c->rlen == RBUF) {
      kill_conn(c, &e_mismatch);
      return;
    }
  }
}

static uint64_t t0;

static void all_open(void) {
  t0 = now_us();
  if (mode == ECHO)
    for (int i = 0; i < nconns; i++) {
      if (conns[i].state == OPEN) send_message(&conns[i]);
    }
  else if (mode == BROADCAST) {
    round_start = now_us();
    send_message(&conns[0]);
  } else {
    printf("READY %d\n", opened);
    fflush(stdout);
  }
}

/* The message: words of a small vocabulary in a fixed pseudo-random order (compresses like text). */
static void make_payload(void) {
  static const char *words[] = {"alpha ", "beta ", "gamma ", "delta ", "socket ", "frame ", "{\"id\":", "42}, ", "tiny ", "http "};
  payload = malloc(msg_size + 16);
  uint32_t x = 2463534242u;
  for (size_t i = 0; i < msg_size;) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    for (const char *w = words[x % 10]; *w && i < msg_size; w++) payload[i++] = *w;
  }
}

/* The masked frame sent every time: the message, or with -deflate its compressed form and RSV1. */
static void make_frame(void) {
  make_payload();
  const unsigned char *body = (const unsigned char *)payload;
  size_t len = msg_size;
#ifdef WSLOAD_ZLIB
  unsigned char *z = NULL;
  if (use_deflate) {
    z_stream d = {0};
    deflateInit2(&d, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    z = malloc(deflateBound(&d, msg_size) + 16);
    d.next_in = (Bytef *)payload;
    d.avail_in = (uInt)msg_size;
    d.next_out = z;
    d.avail_out = (uInt)(deflateBound(&d, msg_size) + 16);
    deflate(&d, Z_SYNC_FLUSH);
    len = d.total_out - 4; /* without the trailing 00 00 ff ff */
    deflateEnd(&d);
    body = z;
  }
#endif
  size_t h = len < 126 ? 2 : len < 65536 ? 4 : 10;
  frame_len = h + 4 + len;
  frame = malloc(frame_len);
  unsigned char *f = (unsigned char *)frame;
  f[0] = (unsigned char)(0x80 | (use_deflate ? 0x40 : 0) | opcode);
  if (h == 2) f[1] = (unsigned char)(0x80 | len);
  else if (h == 4) {
    f[1] = 0x80 | 126;
    f[2] = (unsigned char)(len >> 8);
    f[3] = (unsigned char)len;
  } else {
    f[1] = 0x80 | 127;
    for (int i = 0; i < 8; i++) f[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
  }
  const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
  memcpy(f + h, key, 4);
  for (size_t i = 0; i < len; i++) f[h + 4 + i] = body[i] ^ key[i & 3];
  inflated = malloc(msg_size + 16);
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: wsload echo|broadcast|idle <port> <path> <conns> <seconds> [size] [text|binary]\n");
    return 2;
  }
  mode = strcmp(argv[1], "echo") == 0 ? ECHO : strcmp(argv[1], "broadcast") == 0 ? BROADCAST : IDLE;
  int port = atoi(argv[2]);
  const char *path = argv[3];
  nconns = atoi(argv[4]);
  double seconds = atof(argv[5]);
  msg_size = argc > 6 ? (size_t)atol(argv[6]) : 32;
  if (argc > 7 && strstr(argv[7], "binary")) opcode = 2;
  if (argc > 7 && strstr(argv[7], "deflate")) use_deflate = 1;
#ifndef WSLOAD_ZLIB
  if (use_deflate) {
    fprintf(stderr, "wsload: built without zlib (-DWSLOAD_ZLIB -lz): no -deflate\n");
    return 2;
  }
#endif
  if (nconns < 1 || nconns > MAX_CONNS) return 2;
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  make_frame();
  hist = calloc(HIST_US, sizeof *hist);
  conns = calloc((size_t)nconns, sizeof *conns);
  handshake_len = (size_t)snprintf(handshake, sizeof handshake,
      "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n%s\r\n", path, port,
      use_deflate ? "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n" : "");
  ep = epoll_create1(0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  for (int i = 0; i < nconns; i++) {
    conn_t *c = &conns[i];
    c->rbuf = malloc(RBUF);
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->state = CONNECTING;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
    if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EINPROGRESS) kill_conn(c, &e_connect);
  }
  pending = nconns;
  uint64_t setup_deadline = now_us() + 20000000u, deadline = 0;
  struct epoll_event evs[512];
  for (;;) {
    uint64_t now = now_us();
    if (!t0 && pending == 0) { /* every connection upgraded or failed: start with those that upgraded */
      if (opened == 0) break;
      all_open();
    }
    if (t0 && !deadline) deadline = t0 + (uint64_t)(seconds * 1e6);
    if (!t0 && now > setup_deadline) break;
    if (deadline && now >= deadline) break;
    int n = epoll_wait(ep, evs, 512, 10);
    for (int i = 0; i < n; i++) {
      conn_t *c = evs[i].data.ptr;
      if (c->state == DEAD) continue;
      if (c->state == CONNECTING) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
          kill_conn(c, &e_connect);
          continue;
        }
        c->state = HANDSHAKE;
        want_out(c, 0);
        if (send_buf(c, handshake, handshake_len) < 0) kill_conn(c, &e_handshake);
        continue;
      }
      if ((evs[i].events & EPOLLOUT) && c->wpending && flush_out(c) < 0) kill_conn(c, &e_closed);
      if (c->state != DEAD && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) on_readable(c);
    }
  }
  stopping = 1;
  uint64_t dur = t0 ? now_us() - t0 : 0;
  uint64_t timeouts = 0, end = now_us();
  for (int i = 0; i < nconns; i++) /* a message still unanswered after 5 s */
    if (mode == ECHO && conns[i].state == OPEN && conns[i].inflight && end - conns[i].start > 5000000u) timeouts++;
  printf("BENCHJSON {\"messages\":%llu,\"duration_us\":%llu,\"opened\":%d,\"conns\":%d,\"size\":%zu,"
         "\"errors\":{\"connect\":%llu,\"handshake\":%llu,\"read\":%llu,\"closed\":%llu,\"mismatch\":%llu,\"timeout\":%llu},"
         "\"latency_us\":{\"p50\":%llu,\"p99\":%llu,\"max\":%llu}}\n",
         (unsigned long long)messages, (unsigned long long)dur, opened, nconns, msg_size,
         (unsigned long long)e_connect, (unsigned long long)e_handshake, (unsigned long long)e_read,
         (unsigned long long)e_closed, (unsigned long long)e_mismatch, (unsigned long long)timeouts,
         (unsigned long long)percentile(0.5), (unsigned long long)percentile(0.99), (unsigned long long)lat_max);
  return 0;
}
