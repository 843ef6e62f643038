#!/usr/bin/env python3
"""Time of GET /metrics on a running reference server holding many deployments (loopback only).

Usage: benchmarks/scripts/scrape-time.py PORT TOKEN [DEPLOYMENTS=1000] [SCRAPES=60]

Creates DEPLOYMENTS deployments through POST /api/deployments, with 100 log lines each through
POST .../logs, then scrapes /metrics SCRAPES times 1.1 s apart (so the binders' one-second cache
has expired and every scrape reads the store, as a Prometheus scrape does) and SCRAPES times back
to back (served from that cache), and prints p50/p99/max and the body size of each series. Checks
that each scrape counts every deployment. Stops by itself.
"""
import http.client
import json
import re
import sys
import time

port, token = int(sys.argv[1]), sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
SCRAPES = int(sys.argv[4]) if len(sys.argv) > 4 else 60
auth = {'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'}
c = http.client.HTTPConnection('127.0.0.1', port)

def call(method, path, body=None, headers=auth):
    c.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    r = c.getresponse()
    data = r.read()
    return r.status, data

for i in range(N):
    status, data = call('POST', '/api/deployments', {'name': f'scrape-{i}', 'command': ['app'], 'env': {}})
    assert status == 201, (status, data)
    dep = json.loads(data)['id']
    lines = [{'message': f'build step {n} of deployment {i}'} for n in range(100)]
    status, data = call('POST', f'/api/deployments/{dep}/logs', {'lines': lines})
    assert status == 202, (status, data)

def scrape():
    start = time.perf_counter()
    status, data = call('GET', '/metrics', headers={})
    took = time.perf_counter() - start
    assert status == 200, status
    text = data.decode()
    total = sum(float(v) for v in re.findall(r'^coderunner_deployments\{status="[A-Z]+"\} (\S+)$', text, re.M))
    assert total >= N, total
    return took, len(data)

def summary(name, samples):
    times = sorted(t for t, _ in samples)
    def pct(p): return times[min(len(times) - 1, int(p * len(times)))] * 1000
    print(f'{name}: {len(times)} scrapes, p50 {pct(0.50):.2f} ms, p99 {pct(0.99):.2f} ms, '
          f'max {times[-1] * 1000:.2f} ms, {samples[-1][1]:,} bytes')

scrape()  # the first scrape registers the series and warms the path
fresh = []
for _ in range(SCRAPES):
    time.sleep(1.1)
    fresh.append(scrape())
cached = [scrape() for _ in range(SCRAPES)]
print(f'{N} deployments of 100 lines each')
summary('every scrape reads the store (1.1 s apart)', fresh)
summary('back to back (within the 1 s cache)', cached)
