// Writes the two TextMate grammars (iptables-save.tmLanguage.json and
// iptables-listing.tmLanguage.json) from the named regex pieces below, so the
// long listing-row patterns stay readable. Edit this file, then run
// `node syntaxes/build-grammars.mjs`; `--check` exits 1 when the JSON files
// are stale (the grammar tests run it).
import { readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';

const here = dirname(fileURLToPath(import.meta.url));

// Verdicts iptables decides itself (REJECT is an extension, but to a reader
// it ends the packet's walk like DROP, so it is coloured with the verdicts).
const VERDICTS = ['ACCEPT', 'DROP', 'RETURN', 'QUEUE', 'REJECT'];
// Target extensions; keep in step with server/src/model/targetNames.ts (a
// grammar test checks it). Anything else after -j is a user chain.
const EXTENSION_TARGETS = [
  'AUDIT', 'CHECKSUM', 'CLASSIFY', 'CLUSTERIP', 'CONNMARK', 'CONNSECMARK', 'CT', 'DNAT', 'DNPT', 'DSCP',
  'ECN', 'HL', 'HMARK', 'IDLETIMER', 'LED', 'LOG', 'MARK', 'MASQUERADE', 'NETMAP', 'NFLOG', 'NFQUEUE',
  'NOTRACK', 'RATEEST', 'REDIRECT', 'SECMARK', 'SET', 'SNAT', 'SNPT', 'SYNPROXY', 'TCPMSS',
  'TCPOPTSTRIP', 'TEE', 'TOS', 'TPROXY', 'TRACE', 'TTL', 'ULOG', 'MIRROR', 'SAME', 'IPV4OPTSSTRIP',
  'NETLINK', 'ROUTE', 'TARPIT', 'DELUDE', 'CHAOS', 'SYSRQ', 'LOGMARK', 'ACCOUNT', 'IPMARK',
];
const BUILTIN_CHAINS = ['INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING'];
// Words that open a match's text in a listing (`tcp dpt:22`, `ctstate NEW`).
const LISTING_MATCH_WORDS = [
  'tcp', 'udp', 'udplite', 'sctp', 'dccp', 'icmp', 'icmptype', 'ipv6-icmp', 'ipv6-icmptype', 'multiport', 'ctstate',
  'ctstatus', 'ctproto', 'ctorigsrc', 'ctorigdst', 'ctreplsrc', 'ctrepldst', 'ctexpire', 'ctdir', 'state', 'mark',
  'connmark', 'ADDRTYPE', 'match-set', 'limit', 'statistic', 'PHYSDEV', 'physdev', 'MAC', 'owner', 'source IP range',
  'destination IP range', 'recent', 'hashlimit', 'connlimit', 'length', 'TTL', 'HL', 'tos', 'dscp', 'helper',
  'pkttype', 'policy', 'rpfilter', 'string', 'time', 'u32', 'esp', 'ah', 'frag', 'rt', 'hbh', 'dst', 'mh', 'srh',
];

const alt = (words) => words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s')).join('|');
const word = (words) => `(?<![\\w-])(?:${alt(words)})(?![\\w-])`;

// ---- shared regex pieces (Oniguruma syntax that JavaScript also accepts) ----
const IPV4 = '\\d{1,3}(?:\\.\\d{1,3}){3}';
const IPV4_CIDR = `(?<![\\w.])${IPV4}(?:/(?:${IPV4}|\\d{1,2}))?(?![\\d.])`;
// At least three colons or a `::`, so `08:00:00` and `1000:2000` stay numbers.
const IPV6 =
  '(?<![\\w:.])(?=(?:[0-9A-Fa-f]{0,4}:){3}|[0-9A-Fa-f:]*::)' +
  `[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?<=:)${IPV4})?` +
  '(?:/(?:\\d{1,3}(?![0-9A-Fa-f:])|[0-9A-Fa-f:]+))?(?![\\w:.])';
const MAC = '(?<![\\w:])[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}(?![\\w:])';
const HEX = '(?<![\\w.])0[xX][0-9A-Fa-f]+(?:/0[xX][0-9A-Fa-f]+)?(?![\\w.])';
const NUMBER = '(?<![\\w.])\\d+(?![\\w.])';
// A shell prompt: `[root@host ~]#`, `user@host:~$`, `$`, `#`, `###`, watch's header.
const PROMPT = '(?:\\[[^\\]]*\\][#$%]|[^\\s\\[\\]#$%>]*[#$%>]+|Every\\s+[\\d.]+s:)';
const TOOL = '(?:\\S*/)?(?:ip6?tables|xtables)(?:-legacy|-nft)?(?:-save|-restore)?';
const PROMPT_LINE = `\\s*(?:${PROMPT})?\\s*(?:sudo\\s+(?:-\\S+\\s+)*)?${TOOL}(?=\\s|$)`;
const OPTION = '(?<=^|\\s)(--?[A-Za-z][\\w-]*)';

function common(lang) {
  const s = (name) => `${name}.iptables-${lang}`;
  return {
    s,
    repo: {
      prompt: {
        comment: 'A shell prompt followed by an iptables command, as pasted from a terminal.',
        match: `^\\s*(${PROMPT})?(\\s*)((?:sudo\\s+(?:-\\S+\\s+)*)?)(${TOOL})(?=\\s|$)(.*)$`,
        name: s('meta.prompt'),
        captures: {
          1: { name: s('entity.other.prompt-prefix') },
          3: { name: s('entity.name.command.sudo') },
          4: { name: s('entity.name.command') },
          5: { patterns: [{ include: '#command-arguments' }] },
        },
      },
      'command-arguments': {
        patterns: [
          {
            match: '(?<=^|\\s)(-t|--table)(?:\\s+|=)([a-z]+)',
            captures: { 1: { name: s('variable.parameter.option') }, 2: { name: s('entity.name.type.table') } },
          },
          { match: OPTION, captures: { 1: { name: s('variable.parameter.option') } } },
          { match: '[|;>&]+', name: s('keyword.operator.shell') },
          { match: '\\S+', name: s('string.unquoted.argument') },
        ],
      },
      'string-double': {
        begin: '"',
        end: '"|$',
        name: s('string.quoted.double'),
        beginCaptures: { 0: { name: s('punctuation.definition.string.begin') } },
        endCaptures: { 0: { name: s('punctuation.definition.string.end') } },
        patterns: [{ match: '\\\\.', name: s('constant.character.escape') }],
      },
      // Capture patterns see the line cut at the capture's end and scan from
      // its start, so `$` anchors there but `^` would not: `(?<!\S)` does.
      verdict: { match: `(?<!\\S)(?:${alt(VERDICTS)})$`, name: s('constant.language.verdict') },
      'extension-target': { match: `(?<!\\S)(?:${alt(EXTENSION_TARGETS)})$`, name: s('support.function.target') },
      'user-chain': { match: '(?<!\\S)\\S+$', name: s('entity.name.function.chain') },
      'target-name': {
        patterns: [{ include: '#verdict' }, { include: '#extension-target' }, { include: '#user-chain' }],
      },
      address: {
        patterns: [
          { match: MAC, name: s('constant.numeric.address.mac') },
          { match: IPV6, name: s('constant.numeric.address.ipv6') },
          { match: IPV4_CIDR, name: s('constant.numeric.address.ipv4') },
        ],
      },
      number: {
        patterns: [
          { match: HEX, name: s('constant.numeric.integer.hexadecimal') },
          { match: NUMBER, name: s('constant.numeric.integer') },
        ],
      },
    },
  };
}

function saveGrammar() {
  const { s, repo } = common('save');
  // COUNTERS has six groups: the whole `[p:b]`, then its five parts.
  const counters = (first) => ({
    [first - 1]: { name: s('meta.counters') },
    [first]: { name: s('punctuation.definition.counters.begin') },
    [first + 1]: { name: s('constant.numeric.integer.packets') },
    [first + 2]: { name: s('punctuation.separator.counters') },
    [first + 3]: { name: s('constant.numeric.integer.bytes') },
    [first + 4]: { name: s('punctuation.definition.counters.end') },
  });
  const COUNTERS = '((\\[)(\\d+)(:)(\\d+)(\\]))';
  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'iptables-save',
    scopeName: 'source.iptables-save',
    comment: 'iptables-save / ip6tables-save output, iptables-restore input and iptables -S output. Generated by syntaxes/build-grammars.mjs.',
    patterns: [
      { include: '#prompt' },
      { include: '#comment' },
      { include: '#table' },
      { include: '#commit' },
      { include: '#chain-declaration' },
      { include: '#policy' },
      { include: '#chain-command' },
      { include: '#rule' },
    ],
    repository: {
      ...repo,
      comment: {
        match: '^\\s*(#).*$',
        name: s('comment.line.number-sign'),
        captures: { 1: { name: s('punctuation.definition.comment') } },
      },
      table: {
        match: '^\\s*(\\*)(\\S+)',
        name: s('meta.table'),
        captures: { 1: { name: s('keyword.control.table') }, 2: { name: s('entity.name.type.table') } },
      },
      commit: { match: '^\\s*(COMMIT)(?=\\s|$)', captures: { 1: { name: s('keyword.control.commit') } } },
      'chain-declaration': {
        match: `^\\s*(:)(\\S+)(?:\\s+(?:(-)|(\\S+)))?(?:\\s+${COUNTERS})?`,
        name: s('meta.chain.declaration'),
        captures: {
          1: { name: s('punctuation.definition.chain') },
          2: { name: s('entity.name.function.chain') },
          3: { name: s('constant.language.policy.none') },
          4: { name: s('constant.language.verdict') },
          ...counters(6),
        },
      },
      policy: {
        begin: '^\\s*(-P|--policy)\\s+(\\S+)(?:\\s+(\\S+))?',
        end: '$',
        name: s('meta.policy'),
        beginCaptures: {
          1: { name: s('keyword.control.command') },
          2: { name: s('entity.name.function.chain') },
          3: { name: s('constant.language.verdict') },
        },
        patterns: [{ include: '#rule-body' }],
      },
      'chain-command': {
        comment: '-N NAME, -X/-F/-Z [NAME], -E OLD NEW',
        match: '^\\s*(-[NXFZE]|--(?:new-chain|delete-chain|flush|zero|rename-chain))(?:\\s+([^\\s-]\\S*))?(?:\\s+(\\S+))?',
        name: s('meta.chain.command'),
        captures: {
          1: { name: s('keyword.control.command') },
          2: { name: s('entity.name.function.chain') },
          3: { name: s('entity.name.function.chain') },
        },
      },
      rule: {
        begin: `^\\s*(?:${COUNTERS}\\s*)?(-[AIRDC]|--(?:append|insert|replace|delete|check))(?:\\s+([^\\s!-]\\S*))?`,
        end: '$',
        name: s('meta.rule'),
        beginCaptures: {
          ...counters(2),
          7: { name: s('keyword.control.command') },
          8: { name: s('entity.name.function.chain') },
        },
        patterns: [{ include: '#rule-body' }],
      },
      'rule-body': {
        patterns: [
          { include: '#string-double' },
          {
            match: '(?<=^|\\s)(-c|--set-counters)\\s+(\\d+)\\s+(\\d+)(?=\\s|$)',
            name: s('meta.counters'),
            captures: {
              1: { name: s('variable.parameter.option.counters') },
              2: { name: s('constant.numeric.integer.packets') },
              3: { name: s('constant.numeric.integer.bytes') },
            },
          },
          {
            match: '(?<=^|\\s)(-j|--jump)(?:\\s+(\\S+))?',
            captures: { 1: { name: s('keyword.control.jump') }, 2: { patterns: [{ include: '#target-name' }] } },
          },
          {
            match: '(?<=^|\\s)(-g|--goto)(?:\\s+(\\S+))?',
            captures: { 1: { name: s('keyword.control.goto') }, 2: { name: s('entity.name.function.chain') } },
          },
          {
            match: '(?<=^|\\s)(-m|--match)(?:\\s+(\\S+))?',
            captures: { 1: { name: s('keyword.other.match') }, 2: { name: s('support.type.match') } },
          },
          {
            match: '(?<=^|\\s)(-p|--protocol)\\s+(?:(!)\\s+)?([^\\s!-]\\S*)',
            captures: {
              1: { name: s('variable.parameter.option') },
              2: { name: s('keyword.operator.negation') },
              3: { name: s('support.constant.protocol') },
            },
          },
          {
            match: '(?<=^|\\s)(-[io]|--(?:in|out)-interface|--physdev-(?:in|out))\\s+(?:(!)\\s+)?([^\\s!-]\\S*)',
            captures: {
              1: { name: s('variable.parameter.option') },
              2: { name: s('keyword.operator.negation') },
              3: { name: s('variable.other.interface') },
            },
          },
          {
            match:
              '(?<=^|\\s)(--(?:[sd]ports?|ports|(?:source|destination)-ports?|to-ports?))\\s+(?:(!)\\s+)?([\\d:,-]+)(?=\\s|$)',
            captures: {
              1: { name: s('variable.parameter.option') },
              2: { name: s('keyword.operator.negation') },
              3: { patterns: [{ include: '#ports' }] },
            },
          },
          {
            match: '(?<=^|\\s)(--comment)\\s+([^\\s"]\\S*)',
            captures: { 1: { name: s('variable.parameter.option') }, 2: { name: s('string.unquoted.comment') } },
          },
          { match: '(?<=^|\\s)!(?=\\s|$)', name: s('keyword.operator.negation') },
          { match: OPTION, captures: { 1: { name: s('variable.parameter.option') } } },
          { include: '#address' },
          { include: '#number' },
        ],
      },
      ports: {
        patterns: [
          { match: '\\d+', name: s('constant.numeric.integer.port') },
          { match: '[:-]', name: s('punctuation.separator.range') },
          { match: ',', name: s('punctuation.separator.list') },
        ],
      },
    },
  };
}

function listingGrammar() {
  const { s, repo } = common('listing');
  const NUM = '(?:([1-9]\\d*)\\s+)?';
  const COUNT = '(\\d+[KMGTP]?)';
  // A target never starts with a digit or `!`; without that rule `5 300 0 --`
  // could read as rule 5 with target 300.
  const TARGET = '(?:([^\\s\\d!]\\S*)\\s+)?';
  const PROT = '(!?)(\\w[\\w-]*)\\s+';
  const OPT = '(?:(--|-f|!f)\\s+)?';
  const ENDPOINT = '(!?)(\\S+)';
  const rowCaptures = (withCounters) => {
    const c = { 1: { name: s('constant.numeric.integer.rule-number') } };
    let i = 2;
    if (withCounters) {
      c[i++] = { name: s('constant.numeric.integer.packets') };
      c[i++] = { name: s('constant.numeric.integer.bytes') };
    }
    c[i++] = { name: s('meta.target'), patterns: [{ include: '#target-name' }] };
    c[i++] = { name: s('keyword.operator.negation') };
    c[i++] = { name: s('support.constant.protocol') };
    c[i++] = { name: s('keyword.operator.opt') };
    if (withCounters) {
      c[i++] = { name: s('keyword.operator.negation') };
      c[i++] = { name: s('variable.other.interface.in') };
      c[i++] = { name: s('keyword.operator.negation') };
      c[i++] = { name: s('variable.other.interface.out') };
    }
    c[i++] = { name: s('keyword.operator.negation') };
    c[i++] = { name: s('meta.address.source'), patterns: [{ include: '#endpoint' }] };
    c[i++] = { name: s('keyword.operator.negation') };
    c[i++] = { name: s('meta.address.destination'), patterns: [{ include: '#endpoint' }] };
    return c;
  };
  const header = (verbose) =>
    verbose
      ? '^\\s*(?:num\\s+)?pkts\\s+bytes\\s+target\\s+prot\\s+opt\\s+in\\s+out\\s+source\\s+destination\\s*$'
      : '^\\s*(?:num\\s+)?target\\s+prot\\s+opt\\s+source\\s+destination\\s*$';
  const block = (verbose) => ({
    comment: verbose ? 'Rows under a -v column header.' : 'Rows under a column header without -v.',
    begin: header(verbose),
    beginCaptures: { 0: { name: s('markup.heading.columns') } },
    // A block ends at a blank line, the next chain, or a pasted prompt or
    // warning that follows an empty chain directly.
    end: `^(?=\\s*$|Chain\\s|${PROMPT_LINE}|\\s*(?:#\\s*)?Warning:)`,
    patterns: [{ include: verbose ? '#row-verbose' : '#row-plain' }, { include: '#text' }],
  });
  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'iptables-listing',
    scopeName: 'source.iptables-listing',
    comment: 'iptables -L output with any of -n, -v, -x, --line-numbers. Generated by syntaxes/build-grammars.mjs.',
    patterns: [
      { include: '#prompt' },
      { include: '#warning' },
      { include: '#chain-header' },
      { include: '#block-verbose' },
      { include: '#block-plain' },
      { include: '#row-verbose' },
      { include: '#row-plain-strict' },
    ],
    repository: {
      ...repo,
      warning: {
        match: '^\\s*(?:#\\s*)?Warning:.*$',
        name: s('comment.line.warning'),
      },
      'chain-header': {
        match:
          '^\\s*(Chain)\\s+(\\S+)\\s+(\\()(?:(policy)\\s+(\\S+)(?:\\s+(\\d+[KMGTP]?)\\s+(packets),\\s+(\\d+[KMGTP]?)\\s+(bytes))?|(\\d+)\\s+(references?))(\\))',
        name: s('meta.chain.header'),
        captures: {
          1: { name: s('keyword.control.chain') },
          2: { name: s('entity.name.function.chain') },
          3: { name: s('punctuation.section.parens.begin') },
          4: { name: s('keyword.other.policy') },
          5: { name: s('constant.language.verdict') },
          6: { name: s('constant.numeric.integer.packets') },
          7: { name: s('keyword.other.unit') },
          8: { name: s('constant.numeric.integer.bytes') },
          9: { name: s('keyword.other.unit') },
          10: { name: s('constant.numeric.integer.references') },
          11: { name: s('keyword.other.unit') },
          12: { name: s('punctuation.section.parens.end') },
        },
      },
      'block-verbose': block(true),
      'block-plain': block(false),
      'row-verbose': {
        begin: `^\\s*${NUM}${COUNT}\\s+${COUNT}\\s+${TARGET}${PROT}${OPT}${ENDPOINT}\\s+${ENDPOINT}\\s+${ENDPOINT}\\s+${ENDPOINT}(?=\\s|$)`,
        end: '$',
        name: s('meta.rule'),
        beginCaptures: rowCaptures(true),
        patterns: [{ include: '#text' }],
      },
      'row-plain': {
        begin: `^\\s*${NUM}${TARGET}${PROT}${OPT}${ENDPOINT}\\s+${ENDPOINT}(?=\\s|$)`,
        end: '$',
        name: s('meta.rule'),
        beginCaptures: rowCaptures(false),
        patterns: [{ include: '#text' }],
      },
      'row-plain-strict': {
        comment: 'A row with no column header above it: only taken when the opt column is there.',
        begin: `^\\s*${NUM}${TARGET}${PROT}(--|-f|!f)\\s+${ENDPOINT}\\s+${ENDPOINT}(?=\\s|$)`,
        end: '$',
        name: s('meta.rule'),
        beginCaptures: rowCaptures(false),
        patterns: [{ include: '#text' }],
      },
      endpoint: {
        patterns: [
          { include: '#address' },
          { match: '(?<![^\\s!])(?:anywhere|\\*|any)$', name: s('constant.language.any') },
          { match: '(?<![^\\s!])\\S+$', name: s('string.unquoted.host') },
        ],
      },
      text: {
        comment: 'The extension text after the destination column.',
        patterns: [
          {
            match: '(/\\*)(.*?)(\\*/)',
            name: s('comment.block'),
            captures: {
              1: { name: s('punctuation.definition.comment.begin') },
              3: { name: s('punctuation.definition.comment.end') },
            },
          },
          { match: '\\[goto\\]', name: s('keyword.control.goto') },
          { include: '#string-double' },
          { match: word(LISTING_MATCH_WORDS), name: s('support.type.match') },
          { match: `(?<![\\w-])(?:${alt(VERDICTS)}|${alt(EXTENSION_TARGETS)})(?![\\w-])`, name: s('support.function.target') },
          { include: '#address' },
          {
            match: '(?<![\\w-])([A-Za-z][\\w-]*)(:)',
            captures: { 1: { name: s('variable.parameter.option') }, 2: { name: s('punctuation.separator.key-value') } },
          },
          { match: '!', name: s('keyword.operator.negation') },
          { include: '#number' },
        ],
      },
    },
  };
}

const outputs = {
  'iptables-save.tmLanguage.json': saveGrammar(),
  'iptables-listing.tmLanguage.json': listingGrammar(),
};

let stale = false;
for (const [file, grammar] of Object.entries(outputs)) {
  const path = join(here, file);
  const text = JSON.stringify(grammar, null, 2) + '\n';
  if (process.argv.includes('--check')) {
    let old = '';
    try { old = readFileSync(path, 'utf8'); } catch { /* missing counts as stale */ }
    if (old !== text) { stale = true; console.error(`${file} is stale: run node syntaxes/build-grammars.mjs`); }
  } else {
    writeFileSync(path, text);
  }
}
process.exit(stale ? 1 : 0);
