/**
 * Network namespaces for kernel tests: a firewall namespace with two veth
 * sides (each with a client namespace behind it), small Python agents that
 * send packets from inside a namespace on request, and an `xtables-monitor
 * --trace` reader. Everything lives in namespaces the test creates; `destroy`
 * deletes them all.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'child_process';

/** Why kernel tests cannot run here, or null when they can. */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'kernel tests need root';
  const name = `probe${process.pid}`;
  const add = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (add.status !== 0) return `ip netns does not work here: ${add.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', name]);
  const mon = spawnSync('xtables-monitor', ['--help'], { encoding: 'utf8' });
  if (mon.error) return 'xtables-monitor is not installed';
  return null;
}

/** Runs a command; throws with its stderr when it fails (unless `ok` accepts the failure). */
export function run(cmd: string[], opts: { input?: string; ok?: boolean } = {}): string {
  const r = spawnSync(cmd[0], cmd.slice(1), { input: opts.input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0 && !opts.ok) throw new Error(`${cmd.join(' ')} failed (${r.status}): ${r.stderr || r.error?.message}`);
  return r.stdout;
}

export function inNs(ns: string, cmd: string[], opts: { input?: string; ok?: boolean } = {}): string {
  return run(['ip', 'netns', 'exec', ns, ...cmd], opts);
}

/** One side of the firewall: an interface in the firewall and a client namespace behind it. */
export interface Side {
  /** Interface name inside the firewall (what `-i`/`-o` rules name). */
  fwIf: string;
  /** The client namespace. */
  ns: string;
  /** The firewall's own addresses on this side. */
  fwAddr4: string;
  fwAddr6: string;
  /** Prefixes routed to this side (besides the client addresses). */
  prefixes: string[];
}

export interface Lab {
  fw: string;
  a: Side;
  b: Side;
  /** Every namespace created, for `destroy`. */
  namespaces: string[];
}

export interface LabOptions {
  /** Short unique prefix (include process.pid). */
  prefix: string;
  /** Interface names inside the firewall: side A (outside, default route) and side B. */
  aIf?: string;
  bIf?: string;
  /** Prefixes routed to side B (v4 and v6), e.g. pod or container networks. */
  bPrefixes?: string[];
  /** Extra addresses of the firewall itself (put on lo). */
  local?: string[];
}

const isV6 = (a: string) => a.includes(':');

/**
 * Builds fw with side A (client namespace `PREFIXa`, default route) and side B
 * (`PREFIXb`). Both families are configured.
 */
export function createLab(o: LabOptions): Lab {
  const fw = `${o.prefix}f`;
  const lab: Lab = {
    fw,
    a: { fwIf: o.aIf ?? 'eth0', ns: `${o.prefix}a`, fwAddr4: '169.254.77.1', fwAddr6: 'fd00:77::1', prefixes: [] },
    b: { fwIf: o.bIf ?? 'eth1', ns: `${o.prefix}b`, fwAddr4: '169.254.78.1', fwAddr6: 'fd00:78::1', prefixes: o.bPrefixes ?? [] },
    namespaces: [],
  };
  try {
    for (const ns of [fw, lab.a.ns, lab.b.ns]) {
      run(['ip', 'netns', 'add', ns]);
      lab.namespaces.push(ns);
      run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    }
    inNs(fw, ['sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0',
      'net.ipv6.conf.all.forwarding=1', 'net.ipv4.conf.all.accept_local=1']);
    for (const [i, side] of [lab.a, lab.b].entries()) {
      const tmpFw = `${o.prefix}v${i}f`;
      const tmpCl = `${o.prefix}v${i}c`;
      run(['ip', 'link', 'add', tmpFw, 'type', 'veth', 'peer', 'name', tmpCl]);
      run(['ip', 'link', 'set', tmpFw, 'netns', fw]);
      run(['ip', 'link', 'set', tmpCl, 'netns', side.ns]);
      run(['ip', '-n', fw, 'link', 'set', tmpFw, 'name', side.fwIf]);
      run(['ip', '-n', side.ns, 'link', 'set', tmpCl, 'name', 'c0']);
      inNs(fw, ['sysctl', '-qw', `net.ipv4.conf.${side.fwIf.replace(/\./g, '/')}.rp_filter=0`], { ok: true });
      run(['ip', '-n', fw, 'addr', 'add', `${side.fwAddr4}/32`, 'dev', side.fwIf]);
      run(['ip', '-n', fw, '-6', 'addr', 'add', `${side.fwAddr6}/128`, 'dev', side.fwIf, 'nodad']);
      run(['ip', '-n', fw, 'link', 'set', side.fwIf, 'up']);
      run(['ip', '-n', side.ns, 'link', 'set', 'c0', 'up']);
      run(['ip', '-n', side.ns, 'route', 'add', 'default', 'via', side.fwAddr4, 'dev', 'c0', 'onlink']);
      run(['ip', '-n', side.ns, '-6', 'route', 'add', 'default', 'via', side.fwAddr6, 'dev', 'c0', 'onlink']);
    }
    run(['ip', '-n', fw, 'route', 'add', 'default', 'dev', lab.a.fwIf]);
    run(['ip', '-n', fw, '-6', 'route', 'add', 'default', 'dev', lab.a.fwIf]);
    for (const p of lab.b.prefixes) run(['ip', '-n', fw, ...(isV6(p) ? ['-6'] : []), 'route', 'add', p, 'dev', lab.b.fwIf]);
    for (const a of o.local ?? []) run(['ip', '-n', fw, ...(isV6(a) ? ['-6'] : []), 'addr', 'add', `${a}/${isV6(a) ? 128 : 32}`, 'dev', 'lo', ...(isV6(a) ? ['nodad'] : [])]);
  } catch (e) {
    destroyLab(lab);
    throw e;
  }
  return lab;
}

/** Gives a client namespace a source address and routes it back from the firewall. */
export function addClientAddress(lab: Lab, side: Side, addr: string): void {
  const v6 = isV6(addr);
  run(['ip', '-n', side.ns, ...(v6 ? ['-6'] : []), 'addr', 'add', `${addr}/${v6 ? 128 : 32}`, 'dev', 'c0', ...(v6 ? ['nodad'] : [])]);
  run(['ip', '-n', lab.fw, ...(v6 ? ['-6'] : []), 'route', 'replace', `${addr}/${v6 ? 128 : 32}`, 'dev', side.fwIf]);
}

export function destroyLab(lab: Lab): void {
  for (const ns of lab.namespaces) spawnSync('ip', ['netns', 'del', ns]);
}

/** Loads a dump into the firewall (iptables-restore or ip6tables-restore) and returns `iptables-save` of it. */
export function loadDump(lab: Lab, text: string, v6: boolean): string {
  inNs(lab.fw, [v6 ? 'ip6tables-restore' : 'iptables-restore'], { input: text });
  return inNs(lab.fw, [v6 ? 'ip6tables-save' : 'iptables-save']);
}

/** Flushes every table of both families in the firewall (between rulesets sharing a lab). */
export function flushAll(lab: Lab): void {
  for (const tool of ['iptables', 'ip6tables']) {
    for (const t of ['raw', 'mangle', 'nat', 'filter', 'security']) {
      inNs(lab.fw, [tool, '-t', t, '-F'], { ok: true });
      inNs(lab.fw, [tool, '-t', t, '-X'], { ok: true });
    }
  }
  inNs(lab.fw, ['nft', 'flush', 'ruleset'], { ok: true });
}

const AGENT = String.raw`
import sys, json, socket, struct, os, select
socks = []
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b)//2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return (~s) & 0xffff
def fam(a): return socket.AF_INET6 if ':' in a else socket.AF_INET
for line in sys.stdin:
    c = json.loads(line)
    op = c['op']
    try:
        if op == 'close':
            for s in socks:
                try: s.close()
                except Exception: pass
            socks = []
        elif op == 'syn':
            s = socket.socket(fam(c['src']), socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((c['src'], c['sport'])); s.setblocking(False)
            s.connect_ex((c['dst'], c['dport'])); socks.append(s)
        elif op == 'connect':
            s = socket.socket(fam(c['src']), socket.SOCK_STREAM)
            s.bind((c['src'], c['sport'])); s.settimeout(c.get('timeout', 1.0))
            try: s.connect((c['dst'], c['dport']))
            except Exception: pass
            socks.append(s)
        elif op == 'listen':
            s = socket.socket(fam(c['addr']), socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((c['addr'], c['port'])); s.listen(16); socks.append(s)
        elif op == 'udp':
            s = socket.socket(fam(c['src']), socket.SOCK_DGRAM)
            s.bind((c['src'], c['sport'])); s.sendto(b'probe', (c['dst'], c['dport'])); s.close()
        elif op == 'ping':
            v6 = ':' in c['src']
            s = socket.socket(fam(c['src']), socket.SOCK_RAW, socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP)
            s.bind((c['src'], 0))
            t = c.get('type', 128 if v6 else 8); code = c.get('code', 0)
            body = struct.pack('!HH', c.get('id', 4242), 1) + b'probe'
            hdr = struct.pack('!BBH', t, code, 0)
            pkt = hdr + body
            if not v6: pkt = struct.pack('!BBH', t, code, csum(pkt)) + body
            s.sendto(pkt, (c['dst'], 0)); s.close()
        print('ok', flush=True)
    except Exception as e:
        print('error ' + str(e).replace('\n', ' '), flush=True)
`;

/** A Python process inside a namespace that sends packets when asked. */
export class Agent {
  private proc: ChildProcessWithoutNullStreams;
  private buf = '';
  private waiters: ((line: string) => void)[] = [];

  constructor(ns: string) {
    this.proc = spawn('ip', ['netns', 'exec', ns, 'python3', '-u', '-c', AGENT]);
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (d: string) => {
      this.buf += d;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        this.waiters.shift()?.(line);
      }
    });
    this.proc.stderr.resume();
  }

  /** Sends one command and waits for the agent to say it is done. */
  ask(cmd: Record<string, unknown>): Promise<string> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.proc.stdin.write(JSON.stringify(cmd) + '\n');
    });
  }

  stop(): void {
    this.proc.stdin.end();
    this.proc.kill();
  }
}

/** One traced step as the kernel printed it. */
export interface KernelStep {
  table: string;
  chain: string;
  kind: 'rule' | 'policy';
  verdict: string;
  /** The rule in iptables-save form with `-4 -t TABLE` in front (empty for a policy). */
  text: string;
}

export interface KernelPacket {
  id: string;
  /** The PACKET lines (one per hook where the trace started afresh). */
  headers: string[];
  steps: KernelStep[];
}

/** Reads `xtables-monitor --trace` output into packets, in the order they first appear. */
export function parseMonitor(text: string): KernelPacket[] {
  const byId = new Map<string, KernelPacket>();
  const order: KernelPacket[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(PACKET|TRACE): (\d+) ([0-9a-f]+) (.*)$/.exec(line);
    if (!m) continue;
    const id = `${m[2]}:${m[3]}`;
    let p = byId.get(id);
    if (!p) {
      p = { id, headers: [], steps: [] };
      byId.set(id, p);
      order.push(p);
    }
    if (m[1] === 'PACKET') {
      p.headers.push(m[4]);
      continue;
    }
    const t = /^(\w+):([^:\s]+):(rule|policy):(.*)$/.exec(m[4]);
    if (!t) continue;
    if (t[3] === 'policy') {
      p.steps.push({ table: t[1], chain: t[2], kind: 'policy', verdict: t[4].trim(), text: '' });
    } else {
      const r = /^0x[0-9a-f]+:(\S+)\s+(.*)$/.exec(t[4]);
      if (!r) continue;
      p.steps.push({ table: t[1], chain: t[2], kind: 'rule', verdict: r[1], text: r[2].trim() });
    }
  }
  return order;
}

const stripCounter = (t: string) => t.replace(/\bcounter packets \d+ bytes \d+ ?/g, '').trim();

/**
 * Reads `nft monitor trace` output into packets. Used for IPv6, where
 * xtables-monitor 1.8.9 exits on the first rule with a port match it tries to
 * print ("unsupported layer 4 protocol value"). Rule texts are nft's, without
 * counters, to be found in `nft list table` of the same table.
 */
export function parseNftMonitor(text: string): KernelPacket[] {
  const byId = new Map<string, KernelPacket>();
  const order: KernelPacket[] = [];
  for (const line of text.split('\n')) {
    const m = /^trace id (\S+) (\S+) (\S+) (\S+) (packet|rule|policy|verdict) ?(.*)$/.exec(line);
    if (!m) continue;
    const id = `${m[2]}:${m[1]}`;
    let p = byId.get(id);
    if (!p) {
      p = { id, headers: [], steps: [] };
      byId.set(id, p);
      order.push(p);
    }
    const [, , , table, chain, kind, rest] = m;
    if (kind === 'packet') p.headers.push(rest);
    else if (kind === 'policy') p.steps.push({ table, chain, kind: 'policy', verdict: rest.trim().toUpperCase(), text: '' });
    else if (kind === 'rule') {
      const v = /^(.*) \(verdict ([^)]*)\)$/.exec(rest);
      if (!v) continue;
      const [word, target] = v[2].split(' ');
      const verdict = word === 'jump' ? `JUMP:${target}` : word === 'goto' ? `GOTO:${target}` : word.toUpperCase();
      p.steps.push({ table, chain, kind: 'rule', verdict, text: stripCounter(v[1]) });
    }
  }
  return order;
}

/** Rule texts per `table:chain` from `nft list table` output, in order, without counters. */
export function nftPositions(listing: string, table: string, into: Map<string, string[]>): void {
  let chain: string | null = null;
  for (const raw of listing.split('\n')) {
    const line = raw.trim();
    const c = /^chain (\S+) \{/.exec(line);
    if (c) { chain = c[1]; into.set(`${table}:${chain}`, []); continue; }
    if (!chain || !line || line === '}' || /^type \S+ hook /.test(line)) continue;
    into.get(`${table}:${chain}`)!.push(stripCounter(line.replace(/ # handle \d+$/, '')));
  }
}

/** A trace monitor running in a namespace (`xtables-monitor --trace`, or `nft monitor trace`). */
export class Monitor {
  private proc: ChildProcessWithoutNullStreams;
  private out = '';
  private taken = 0;

  constructor(ns: string, readonly kind: 'xtables' | 'nft' = 'xtables') {
    this.proc = spawn('ip', ['netns', 'exec', ns, 'stdbuf', '-oL', ...(kind === 'nft' ? ['nft', 'monitor', 'trace'] : ['xtables-monitor', '--trace'])]);
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (d: string) => { this.out += d; });
    this.proc.stderr.resume();
  }

  get length(): number {
    return this.out.length;
  }

  /** Waits until output has been quiet for `quietMs` (at most `maxMs`), then returns the new text. */
  async settle(quietMs = 120, maxMs = 1500): Promise<string> {
    const startedAt = Date.now();
    let last = this.out.length;
    let lastChange = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      if (this.out.length !== last) {
        last = this.out.length;
        lastChange = Date.now();
      }
      const now = Date.now();
      if ((last > this.taken && now - lastChange >= quietMs) || now - startedAt >= maxMs) break;
    }
    const text = this.out.slice(this.taken);
    this.taken = this.out.length;
    return text;
  }

  /**
   * Waits until the new text satisfies `done` (at most `maxMs`), then returns
   * it. The monitor can lag behind the kernel, so callers wait for a marker
   * (a sentinel packet's trace) rather than for quiet.
   */
  async until(done: (text: string) => boolean, maxMs = 5000): Promise<string> {
    const startedAt = Date.now();
    while (!done(this.out.slice(this.taken)) && Date.now() - startedAt < maxMs) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const text = this.out.slice(this.taken);
    this.taken = this.out.length;
    return text;
  }

  /** Drops whatever arrived so far. */
  skip(): void {
    this.taken = this.out.length;
  }

  stop(): void {
    this.proc.kill();
  }
}
