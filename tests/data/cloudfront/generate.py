#!/usr/bin/env python3
"""Writes the CloudFront standard-log fixture of tests/data/cloudfront/logs/: gzip-compressed
W3C log files of 52,000 requests to four edge locations, in the 33-field legacy format that
AWS documents (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logs-reference.html).

What each line says was produced by a known cache, so that edgesim's calibration can be
checked against it: every edge location runs one LRU cache of CACHE_BYTES bytes (no regional
tier), filled in arrival order. A request whose object is in its edge's LRU is a `Hit`;
otherwise a `Miss`, and the object is stored (if it fits) and the least recently used ones are
evicted. `/api/` is never cached (CachingDisabled): always a `Miss`.

The workload: Poisson arrivals at RATE requests a second, 30 minutes from 2026-11-02 14:00:00
UTC; each edge's share of EDGES; objects drawn by a Zipf law (exponent 0.9) per path class, with
a lognormal size fixed per object. time-taken is a few ms for hits and tens to hundreds of ms
for misses. A line's date and time are when the response finished (arrival + time-taken),
in whole seconds, as CloudFront logs them. Files cover five minutes each, named as CloudFront
names them (DISTRIBUTION.YYYY-MM-DD-HH.ID.gz), lines in the order they finished.

Everything is drawn from Python's random.Random(SEED), whose Mersenne Twister stream and
random()/expovariate()/lognormvariate() are stable across Python versions; the gzip headers
carry mtime 0. Run it from anywhere: `python3 tests/data/cloudfront/generate.py`.
"""

import bisect
import gzip
import os
import random
from collections import OrderedDict

SEED = 20261102
REQUESTS = 52_000
RATE = 28.9  # requests per second: 52,000 in about 30 minutes
START = 14 * 3600  # 14:00:00 UTC
DAY = "2026-11-02"
CACHE_BYTES = 24 * 1024 * 1024  # each edge location's LRU
EDGES = [("IAD89-C1", 0.35), ("FRA56-P1", 0.30), ("NRT57-P2", 0.20), ("GRU3-C1", 0.15)]
# (prefix, suffix, share, objects, median size, sigma, content type)
CLASSES = [
    ("/images/", ".jpg", 0.70, 20_000, 30_000, 1.0, "image/jpeg"),
    ("/static/", ".js", 0.20, 2_000, 15_000, 0.8, "application/javascript"),
    ("/api/", "", 0.10, 5_000, 1_500, 0.5, "application/json"),
]
DISTRIBUTION = "E2EDGESIMEXMPL"
HOST = "d111111abcdef8.cloudfront.net"
FIELDS = (
    "date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status "
    "cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id "
    "x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher "
    "x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port "
    "time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len "
    "sc-range-start sc-range-end"
)
AGENTS = [
    "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)",
    "Mozilla/5.0%20(Macintosh;%20Intel%20Mac%20OS%20X%2014_1)%20AppleWebKit/605.1.15",
    "curl/8.4.0",
]


def zipf_table(n, s):
    acc, out = 0.0, []
    for k in range(1, n + 1):
        acc += 1.0 / k**s
        out.append(acc)
    return [x / acc for x in out]


def main():
    rng = random.Random(SEED)
    tables = [zipf_table(c[3], 0.9) for c in CLASSES]
    sizes = [{} for _ in CLASSES]
    caches = {edge: (OrderedDict(), [0]) for edge, _ in EDGES}
    edge_cum, acc = [], 0.0
    for _, share in EDGES:
        acc += share
        edge_cum.append(acc)
    class_cum, acc = [], 0.0
    for c in CLASSES:
        acc += c[2]
        class_cum.append(acc)
    lines = []
    t = 0.0
    for n in range(REQUESTS):
        t += rng.expovariate(RATE)
        edge = EDGES[min(bisect.bisect(edge_cum, rng.random()), len(EDGES) - 1)][0]
        k = min(bisect.bisect(class_cum, rng.random()), len(CLASSES) - 1)
        prefix, suffix, _, _, median, sigma, ctype = CLASSES[k]
        rank = bisect.bisect(tables[k], rng.random()) + 1
        size = sizes[k].get(rank)
        if size is None:
            size = max(1, int(rng.lognormvariate(0.0, sigma) * median))
            sizes[k][rank] = size
        path = f"{prefix}{rank}{suffix}"
        method = "HEAD" if rng.random() < 0.02 else "GET"
        lru, used = caches[edge]
        if prefix != "/api/" and path in lru:
            lru.move_to_end(path)
            result, taken = "Hit", 0.001 + rng.random() * 0.009
        else:
            result, taken = "Miss", 0.040 + rng.expovariate(1 / 0.080)
            if prefix != "/api/" and size <= CACHE_BYTES:
                lru[path] = size
                used[0] += size
                while used[0] > CACHE_BYTES:
                    _, old = lru.popitem(last=False)
                    used[0] -= old
        body = 0 if method == "HEAD" else size
        https = rng.random() < 0.9
        tls = ("TLSv1.3" if rng.random() < 0.7 else "TLSv1.2") if https else "-"
        cipher = {"TLSv1.3": "TLS_AES_128_GCM_SHA256", "TLSv1.2": "ECDHE-RSA-AES128-GCM-SHA256"}.get(tls, "-")
        version = "HTTP/2.0" if rng.random() < 0.75 else "HTTP/1.1"
        ttfb = taken * (0.3 if body > 100_000 else 0.9)
        end = START + t + taken
        second = int(end)
        # Real request ids are 56 random characters; a counter keeps the fixture small.
        request_id = f"EdgesimFixture{n:040d}=="
        ip = f"198.51.100.{1 + n % 254}"
        fields = [
            DAY, f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}", edge,
            str(body + 380), ip, method, HOST, path, "200", "-",
            AGENTS[n % len(AGENTS)], "-", "-", result, request_id, "www.example.com",
            "https" if https else "http", str(120 + n % 200), f"{taken:.3f}", "-", tls, cipher,
            result, version, "-", "-", str(1024 + n % 60000), f"{ttfb:.3f}", result, ctype,
            str(size), "-", "-",
        ]
        lines.append((end, n, "\t".join(fields)))
    lines.sort()
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "logs")
    os.makedirs(out, exist_ok=True)
    for old in os.listdir(out):
        os.remove(os.path.join(out, old))
    files = {}
    for end, _, line in lines:
        period = int(end - START) // 300
        files.setdefault(period, []).append(line)
    for period, body in sorted(files.items()):
        hour = (START + period * 300) // 3600
        name = f"{DISTRIBUTION}.{DAY}-{hour:02d}.{period:04d}a1b2.gz"
        text = "#Version: 1.0\n#Fields: " + FIELDS + "\n" + "\n".join(body) + "\n"
        with open(os.path.join(out, name), "wb") as f:
            with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as g:
                g.write(text.encode())
    print(f"{len(lines)} lines in {len(files)} files under {out}")


if __name__ == "__main__":
    main()
