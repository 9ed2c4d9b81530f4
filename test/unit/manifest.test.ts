import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// The manifest's language contributions, checked the way VS Code reads them:
// firstLine is compiled with `new RegExp(s)` and tested on line 1 only; a path
// is lower-cased, then matched by exact file name, then by pattern (against
// the whole path when the pattern has a slash), then by longest extension.

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Language {
  id: string;
  aliases?: string[];
  extensions?: string[];
  filenames?: string[];
  filenamePatterns?: string[];
  firstLine?: string;
  configuration?: string;
}
const languages: Language[] = pkg.contributes.languages;
const lang = (id: string) => languages.find((l) => l.id === id)!;
const SAVE = 'iptables-save';
const LISTING = 'iptables-listing';

type Detected = typeof SAVE | typeof LISTING | null | 'both';

/** Which language the firstLine regexes pick for a first line. */
function byFirstLine(line: string): Detected {
  const hits = languages.filter((l) => l.firstLine && new RegExp(l.firstLine).test(line)).map((l) => l.id);
  return hits.length > 1 ? 'both' : ((hits[0] ?? null) as Detected);
}

/** A glob matcher for the simple patterns a manifest uses (`**` + `/`, `*`, `?`). */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    if (glob.startsWith('**/', i)) { re += '(?:.*/)?'; i += 2; }
    else if (glob[i] === '*') re += '[^/]*';
    else if (glob[i] === '?') re += '[^/]';
    else re += glob[i].replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

/** Which language VS Code would give a file path from file names, patterns and extensions. */
function byPath(path: string): string | null {
  const lower = path.toLowerCase();
  const name = lower.slice(lower.lastIndexOf('/') + 1);
  const byName = languages.find((l) => l.filenames?.some((f) => f.toLowerCase() === name));
  if (byName) return byName.id;
  const byPattern = languages.find((l) =>
    l.filenamePatterns?.some((p) => globToRegExp(p.toLowerCase()).test(p.includes('/') ? lower : name)),
  );
  if (byPattern) return byPattern.id;
  let best: { id: string; len: number } | null = null;
  for (const l of languages) {
    for (const e of l.extensions ?? []) {
      if (name.endsWith(e.toLowerCase()) && (!best || e.length > best.len)) best = { id: l.id, len: e.length };
    }
  }
  return best?.id ?? null;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** The format a fixture is known to have, from the naming convention of test/fixtures. */
function knownFormat(file: string): typeof SAVE | typeof LISTING | null {
  const name = file.slice(file.lastIndexOf('/') + 1);
  if (/\.(?:err|rc|out|md)$|stderr\.txt$|README/.test(name)) return null;
  if (/\.(?:nvL|nvLx|nL|Lv|vLx|nvL-linenum)(?:\.txt)?$|\.nvLx\.stdout\.txt$|\.as-pasted\.txt$/.test(name)) return LISTING;
  if (/\.(?:save|save-c|S|Sv|rules)(?:\.txt)?$|\.resaved(?:-twice)?\.txt$|\.save\.stdout\.txt$|\.as_found\.txt$/.test(name)) return SAVE;
  return null;
}

function firstLineOf(file: string): string {
  const text = readFileSync(file, 'utf8');
  const nl = text.indexOf('\n');
  return (nl < 0 ? text : text.slice(0, nl)).replace(/^\uFEFF/, '').replace(/\r$/, '');
}

// First lines that say nothing about the format, seen in the fixtures and
// looked at by hand: an empty comment (ufw's rule files start with `#`), our
// own probe headers, and the nft warning printed by both `-S` and `-L`.
const UNDECIDABLE = new Set([
  '#',
  '# IPv4 format-probe ruleset for iptables 1.8.9 (iptables-restore -c format).',
  '# IPv6 format-probe ruleset for ip6tables 1.8.9 (ip6tables-restore -c format).',
  '# Subset of rules4.rules accepted by both iptables-nft and iptables-legacy 1.8.9 on kernel 6.18 (per-rule probe).',
  '# Subset of rules6.rules accepted by both iptables-nft and iptables-legacy 1.8.9 on kernel 6.18 (per-rule probe).',
  '# Warning: iptables-legacy tables present, use iptables-legacy to see them',
]);

test('two languages with aliases, one configuration, and a grammar each', () => {
  assert.deepEqual(languages.map((l) => l.id).sort(), [LISTING, SAVE]);
  assert.equal(lang(SAVE).aliases?.[0], 'iptables-save');
  assert.equal(lang(LISTING).aliases?.[0], 'iptables listing (-L)');
  for (const l of languages) {
    assert.equal(l.configuration, './syntaxes/language-configuration.json');
    assert.ok(existsSync(join(root, l.configuration!)), l.configuration);
  }
  const grammars: { language: string; scopeName: string; path: string }[] = pkg.contributes.grammars;
  assert.deepEqual(grammars.map((g) => [g.language, g.scopeName]).sort(), [
    [LISTING, 'source.iptables-listing'],
    [SAVE, 'source.iptables-save'],
  ]);
  for (const g of grammars) {
    assert.equal(JSON.parse(readFileSync(join(root, g.path), 'utf8')).scopeName, g.scopeName, g.path);
  }
  // VS Code ≥ 1.74 activates an extension on its contributed languages.
  assert.deepEqual(pkg.activationEvents, []);
});

test('every fixture first line is detected as its own format or, if it says nothing, as neither', () => {
  const files = [...walk(join(fixtures, 'corpus')), ...walk(join(fixtures, 'seed')), ...walk(join(fixtures, 'reference'))];
  let detected = 0;
  let checked = 0;
  for (const file of files) {
    const expected = knownFormat(file);
    if (!expected) continue;
    checked++;
    const line = firstLineOf(file);
    const got = byFirstLine(line);
    const where = `${relative(fixtures, file)}: ${JSON.stringify(line)}`;
    if (got === null) assert.ok(UNDECIDABLE.has(line), `not detected: ${where}`);
    else assert.equal(got, expected, where);
    if (got) detected++;
  }
  assert.ok(checked > 300, `only ${checked} fixtures classified`);
  assert.ok(detected > checked * 0.9, `only ${detected} of ${checked} detected`);
});

test('first lines from the issue and from real pastes', () => {
  const cases: [string, Detected][] = [
    ['# Generated by iptables-save v1.8.9 (nf_tables) on Mon Nov 23 10:00:00 2026', SAVE],
    ['# Generated by ip6tables-save v1.6.1 on Sat Feb 17 10:51:39 2018', SAVE],
    ['# Generated by iptables-nft-save v1.8.9 (nf_tables) on Fri Nov 27 16:58:13 2026', SAVE],
    ['# Generated by ip6tables-legacy-save v1.8.9 on Fri Nov 27 16:58:14 2026', SAVE],
    ['# Generated by iptables-legacy-save v1.8.7 on Tue Jan  2 10:00:00 2024', SAVE],
    ['# Generated by xtables-save v1.6.2 on Tue Jun 26 22:28:41 2018', SAVE],
    ['# Completed on Sat Feb 17 10:50:33 2018', SAVE],
    ['# Warning: iptables-legacy tables present, use iptables-legacy-save to see them', SAVE],
    ['*filter', SAVE],
    ['*nat', SAVE],
    ['*mangle', SAVE],
    ['*raw', SAVE],
    ['*security', SAVE],
    [':INPUT ACCEPT [0:0]', SAVE],
    ['-P INPUT ACCEPT', SAVE],
    ['-P PREROUTING ACCEPT -c 0 0', SAVE],
    ['-P FORWARD DROP', SAVE],
    ['-N KUBE-SERVICES', SAVE],
    ['-A INPUT -i lo -j ACCEPT', SAVE],
    ['Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)', LISTING],
    ['Chain INPUT (policy DROP)', LISTING],
    ['Chain KUBE-SERVICES (2 references)', LISTING],
    ['Chain KUBE-POSTROUTING (1 references)', LISTING],
    [' pkts bytes target     prot opt in     out     source               destination         ', LISTING],
    ['num  target     prot opt source               destination', LISTING],
    ['[root@master-192 st]# iptables -t nat -nvL', LISTING],
    ['$ sudo iptables -L -n -v', LISTING],
    ['# iptables -nvL', LISTING],
    ['root@node-1:~# iptables -t filter -L INPUT -n --line-numbers', LISTING],
    ['user@host:~$ sudo ip6tables -vnL | less', LISTING],
    ['# /usr/sbin/iptables-legacy --list -t mangle', LISTING],
    ['### iptables -t raw -nvL -x --line-numbers', LISTING],
    ['iptables -t nat -L -n', LISTING],
    ['Every 2.0s: iptables -nvL                      node-1: Fri Nov 27 10:00:00 2026', LISTING],
    ['[root@master-192 st]# iptables-save', SAVE],
    ['$ sudo iptables-save -t nat > nat.rules', SAVE],
    ['# ip6tables-save', SAVE],
    ['$ sudo iptables -S', SAVE],
    ['# iptables -t nat -S KUBE-SERVICES', SAVE],
    ['root@host:~# iptables --list-rules', SAVE],
    ['### iptables -t raw -S', SAVE],
    ['### ip6tables -t raw -S', SAVE],
    ['$ iptables-nft-save -c', SAVE],
  ];
  for (const [line, want] of cases) assert.equal(byFirstLine(line), want, JSON.stringify(line));
});

test('first lines of other files are not claimed', () => {
  const others = [
    // udev rules share the .rules extension
    '# This file was automatically generated by the /lib/udev/write_net_rules',
    'SUBSYSTEM=="net", ACTION=="add", ATTR{address}=="00:11:22:33:44:55", NAME="eth0"',
    'ACTION=="add", SUBSYSTEM=="usb", RUN+="/usr/local/bin/hook"',
    // shell scripts
    '#!/bin/bash',
    '#!/bin/sh -e',
    'iptables -A INPUT -p tcp --dport 22 -j ACCEPT',
    'sudo iptables -F',
    'set -euo pipefail',
    // markdown and plain notes
    '# Firewall notes',
    '## Rules',
    '# iptables cheat sheet',
    '- List item',
    '* bullet',
    'Chain of custody (see below)',
    '',
    // the nft warning that both -S and -L print
    '# Warning: iptables-legacy tables present, use iptables-legacy to see them',
  ];
  for (const line of others) assert.equal(byFirstLine(line), null, JSON.stringify(line));
});

test('file names and patterns pick the language; the bare .rules extension is not claimed', () => {
  const cases: [string, string | null][] = [
    ['/etc/iptables/rules.v4', SAVE],
    ['/etc/iptables/rules.v6', SAVE],
    ['/etc/iptables/iptables.rules', SAVE],
    ['/etc/iptables/ip6tables.rules', SAVE],
    ['/etc/sysconfig/iptables', SAVE],
    ['/etc/sysconfig/ip6tables', SAVE],
    ['/etc/sysconfig/iptables.save', SAVE],
    ['/home/me/dumps/node1.iptables', SAVE],
    ['/home/me/dumps/node1.ip6tables', SAVE],
    ['/home/me/dumps/node1.iptables-save', SAVE],
    ['/work/examples/heketi-nat.iptables-save', SAVE],
    ['/home/me/dumps/nat.nvL', LISTING],
    ['/home/me/dumps/NAT.NVL', LISTING],
    ['/work/examples/heketi-nat.as-pasted.nvL', LISTING],
    ['/home/me/dumps/node1.iptables-listing', LISTING],
    ['/etc/udev/rules.d/70-persistent-net.rules', null],
    ['/etc/ufw/before.rules', null],
    ['/etc/sysconfig/iptables-config', null],
    ['/home/me/iptables', null],
    ['/home/me/notes.txt', null],
    ['/home/me/rules.v4.bak', null],
  ];
  for (const [path, want] of cases) assert.equal(byPath(path), want, path);
  for (const l of languages) assert.ok(!(l.extensions ?? []).some((e) => e.toLowerCase() === '.rules'), l.id);
});

test('the glob helper agrees with VS Code on the shapes used', () => {
  assert.ok(globToRegExp('**/sysconfig/iptables').test('/etc/sysconfig/iptables'));
  assert.ok(globToRegExp('**/sysconfig/iptables').test('sysconfig/iptables'));
  assert.ok(!globToRegExp('**/sysconfig/iptables').test('/etc/sysconfig/iptables-config'));
  assert.ok(!globToRegExp('**/sysconfig/iptables').test('/etc/notsysconfig/iptables'));
});

test('the word pattern keeps chain names, options and addresses whole', () => {
  const config = JSON.parse(readFileSync(join(root, 'syntaxes', 'language-configuration.json'), 'utf8'));
  const words = (line: string) => line.match(new RegExp(config.wordPattern, 'g'));
  assert.deepEqual(words('-A KUBE-SVC-7RUAH544RSSBQYKK -m comment --comment "default/heketi:" -j KUBE-SEP-IWORYNCAYHBSQHXU'), [
    '-A', 'KUBE-SVC-7RUAH544RSSBQYKK', '-m', 'comment', '--comment', 'default/heketi', '-j', 'KUBE-SEP-IWORYNCAYHBSQHXU',
  ]);
  assert.deepEqual(words('   61  8106 cali-PREROUTING  all  --  *      *      !10.254.0.0/16        0.0.0.0/0'), [
    '61', '8106', 'cali-PREROUTING', 'all', '--', '10.254.0.0/16', '0.0.0.0/0',
  ]);
  assert.deepEqual(words(':cali-POSTROUTING - [0:0]'), ['cali-POSTROUTING', '-', '0', '0']);
  assert.equal(config.comments.lineComment, '#');
});
