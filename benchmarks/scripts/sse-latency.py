#!/usr/bin/env python3
"""Server-Sent Events follow latency against a running reference server (loopback only).

Usage: benchmarks/scripts/sse-latency.py PORT DEPLOYMENT_ID TOKEN [LINES=10000] [RATE=500]

Follows the deployment over /logs/stream (lines whose message starts with "bench-"), ingests LINES
lines through POST /logs at RATE lines/s, and prints the p50/p99/p999/max of receive time minus
the line's server-stamped timestamp, and whether every line arrived once and in order.
Stops by itself.
"""
import datetime
import http.client
import json
import sys
import threading
import time

port, dep, token = int(sys.argv[1]), sys.argv[2], sys.argv[3]
N = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
RATE = float(sys.argv[5]) if len(sys.argv) > 5 else 500.0
lat = []
got_seqs = []
done = threading.Event()
def reader():
    c = http.client.HTTPConnection('127.0.0.1', port)
    c.request('GET', f'/api/deployments/{dep}/logs/stream?q=bench-', headers={'Authorization': 'Bearer ' + token})
    r = c.getresponse()
    assert r.status == 200, r.status
    seqs = []
    while len(lat) < N:
        line = r.fp.readline()
        if not line:
            break
        if line.startswith(b'data: '):
            d = json.loads(line[6:])
            if 'message' in d and d['message'].startswith('bench-'):
                now = time.time()
                ts = datetime.datetime.fromisoformat(d['ts'].replace('Z', '+00:00')).timestamp()
                lat.append(now - ts)
                seqs.append(d['seq'])
    done.set()
    global got_seqs
    got_seqs = seqs
t = threading.Thread(target=reader, daemon=True); t.start()
time.sleep(0.5)
c = http.client.HTTPConnection('127.0.0.1', port)
start = time.time()
for i in range(N):
    body = json.dumps({'lines': [{'message': f'bench-{i}'}]})
    c.request('POST', f'/api/deployments/{dep}/logs', body=body, headers={'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'})
    resp = c.getresponse(); resp.read()
    assert resp.status == 202, resp.status
    target = start + (i + 1) / RATE
    d = target - time.time()
    if d > 0:
        time.sleep(d)
done.wait(30)
lat.sort()
def pct(p): return lat[min(len(lat)-1, int(p*len(lat)))]*1000
ordered = all(a < b for a, b in zip(got_seqs, got_seqs[1:]))
print(f'samples {len(lat)} of {N}; in order {ordered}; p50 {pct(0.5):.3f} ms p99 {pct(0.99):.3f} ms p999 {pct(0.999):.3f} ms max {lat[-1]*1000:.3f} ms')
