#!/usr/bin/env python3
"""Kernel-side clients for the preload tests (run in the test's namespace).

clients.py echo N ADDR PORT BYTES   N connections at once, each sends BYTES
    pseudo-random bytes (seeded by its number), reads everything back, shuts
    down and waits for EOF; prints the sha256 of all bytes sent and of all
    bytes received (connection order) and fails if they differ.
clients.py chat N ADDR PORT         N clients at once on a chat server: after
    all are in, each sends one line; each must receive the N-1 others'.
Every wait is bounded (60 s)."""
import hashlib, random, selectors, socket, sys, time

def die(msg):
    print("FAIL: " + msg)
    sys.exit(1)

def connect_all(n, addr, port):
    socks = []
    for i in range(n):
        s = socket.create_connection((addr, port), timeout=20)
        s.setblocking(False)
        socks.append(s)
    return socks

def echo(n, addr, port, nbytes):
    socks = connect_all(n, addr, port)
    out = [random.Random(i).randbytes(nbytes) for i in range(n)]
    sent = [0] * n
    got = [bytearray() for _ in range(n)]
    eof = [False] * n
    sel = selectors.DefaultSelector()
    for i, s in enumerate(socks):
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE, i)
    deadline = time.time() + 60
    while not all(eof):
        if time.time() > deadline:
            die("echo: %d of %d connections unfinished after 60 s" % (eof.count(False), n))
        for key, ev in sel.select(1):
            i, s = key.data, key.fileobj
            if ev & selectors.EVENT_WRITE:
                if sent[i] < nbytes:
                    sent[i] += s.send(out[i][sent[i]:sent[i] + 65536])
                if sent[i] == nbytes:
                    s.shutdown(socket.SHUT_WR)
                    sel.modify(s, selectors.EVENT_READ, i)
            if ev & selectors.EVENT_READ:
                try:
                    d = s.recv(65536)
                except BlockingIOError:
                    continue
                if d:
                    got[i] += d
                else:
                    eof[i] = True
                    sel.unregister(s)
                    s.close()
    hs = hashlib.sha256(b"".join(out)).hexdigest()
    hr = hashlib.sha256(b"".join(got)).hexdigest()
    print("echo: %d connections, %d bytes each way" % (n, n * nbytes))
    print("sha256 sent     %s" % hs)
    print("sha256 received %s" % hr)
    if hs != hr:
        bad = [i for i in range(n) if bytes(got[i]) != out[i]]
        die("echoed bytes differ on %d connections (first %d: %d of %d bytes)" %
            (len(bad), bad[0], len(got[bad[0]]), nbytes))

def read_lines(socks, want, deadline):
    """Read until want(i, lines) is true for every client."""
    bufs = [b""] * len(socks)
    lines = [[] for _ in socks]
    while not all(want(i, lines[i]) for i in range(len(socks))):
        if time.time() > deadline:
            die("chat: clients still waiting after 60 s: %d" %
                sum(1 for i in range(len(socks)) if not want(i, lines[i])))
        for i, s in enumerate(socks):
            try:
                d = s.recv(65536)
            except BlockingIOError:
                continue
            if not d:
                die("chat: client %d: connection closed" % i)
            bufs[i] += d
            while b"\n" in bufs[i]:
                l, bufs[i] = bufs[i].split(b"\n", 1)
                lines[i].append(l.decode())
        time.sleep(0.01)
    return lines

def chat(n, addr, port):
    socks = connect_all(n, addr, port)
    deadline = time.time() + 60
    # The server accepts in order: once the last client's line reaches the
    # others, every client is in.
    socks[-1].setblocking(True)
    socks[-1].sendall(b"sync\n")
    socks[-1].setblocking(False)
    read_lines(socks[:-1], lambda i, ls: any(l.endswith(": sync") for l in ls), deadline)
    for i, s in enumerate(socks):
        s.setblocking(True)
        s.sendall(("message from client %d\n" % i).encode())
        s.setblocking(False)
    lines = read_lines(socks, lambda i, ls: len([l for l in ls if "message from" in l]) >= n - 1, deadline)
    for i in range(n):
        msgs = sorted(l.split(": ", 1)[1] for l in lines[i] if "message from" in l)
        want = sorted("message from client %d" % j for j in range(n) if j != i)
        if msgs != want:
            die("chat: client %d received %d messages, not the other %d" % (i, len(msgs), n - 1))
    h = hashlib.sha256("".join(sorted("message from client %d" % j for j in range(n))).encode())
    print("chat: %d clients, each received the %d others' lines (sha256 of all %s)" % (n, n - 1, h.hexdigest()))
    for s in socks:
        s.close()

if __name__ == "__main__":
    mode, n, addr, port = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    if mode == "echo":
        echo(n, addr, port, int(sys.argv[5]))
    elif mode == "chat":
        chat(n, addr, port)
    else:
        die("unknown mode " + mode)
