/*
 * netswitch - a small userspace Ethernet switch for wireboot's network tests.
 *
 * The kernel on our test machines has no netem, no 802.1Q VLAN interfaces and no bridge VLAN
 * filtering, so this host tool provides them: a learning switch per VLAN between TAP devices and
 * QEMU UDP datagram backends, with access/trunk ports (802.1Q, TPID 0x8100), seeded packet loss,
 * duplication, reordering and delay on egress, pcap capture and per-port counters.
 *
 * Build: clang -std=gnu11 -O2 -Wall -Wextra -Werror -o build/tools/netswitch tests/tools/netswitch.c
 * Usage and semantics: tests/tools/README.md, or `netswitch --help`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME 9018          /* 9000-byte jumbo payload + 14-byte header + 4-byte 802.1Q tag */
#define MIN_FRAME 14            /* an Ethernet header; shorter frames are runts */
#define MAX_PORTS 64
#define RX_BUF_SIZE 65536       /* larger than any datagram or TAP frame, to detect oversize */
#define RX_BUDGET 256           /* frames read from one port per poll round (fairness) */
#define NATIVE_VLAN 1
#define MAX_VLAN 4094
#define TPID_8021Q 0x8100
#define MAC_TABLE_SIZE 8192     /* power of two */
#define MAC_PROBE_LIMIT 64
#define NS_PER_MS 1000000ull
#define NS_PER_SEC 1000000000ull

/* ---- small helpers --------------------------------------------------------------------- */

static bool verbose;

static void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("netswitch: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void die(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("netswitch: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(status);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        die(1, "out of memory");
    return p;
}

/* Strict number parsing: the whole string must be consumed. */
static bool parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;
    if (!*s || *s == '-' || *s == '+')
        return false;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static bool parse_pct(const char *s, double *out)
{
    char *end;
    double v;
    if (!*s)
        return false;
    errno = 0;
    v = strtod(s, &end);
    if (errno || *end || !(v >= 0.0 && v <= 100.0))
        return false;
    *out = v;
    return true;
}

/* splitmix64: a tiny, well-mixed PRNG; one independent stream per port. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* ---- data structures -------------------------------------------------------------------- */

struct pkt {
    struct pkt *next;
    uint64_t due_ns;
    uint32_t len;
    uint8_t copies;
    bool reorder;
    unsigned char data[];
};

struct counters {
    uint64_t rx;                /* frames read from the port (all, including dropped ones) */
    uint64_t tx;                /* frames written to the port (each duplicate counts) */
    uint64_t egress;            /* frames the switch sent towards the port, before impairments */
    uint64_t dropped_loss;      /* egress frames dropped by the loss impairment */
    uint64_t duplicated;        /* egress frames sent twice */
    uint64_t reordered;         /* held-back egress frames sent after a later frame */
    uint64_t reorder_timeouts;  /* held-back egress frames released by the timeout instead */
    uint64_t dropped_vlan;      /* ingress frames with a VLAN tag the port does not carry */
    uint64_t runt;              /* ingress frames shorter than 14 bytes (18 if tagged) */
    uint64_t oversize;          /* frames longer than MAX_FRAME (ingress, or egress once tagged) */
    uint64_t tx_error;          /* egress writes that failed (device down, peer absent, ...) */
    uint64_t dropped_queue;     /* egress frames dropped because the delay queue was full */
};

struct pcap_out {
    char *path;
    int fd;
};

enum port_kind { PORT_TAP, PORT_UDP };

struct port {
    int index;
    const char *spec;
    enum port_kind kind;
    char ifname[IFNAMSIZ];
    struct sockaddr_storage local, remote;
    socklen_t addr_len;
    int fd;
    bool dead;
    bool trunk;
    uint16_t access_vlan;
    uint8_t trunk_vlans[(MAX_VLAN + 1 + 7) / 8];
    /* impairments: negative / UINT64_MAX means "use the global value" until resolved */
    double loss, dup, reorder;
    long delay_ms;
    uint64_t delay_ns;
    uint64_t rng;
    struct pkt *q_head, *q_tail;
    size_t q_len;
    struct pkt *held;
    uint64_t held_deadline;
    const char *pcap_path;      /* strdup'ed */
    struct pcap_out *pcap;
    struct counters c;
};

static struct port ports[MAX_PORTS];
static int nports;

struct mac_entry {
    uint8_t mac[6];
    uint16_t vlan;
    int16_t port;
    bool used;
    uint64_t seen_ns;
};

static struct mac_entry mac_table[MAC_TABLE_SIZE];
static uint64_t mac_table_full;

/* global settings */
static double g_loss, g_dup, g_reorder;
static long g_delay_ms;
static uint64_t g_seed;
static bool g_seed_set;
static uint64_t g_aging_ns = 300 * NS_PER_SEC;
static uint64_t g_reorder_timeout_ns = 2 * NS_PER_MS;
static size_t g_max_queue = 4096;
static const char *g_stats_file, *g_ready_file;
static const char *g_pcap_path;
static struct pcap_out *g_pcap;
static struct pcap_out pcap_outs[MAX_PORTS + 1];
static int npcap_outs;

/* ---- pcap ------------------------------------------------------------------------------- */

static struct pcap_out *pcap_open(const char *path)
{
    struct {
        uint32_t magic;
        uint16_t major, minor;
        int32_t thiszone;
        uint32_t sigfigs, snaplen, network;
    } hdr = { 0xa1b2c3d4u, 2, 4, 0, 0, 65535, 1 /* LINKTYPE_ETHERNET */ };
    int fd;

    for (int i = 0; i < npcap_outs; i++)
        if (strcmp(pcap_outs[i].path, path) == 0)
            return &pcap_outs[i];
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die(1, "cannot create pcap file %s: %s", path, strerror(errno));
    if (write(fd, &hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr))
        die(1, "cannot write pcap file %s: %s", path, strerror(errno));
    pcap_outs[npcap_outs].path = strdup(path);
    pcap_outs[npcap_outs].fd = fd;
    return &pcap_outs[npcap_outs++];
}

static void pcap_write(struct pcap_out *out, const unsigned char *frame, size_t len)
{
    struct timespec ts;
    uint32_t rec[4];
    struct iovec iov[2];

    if (!out || out->fd < 0)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    rec[0] = (uint32_t)ts.tv_sec;
    rec[1] = (uint32_t)(ts.tv_nsec / 1000);
    rec[2] = (uint32_t)len;
    rec[3] = (uint32_t)len;
    iov[0].iov_base = rec;
    iov[0].iov_len = sizeof(rec);
    iov[1].iov_base = (void *)frame;
    iov[1].iov_len = len;
    /* One writev per record: a reader never sees a header without its data for long. */
    if (writev(out->fd, iov, 2) != (ssize_t)(sizeof(rec) + len)) {
        msg("pcap %s: write failed (%s); capture stopped", out->path, strerror(errno));
        close(out->fd);
        out->fd = -1;
    }
}

/* ---- MAC table -------------------------------------------------------------------------- */

static uint32_t mac_hash(uint16_t vlan, const uint8_t *mac)
{
    uint32_t h = 2166136261u;
    h = (h ^ (vlan & 0xff)) * 16777619u;
    h = (h ^ (vlan >> 8)) * 16777619u;
    for (int i = 0; i < 6; i++)
        h = (h ^ mac[i]) * 16777619u;
    return h;
}

static bool mac_entry_live(const struct mac_entry *e, uint64_t now)
{
    return e->used && now - e->seen_ns <= g_aging_ns;
}

static int mac_lookup(uint16_t vlan, const uint8_t *mac, uint64_t now)
{
    uint32_t h = mac_hash(vlan, mac);
    for (int i = 0; i < MAC_PROBE_LIMIT; i++) {
        struct mac_entry *e = &mac_table[(h + (uint32_t)i) & (MAC_TABLE_SIZE - 1)];
        if (!e->used)
            return -1;
        if (e->vlan == vlan && memcmp(e->mac, mac, 6) == 0)
            return mac_entry_live(e, now) ? e->port : -1;
    }
    return -1;
}

/* Slots are never emptied, only aged out and reused, so a lookup may stop at an unused slot. */
static void mac_learn(uint16_t vlan, const uint8_t *mac, int port, uint64_t now)
{
    uint32_t h = mac_hash(vlan, mac);
    struct mac_entry *slot = NULL;
    for (int i = 0; i < MAC_PROBE_LIMIT; i++) {
        struct mac_entry *e = &mac_table[(h + (uint32_t)i) & (MAC_TABLE_SIZE - 1)];
        if (!e->used) {
            if (!slot)
                slot = e;
            break;
        }
        if (e->vlan == vlan && memcmp(e->mac, mac, 6) == 0) {
            if (verbose && (e->port != port || !mac_entry_live(e, now)))
                msg("vlan %u: %02x:%02x:%02x:%02x:%02x:%02x on port %d", vlan, mac[0], mac[1], mac[2],
                    mac[3], mac[4], mac[5], port);
            e->port = (int16_t)port;
            e->seen_ns = now;
            return;
        }
        if (!slot && !mac_entry_live(e, now))
            slot = e;
    }
    if (!slot) {
        mac_table_full++;
        return;
    }
    if (verbose)
        msg("vlan %u: %02x:%02x:%02x:%02x:%02x:%02x on port %d", vlan, mac[0], mac[1], mac[2], mac[3],
            mac[4], mac[5], port);
    memcpy(slot->mac, mac, 6);
    slot->vlan = vlan;
    slot->port = (int16_t)port;
    slot->seen_ns = now;
    slot->used = true;
}

/* ---- egress: impairments and transmission ----------------------------------------------- */

static bool port_in_vlan(const struct port *p, uint16_t vlan)
{
    if (p->trunk)
        return vlan == NATIVE_VLAN || (p->trunk_vlans[vlan / 8] & (1u << (vlan % 8)));
    return vlan == p->access_vlan;
}

static void port_kill(struct port *p, const char *why)
{
    if (p->dead)
        return;
    msg("port %d (%s): %s; port disabled", p->index, p->spec, why);
    p->dead = true;
}

static void transmit(struct port *p, const unsigned char *frame, size_t len, int copies)
{
    for (int i = 0; i < copies; i++) {
        ssize_t n;
        if (p->dead) {
            p->c.tx_error++;
            continue;
        }
        if (p->kind == PORT_TAP)
            n = write(p->fd, frame, len);
        else
            n = send(p->fd, frame, len, MSG_DONTWAIT);
        if (n == (ssize_t)len) {
            p->c.tx++;
            pcap_write(g_pcap, frame, len);
            if (p->pcap != g_pcap)
                pcap_write(p->pcap, frame, len);
            continue;
        }
        p->c.tx_error++;
        if (n < 0 && p->kind == PORT_TAP && (errno == EBADFD || errno == ENODEV))
            port_kill(p, "TAP device is gone");
    }
}

static struct pkt *pkt_new(const unsigned char *frame, size_t len)
{
    struct pkt *k = xmalloc(sizeof(*k) + len);
    k->next = NULL;
    k->len = (uint32_t)len;
    k->copies = 1;
    k->reorder = false;
    k->due_ns = 0;
    memcpy(k->data, frame, len);
    return k;
}

/* Last stage: the reorder hold. `k` (may be NULL) owns the frame's storage if it came queued. */
static void deliver(struct port *p, const unsigned char *frame, size_t len, int copies, bool reorder,
                    struct pkt *k, uint64_t now)
{
    if (reorder && !p->held) {
        if (!k)
            k = pkt_new(frame, len);
        k->copies = (uint8_t)copies;
        k->next = NULL;
        p->held = k;
        p->held_deadline = now + g_reorder_timeout_ns;
        return;
    }
    transmit(p, frame, len, copies);
    free(k);
    if (p->held) {
        struct pkt *h = p->held;
        p->held = NULL;
        transmit(p, h->data, h->len, h->copies);
        p->c.reordered++;
        free(h);
    }
}

static bool chance(struct port *p, double pct)
{
    double u = (double)(splitmix64(&p->rng) >> 11) * (1.0 / 9007199254740992.0) * 100.0;
    return u < pct;
}

static void egress(struct port *p, const unsigned char *frame, size_t len, uint64_t now)
{
    bool lose, dup, reorder;

    p->c.egress++;
    /* Always three draws per frame: each port's decisions depend only on its own frame count. */
    lose = chance(p, p->loss);
    dup = chance(p, p->dup);
    reorder = chance(p, p->reorder);
    if (len > MAX_FRAME) {
        p->c.oversize++;
        return;
    }
    if (lose) {
        p->c.dropped_loss++;
        return;
    }
    if (p->delay_ns == 0 && !p->q_head) {
        p->c.duplicated += dup;
        deliver(p, frame, len, dup ? 2 : 1, reorder, NULL, now);
        return;
    }
    if (p->q_len >= g_max_queue) {
        p->c.dropped_queue++;
        return;
    }
    p->c.duplicated += dup;
    struct pkt *k = pkt_new(frame, len);
    k->copies = dup ? 2 : 1;
    k->reorder = reorder;
    k->due_ns = now + p->delay_ns;
    if (p->q_tail)
        p->q_tail->next = k;
    else
        p->q_head = k;
    p->q_tail = k;
    p->q_len++;
}

/* Runs due delayed frames and reorder timeouts of one port, in time order. */
static void port_timers(struct port *p, uint64_t now)
{
    for (;;) {
        uint64_t qdue = p->q_head ? p->q_head->due_ns : UINT64_MAX;
        uint64_t hdue = p->held ? p->held_deadline : UINT64_MAX;
        if (hdue <= now && hdue <= qdue) {
            struct pkt *h = p->held;
            p->held = NULL;
            transmit(p, h->data, h->len, h->copies);
            p->c.reorder_timeouts++;
            free(h);
        } else if (qdue <= now) {
            struct pkt *k = p->q_head;
            p->q_head = k->next;
            if (!p->q_head)
                p->q_tail = NULL;
            p->q_len--;
            deliver(p, k->data, k->len, k->copies, k->reorder, k, qdue);
        } else {
            return;
        }
    }
}

static uint64_t port_next_deadline(const struct port *p)
{
    uint64_t d = UINT64_MAX;
    if (p->q_head)
        d = p->q_head->due_ns;
    if (p->held && p->held_deadline < d)
        d = p->held_deadline;
    return d;
}

/* ---- ingress and forwarding ------------------------------------------------------------- */

/* Sends an untagged frame of `vlan` (with PCP/DEI bits `tci_hi`) towards port `p`. */
static void egress_vlan(struct port *p, const unsigned char *frame, size_t len, uint16_t vlan, uint16_t tci_hi,
                        uint64_t now)
{
    static unsigned char tagged[RX_BUF_SIZE + 4];
    uint16_t tci;

    if (!p->trunk || vlan == NATIVE_VLAN) {
        egress(p, frame, len, now);
        return;
    }
    if (len + 4 > sizeof(tagged)) {
        p->c.egress++;
        p->c.oversize++;
        return;
    }
    tci = (uint16_t)(tci_hi | vlan);
    memcpy(tagged, frame, 12);
    tagged[12] = TPID_8021Q >> 8;
    tagged[13] = TPID_8021Q & 0xff;
    tagged[14] = (unsigned char)(tci >> 8);
    tagged[15] = (unsigned char)(tci & 0xff);
    memcpy(tagged + 16, frame + 12, len - 12);
    egress(p, tagged, len + 4, now);
}

static void ingress(struct port *in, unsigned char *buf, size_t len, uint64_t now)
{
    unsigned char *frame = buf;
    uint16_t vlan, tci_hi = 0;
    int out;

    in->c.rx++;
    if (len < MIN_FRAME) {
        in->c.runt++;
        return;
    }
    if (len > MAX_FRAME) {
        in->c.oversize++;
        return;
    }
    if (((buf[12] << 8) | buf[13]) == TPID_8021Q) {
        uint16_t tci, vid;
        if (len < MIN_FRAME + 4) {
            in->c.runt++;
            return;
        }
        tci = (uint16_t)((buf[14] << 8) | buf[15]);
        vid = tci & 0x0fff;
        tci_hi = tci & 0xf000;
        if (vid == 0)           /* priority tag: the frame belongs to the port's untagged VLAN */
            vlan = in->trunk ? NATIVE_VLAN : in->access_vlan;
        else if (in->trunk && vid <= MAX_VLAN && port_in_vlan(in, vid))
            vlan = vid;
        else {                  /* tagged on an access port, or a VLAN this trunk does not carry */
            in->c.dropped_vlan++;
            return;
        }
        memmove(buf + 4, buf, 12);      /* strip the tag */
        frame = buf + 4;
        len -= 4;
    } else {
        vlan = in->trunk ? NATIVE_VLAN : in->access_vlan;
    }

    if (!(frame[6] & 1))
        mac_learn(vlan, frame + 6, in->index, now);

    out = (frame[0] & 1) ? -1 : mac_lookup(vlan, frame, now);
    if (out == in->index)
        return;                 /* destination is on the port it came from: filtered */
    if (out >= 0 && !ports[out].dead) {
        egress_vlan(&ports[out], frame, len, vlan, tci_hi, now);
        return;
    }
    for (int i = 0; i < nports; i++) {
        struct port *p = &ports[i];
        if (p == in || p->dead || !port_in_vlan(p, vlan))
            continue;
        egress_vlan(p, frame, len, vlan, tci_hi, now);
    }
}

static void port_read(struct port *p, uint64_t now)
{
    static unsigned char buf[RX_BUF_SIZE + 4];

    for (int i = 0; i < RX_BUDGET && !p->dead; i++) {
        ssize_t n;
        if (p->kind == PORT_TAP)
            n = read(p->fd, buf, RX_BUF_SIZE);
        else
            n = recv(p->fd, buf, RX_BUF_SIZE, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0) {
            if (errno == EINTR || errno == ECONNREFUSED)
                continue;       /* ECONNREFUSED: an ICMP error from an absent peer, now consumed */
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            if (p->kind == PORT_TAP) {
                char why[96];
                snprintf(why, sizeof(why), "read failed: %s", strerror(errno));
                port_kill(p, why);
            }
            return;
        }
        if (p->kind == PORT_UDP && n > RX_BUF_SIZE) {
            p->c.rx++;
            p->c.oversize++;
            continue;
        }
        ingress(p, buf, (size_t)n, now);
    }
}

/* ---- port setup ------------------------------------------------------------------------- */

static void open_tap(struct port *p)
{
    struct ifreq ifr;
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        die(1, "port %d (%s): cannot open /dev/net/tun: %s", p->index, p->spec, strerror(errno));
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    memcpy(ifr.ifr_name, p->ifname, strlen(p->ifname));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        die(1, "port %d (%s): TUNSETIFF %s: %s%s", p->index, p->spec, p->ifname, strerror(errno),
            errno == EBUSY ? " (another process has it open)" : "");
    p->fd = fd;
}

static void open_udp(struct port *p)
{
    int fd = socket(p->local.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int sz = 4 << 20;
    if (fd < 0)
        die(1, "port %d (%s): socket: %s", p->index, p->spec, strerror(errno));
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
    if (bind(fd, (struct sockaddr *)&p->local, p->addr_len) < 0)
        die(1, "port %d (%s): bind: %s", p->index, p->spec, strerror(errno));
    /* connect() also filters: only datagrams from the configured peer are accepted. */
    if (connect(fd, (struct sockaddr *)&p->remote, p->addr_len) < 0)
        die(1, "port %d (%s): connect: %s", p->index, p->spec, strerror(errno));
    p->fd = fd;
}

/* Parses "ADDR:PORT" or "[V6ADDR]:PORT" at *s, advancing past it; a loopback address only. */
static void parse_hostport(const char *spec, const char **s, struct sockaddr_storage *ss, const char *what)
{
    char host[INET6_ADDRSTRLEN + 1];
    const char *p = *s, *end;
    size_t hl;
    unsigned long port;
    char portstr[8];

    memset(ss, 0, sizeof(*ss));
    if (*p == '[') {
        end = strchr(p, ']');
        if (!end || end[1] != ':')
            die(2, "%s: bad %s address (expected [IPV6]:PORT)", spec, what);
        hl = (size_t)(end - p - 1);
        if (hl >= sizeof(host))
            die(2, "%s: bad %s address", spec, what);
        memcpy(host, p + 1, hl);
        host[hl] = 0;
        p = end + 2;
    } else {
        end = strchr(p, ':');
        if (!end)
            die(2, "%s: bad %s address (expected ADDR:PORT)", spec, what);
        hl = (size_t)(end - p);
        if (hl >= sizeof(host))
            die(2, "%s: bad %s address", spec, what);
        memcpy(host, p, hl);
        host[hl] = 0;
        p = end + 1;
    }
    hl = strcspn(p, ":,");
    if (hl == 0 || hl >= sizeof(portstr))
        die(2, "%s: bad %s port", spec, what);
    memcpy(portstr, p, hl);
    portstr[hl] = 0;
    if (!parse_ulong(portstr, 1, 65535, &port))
        die(2, "%s: bad %s port '%s' (1..65535)", spec, what, portstr);
    *s = p + hl;

    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        if ((ntohl(sin->sin_addr.s_addr) >> 24) != 127)
            die(2, "%s: %s address %s is not a loopback address: only 127.0.0.0/8 and ::1 are allowed",
                spec, what, host);
    } else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        if (!IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr))
            die(2, "%s: %s address %s is not a loopback address: only 127.0.0.0/8 and ::1 are allowed",
                spec, what, host);
    } else {
        die(2, "%s: %s address '%s' is not a numeric IPv4/IPv6 address", spec, what, host);
    }
}

static void parse_port_option(struct port *p, const char *opt)
{
    const char *eq = strchr(opt, '=');
    char key[32];
    const char *val;
    unsigned long v;
    size_t kl;

    if (!eq)
        die(2, "%s: option '%s' needs a value (KEY=VALUE)", p->spec, opt);
    kl = (size_t)(eq - opt);
    if (kl >= sizeof(key))
        die(2, "%s: unknown option '%s'", p->spec, opt);
    memcpy(key, opt, kl);
    key[kl] = 0;
    val = eq + 1;

    if (strcmp(key, "vlan") == 0) {
        if (p->trunk)
            die(2, "%s: vlan= and trunk= are mutually exclusive", p->spec);
        if (!parse_ulong(val, 1, MAX_VLAN, &v))
            die(2, "%s: bad VLAN '%s' (1..%d)", p->spec, val, MAX_VLAN);
        p->access_vlan = (uint16_t)v;
    } else if (strcmp(key, "trunk") == 0) {
        char buf[256], *tok, *save = NULL;
        if (p->access_vlan != NATIVE_VLAN)
            die(2, "%s: vlan= and trunk= are mutually exclusive", p->spec);
        if (strlen(val) >= sizeof(buf) || !*val)
            die(2, "%s: bad trunk list '%s'", p->spec, val);
        strcpy(buf, val);
        p->trunk = true;
        for (tok = strtok_r(buf, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
            if (!parse_ulong(tok, 1, MAX_VLAN, &v))
                die(2, "%s: bad VLAN '%s' in trunk list (2..%d)", p->spec, tok, MAX_VLAN);
            if (v == NATIVE_VLAN)
                die(2, "%s: VLAN 1 is the native VLAN, always carried untagged on a trunk: "
                    "do not list it", p->spec);
            p->trunk_vlans[v / 8] |= (uint8_t)(1u << (v % 8));
        }
    } else if (strcmp(key, "loss") == 0) {
        if (!parse_pct(val, &p->loss))
            die(2, "%s: bad loss percentage '%s' (0..100)", p->spec, val);
    } else if (strcmp(key, "dup") == 0) {
        if (!parse_pct(val, &p->dup))
            die(2, "%s: bad dup percentage '%s' (0..100)", p->spec, val);
    } else if (strcmp(key, "reorder") == 0) {
        if (!parse_pct(val, &p->reorder))
            die(2, "%s: bad reorder percentage '%s' (0..100)", p->spec, val);
    } else if (strcmp(key, "delay-ms") == 0) {
        if (!parse_ulong(val, 0, 60000, &v))
            die(2, "%s: bad delay-ms '%s' (0..60000)", p->spec, val);
        p->delay_ms = (long)v;
    } else if (strcmp(key, "pcap") == 0) {
        if (!*val)
            die(2, "%s: empty pcap file name", p->spec);
        p->pcap_path = strdup(val);   /* val lives in a temporary buffer */
    } else {
        die(2, "%s: unknown option '%s' (vlan, trunk, loss, dup, reorder, delay-ms, pcap)", p->spec, key);
    }
}

static void parse_port(const char *spec)
{
    struct port *p;
    const char *s, *opts;

    if (nports >= MAX_PORTS)
        die(2, "too many ports (at most %d)", MAX_PORTS);
    p = &ports[nports];
    memset(p, 0, sizeof(*p));
    p->index = nports;
    p->spec = spec;
    p->fd = -1;
    p->access_vlan = NATIVE_VLAN;
    p->loss = p->dup = p->reorder = -1.0;
    p->delay_ms = -1;

    if (strncmp(spec, "tap:", 4) == 0) {
        size_t nl;
        p->kind = PORT_TAP;
        s = spec + 4;
        nl = strcspn(s, ",");
        if (nl == 0 || nl >= IFNAMSIZ)
            die(2, "%s: TAP name must be 1..%d characters", spec, IFNAMSIZ - 1);
        memcpy(p->ifname, s, nl);
        p->ifname[nl] = 0;
        if (strchr(p->ifname, '/') || strchr(p->ifname, ' ') || strchr(p->ifname, ':'))
            die(2, "%s: bad TAP name '%s'", spec, p->ifname);
        opts = s + nl;
    } else if (strncmp(spec, "udp:", 4) == 0) {
        p->kind = PORT_UDP;
        s = spec + 4;
        parse_hostport(spec, &s, &p->local, "local");
        if (*s != ':')
            die(2, "%s: expected udp:LOCALIP:LOCALPORT:REMOTEIP:REMOTEPORT", spec);
        s++;
        parse_hostport(spec, &s, &p->remote, "remote");
        if (*s && *s != ',')
            die(2, "%s: expected udp:LOCALIP:LOCALPORT:REMOTEIP:REMOTEPORT", spec);
        if (p->local.ss_family != p->remote.ss_family)
            die(2, "%s: local and remote addresses must both be IPv4 or both IPv6", spec);
        p->addr_len = p->local.ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
        opts = s;
    } else {
        die(2, "bad port '%s': expected tap:NAME[,OPT...] or udp:LIP:LPORT:RIP:RPORT[,OPT...]", spec);
    }

    while (*opts == ',') {
        char opt[320];
        size_t ol;
        opts++;
        ol = strcspn(opts, ",");
        if (ol == 0 || ol >= sizeof(opt))
            die(2, "%s: empty or too long option", spec);
        memcpy(opt, opts, ol);
        opt[ol] = 0;
        parse_port_option(p, opt);
        opts += ol;
    }
    if (*opts)
        die(2, "%s: trailing garbage '%s'", spec, opts);
    nports++;
}

/* ---- stats and files -------------------------------------------------------------------- */

#define COUNTER_LIST(X)                                                                             \
    X(rx) X(tx) X(egress) X(dropped_loss) X(duplicated) X(reordered) X(reorder_timeouts)            \
    X(dropped_vlan) X(runt) X(oversize) X(tx_error) X(dropped_queue)

static void port_mode(const struct port *p, char *buf, size_t size)
{
    size_t n;
    if (!p->trunk) {
        snprintf(buf, size, "access vlan=%u", p->access_vlan);
        return;
    }
    n = (size_t)snprintf(buf, size, "trunk native=1 tagged=");
    for (unsigned v = 2; v <= MAX_VLAN && n < size; v++)
        if (p->trunk_vlans[v / 8] & (1u << (v % 8)))
            n += (size_t)snprintf(buf + n, size - n, "%s%u", buf[n - 1] == '=' ? "" : "+", v);
}

static void print_stats(void)
{
    char mode[512];
    for (int i = 0; i < nports; i++) {
        const struct port *p = &ports[i];
        port_mode(p, mode, sizeof(mode));
        fprintf(stderr, "netswitch: port %d %s (%s)%s:", i, p->spec, mode, p->dead ? " DEAD" : "");
#define X(name) fprintf(stderr, " " #name "=%" PRIu64, p->c.name);
        COUNTER_LIST(X)
#undef X
        fputc('\n', stderr);
    }
    if (mac_table_full)
        fprintf(stderr, "netswitch: MAC table full %" PRIu64 " times\n", mac_table_full);
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

/* Writes PATH.tmp then renames it, so a reader never sees a partial file. */
static FILE *atomic_open(const char *path, char **tmp)
{
    size_t n = strlen(path) + 16;
    FILE *f;
    *tmp = xmalloc(n);
    snprintf(*tmp, n, "%s.tmp%d", path, (int)getpid());
    f = fopen(*tmp, "w");
    if (!f)
        msg("cannot create %s: %s", *tmp, strerror(errno));
    return f;
}

static void atomic_close(FILE *f, const char *path, char *tmp)
{
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        msg("cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
}

static void write_stats_file(void)
{
    char *tmp, mode[512];
    struct counters t;
    FILE *f;

    if (!g_stats_file)
        return;
    f = atomic_open(g_stats_file, &tmp);
    if (!f) {
        free(tmp);
        return;
    }
    memset(&t, 0, sizeof(t));
    fprintf(f, "{\n  \"seed\": %" PRIu64 ",\n  \"mac_table_full\": %" PRIu64 ",\n  \"ports\": [\n", g_seed,
            mac_table_full);
    for (int i = 0; i < nports; i++) {
        const struct port *p = &ports[i];
        fprintf(f, "    {\"index\": %d, \"spec\": ", i);
        json_string(f, p->spec);
        fprintf(f, ", \"kind\": \"%s\", \"dead\": %s, ", p->kind == PORT_TAP ? "tap" : "udp",
                p->dead ? "true" : "false");
        if (p->kind == PORT_TAP) {
            fputs("\"name\": ", f);
            json_string(f, p->ifname);
            fputs(", ", f);
        }
        port_mode(p, mode, sizeof(mode));
        fputs("\"mode\": ", f);
        json_string(f, mode);
        fprintf(f, ", \"loss\": %g, \"dup\": %g, \"reorder\": %g, \"delay_ms\": %ld", p->loss, p->dup,
                p->reorder, p->delay_ms);
#define X(name) fprintf(f, ", \"" #name "\": %" PRIu64, p->c.name); t.name += p->c.name;
        COUNTER_LIST(X)
#undef X
        fprintf(f, "}%s\n", i + 1 < nports ? "," : "");
    }
    fputs("  ],\n  \"totals\": {", f);
    {
        const char *sep = "";
#define X(name) fprintf(f, "%s\"" #name "\": %" PRIu64, sep, t.name); sep = ", ";
        COUNTER_LIST(X)
#undef X
    }
    fputs("}\n}\n", f);
    atomic_close(f, g_stats_file, tmp);
}

static void write_ready_file(void)
{
    char *tmp;
    FILE *f;
    if (!g_ready_file)
        return;
    f = atomic_open(g_ready_file, &tmp);
    if (!f)
        die(1, "cannot create ready file %s", g_ready_file);
    fprintf(f, "%d\n", (int)getpid());
    atomic_close(f, g_ready_file, tmp);
}

/* ---- command line ----------------------------------------------------------------------- */

static void usage(FILE *f)
{
    fputs(
        "usage: netswitch [OPTION...] PORT...\n"
        "A learning Ethernet switch with 802.1Q VLANs and seeded loss/dup/reorder/delay, for tests.\n"
        "\n"
        "PORT:\n"
        "  tap:NAME[,OPT...]                            TAP device NAME (created if absent;\n"
        "                                               move it to a netns and bring it up yourself)\n"
        "  udp:LIP:LPORT:RIP:RPORT[,OPT...]             one frame per UDP datagram, as QEMU's\n"
        "                                               -netdev dgram / -netdev socket,udp=;\n"
        "                                               loopback only (127.0.0.0/8, [::1])\n"
        "Port OPT:\n"
        "  vlan=N            access port of VLAN N (untagged); default vlan=1\n"
        "  trunk=N1+N2+...   trunk: those VLANs tagged (TPID 0x8100), VLAN 1 untagged\n"
        "  loss=PCT dup=PCT reorder=PCT delay-ms=N   egress impairments (override the globals)\n"
        "  pcap=FILE         capture frames sent to this port\n"
        "\n"
        "OPTION (--opt VALUE or --opt=VALUE):\n"
        "  --loss PCT --dup PCT --reorder PCT   egress impairments for every port (default 0)\n"
        "  --delay-ms N           delay every egress frame by N ms\n"
        "  --seed S               PRNG seed (default: from time and pid, printed)\n"
        "  --reorder-timeout-ms N release a held-back frame after N ms without a successor (2)\n"
        "  --aging SEC            MAC address aging time (300)\n"
        "  --max-queue N          per-port delay queue length (4096)\n"
        "  --pcap FILE            capture every frame sent to any port (LINKTYPE_ETHERNET)\n"
        "  --stats-file FILE      write the counters as JSON at exit (and on SIGUSR1)\n"
        "  --ready-file FILE      created (containing the pid) once all ports are open\n"
        "  -v, --verbose          log MAC learning\n"
        "  -h, --help\n"
        "Runs until SIGTERM/SIGINT, then prints per-port counters to stderr and exits 0.\n",
        f);
}

static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t nl = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, nl) != 0)
        return NULL;
    if (a[nl] == '=')
        return a + nl + 1;
    if (a[nl] != 0)
        return NULL;
    if (*i + 1 >= argc)
        die(2, "%s needs a value", name);
    return argv[++*i];
}

static void parse_args(int argc, char **argv)
{
    unsigned long v;
    const char *val;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            verbose = true;
        } else if ((val = opt_value(argc, argv, &i, "--loss"))) {
            if (!parse_pct(val, &g_loss))
                die(2, "--loss: bad percentage '%s' (0..100)", val);
        } else if ((val = opt_value(argc, argv, &i, "--dup"))) {
            if (!parse_pct(val, &g_dup))
                die(2, "--dup: bad percentage '%s' (0..100)", val);
        } else if ((val = opt_value(argc, argv, &i, "--reorder-timeout-ms"))) {
            if (!parse_ulong(val, 1, 60000, &v))
                die(2, "--reorder-timeout-ms: bad value '%s' (1..60000)", val);
            g_reorder_timeout_ns = v * NS_PER_MS;
        } else if ((val = opt_value(argc, argv, &i, "--reorder"))) {
            if (!parse_pct(val, &g_reorder))
                die(2, "--reorder: bad percentage '%s' (0..100)", val);
        } else if ((val = opt_value(argc, argv, &i, "--delay-ms"))) {
            if (!parse_ulong(val, 0, 60000, &v))
                die(2, "--delay-ms: bad value '%s' (0..60000)", val);
            g_delay_ms = (long)v;
        } else if ((val = opt_value(argc, argv, &i, "--seed"))) {
            char *end;
            errno = 0;
            g_seed = strtoull(val, &end, 0);
            if (!*val || *end || errno || *val == '-')
                die(2, "--seed: bad value '%s'", val);
            g_seed_set = true;
        } else if ((val = opt_value(argc, argv, &i, "--aging"))) {
            if (!parse_ulong(val, 1, 86400, &v))
                die(2, "--aging: bad value '%s' (1..86400 seconds)", val);
            g_aging_ns = v * NS_PER_SEC;
        } else if ((val = opt_value(argc, argv, &i, "--max-queue"))) {
            if (!parse_ulong(val, 1, 1000000, &v))
                die(2, "--max-queue: bad value '%s' (1..1000000)", val);
            g_max_queue = v;
        } else if ((val = opt_value(argc, argv, &i, "--pcap"))) {
            g_pcap_path = val;
        } else if ((val = opt_value(argc, argv, &i, "--stats-file"))) {
            g_stats_file = val;
        } else if ((val = opt_value(argc, argv, &i, "--ready-file"))) {
            g_ready_file = val;
        } else if (a[0] == '-') {
            usage(stderr);
            die(2, "unknown option '%s'", a);
        } else {
            parse_port(a);
        }
    }
    if (nports == 0) {
        usage(stderr);
        die(2, "no ports given");
    }
}

/* ---- main ------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    sigset_t mask;
    int sfd;
    struct pollfd pfds[MAX_PORTS + 1];
    bool impaired = false;

    parse_args(argc, argv);
    /* Files are created only once the whole command line is known to be valid. */
    if (g_pcap_path)
        g_pcap = pcap_open(g_pcap_path);
    for (int i = 0; i < nports; i++)
        if (ports[i].pcap_path)
            ports[i].pcap = pcap_open(ports[i].pcap_path);
    if (g_ready_file)
        unlink(g_ready_file);   /* a file left by an earlier run must not look like readiness */
    if (!g_seed_set)
        g_seed = (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid();

    for (int i = 0; i < nports; i++) {
        struct port *p = &ports[i];
        uint64_t st = g_seed ^ (0xd1b54a32d192ed03ull * (uint64_t)(i + 1));
        if (p->loss < 0)
            p->loss = g_loss;
        if (p->dup < 0)
            p->dup = g_dup;
        if (p->reorder < 0)
            p->reorder = g_reorder;
        if (p->delay_ms < 0)
            p->delay_ms = g_delay_ms;
        p->delay_ns = (uint64_t)p->delay_ms * NS_PER_MS;
        p->rng = splitmix64(&st);
        if (p->loss > 0 || p->dup > 0 || p->reorder > 0 || p->delay_ms > 0)
            impaired = true;
    }

    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGUSR1);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
        die(1, "sigprocmask: %s", strerror(errno));
    sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0)
        die(1, "signalfd: %s", strerror(errno));
    signal(SIGPIPE, SIG_IGN);

    for (int i = 0; i < nports; i++) {
        if (ports[i].kind == PORT_TAP)
            open_tap(&ports[i]);
        else
            open_udp(&ports[i]);
        pfds[i].fd = ports[i].fd;
        pfds[i].events = POLLIN;
    }
    pfds[nports].fd = sfd;
    pfds[nports].events = POLLIN;

    if (impaired || verbose)
        msg("%d ports, seed %" PRIu64, nports, g_seed);
    write_ready_file();

    for (;;) {
        uint64_t now = now_ns(), deadline = UINT64_MAX;
        struct timespec ts, *tsp = NULL;
        int n;

        for (int i = 0; i < nports; i++) {
            uint64_t d = port_next_deadline(&ports[i]);
            if (d < deadline)
                deadline = d;
        }
        if (deadline != UINT64_MAX) {
            uint64_t wait = deadline > now ? deadline - now : 0;
            ts.tv_sec = (time_t)(wait / NS_PER_SEC);
            ts.tv_nsec = (long)(wait % NS_PER_SEC);
            tsp = &ts;
        }
        n = ppoll(pfds, (nfds_t)nports + 1, tsp, NULL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die(1, "ppoll: %s", strerror(errno));
        }
        now = now_ns();

        if (pfds[nports].revents & POLLIN) {
            struct signalfd_siginfo si;
            bool stop = false;
            while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
                if (si.ssi_signo == SIGUSR1) {
                    print_stats();
                    write_stats_file();
                } else {
                    stop = true;
                }
            }
            if (stop)
                break;
        }

        for (int i = 0; i < nports; i++) {
            struct port *p = &ports[i];
            short re = pfds[i].revents;
            if (!re || p->dead)
                continue;
            if ((re & POLLERR) && p->kind == PORT_UDP) {
                int err;
                socklen_t el = sizeof(err);
                getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &el);  /* clear a pending ICMP error */
            }
            if (re & (POLLIN | POLLERR | POLLHUP))
                port_read(p, now);
            if (re & POLLNVAL)
                port_kill(p, "descriptor invalid");
            if (p->dead)
                pfds[i].fd = -1;
        }

        now = now_ns();
        for (int i = 0; i < nports; i++)
            port_timers(&ports[i], now);
    }

    print_stats();
    write_stats_file();
    if (g_ready_file)
        unlink(g_ready_file);
    for (int i = 0; i < nports; i++) {
        struct port *p = &ports[i];
        while (p->q_head) {
            struct pkt *k = p->q_head;
            p->q_head = k->next;
            free(k);
        }
        free(p->held);
        free((char *)p->pcap_path);
        if (p->fd >= 0)
            close(p->fd);
    }
    for (int i = 0; i < npcap_outs; i++) {
        if (pcap_outs[i].fd >= 0)
            close(pcap_outs[i].fd);
        free(pcap_outs[i].path);
    }
    close(sfd);
    return 0;
}
