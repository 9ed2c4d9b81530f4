/**
 * Workspace symbols: the chains of every open dump and of the dump files in
 * the workspace folders (both languages, found by the file names the
 * extension claims). Files are parsed once per modification time and the
 * walk is capped, so a request stays cheap on large workspaces.
 */
import { promises as fs } from 'fs';
import { basename, join } from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { SymbolKind, type WorkspaceSymbol } from 'vscode-languageserver';
import { Analysis } from '../model/analysis';
import { LISTING_LANGUAGE_ID, SAVE_LANGUAGE_ID } from '../model/parse';
import { chainAnchor } from './chainOccurrences';
import { toRange } from './convert';

/** The language of a file by its name, as the extension's manifest claims them; null for other files. */
export function dumpLanguageOf(path: string): string | null {
  const name = basename(path);
  if (/\.nvL$/i.test(name) || /\.ip6?tables-listing$/.test(name)) return LISTING_LANGUAGE_ID;
  if (['rules.v4', 'rules.v6', 'iptables.rules', 'ip6tables.rules', 'iptables.up.rules', 'ip6tables.up.rules'].includes(name)) return SAVE_LANGUAGE_ID;
  if (/\.(?:ip6?tables|ip6?tables-save)$/.test(name)) return SAVE_LANGUAGE_ID;
  if (/[\\/]sysconfig[\\/]ip6?tables(?:\.save)?$/.test(path)) return SAVE_LANGUAGE_ID;
  return null;
}

/** Caps that keep one request cheap: directories visited, files parsed, bytes per file, symbols returned. */
export const LIMITS = { directories: 5000, files: 500, fileBytes: 64 * 1024 * 1024, results: 1000, depth: 10 };

const SKIP_DIRS = new Set(['node_modules', 'dist', 'out', '.git', '.vscode-test', '.cache']);

interface FileEntry {
  mtimeMs: number;
  size: number;
  symbols: WorkspaceSymbol[];
}

/**
 * Kept between requests: parsed files by path (refreshed when a file's mtime
 * or size changes), and the last directory walk, reused for a few seconds
 * because editors ask again on every keystroke of the symbol search.
 */
export interface WorkspaceCache {
  files: Map<string, FileEntry>;
  walk?: { key: string; at: number; paths: string[] };
}

/** How long a directory walk is reused. */
const WALK_TTL_MS = 5000;

export function newWorkspaceCache(): WorkspaceCache {
  return { files: new Map() };
}

/** The chains of one parsed dump as workspace symbols. */
export function chainSymbols(analysis: Analysis, uri: string, label?: string): WorkspaceSymbol[] {
  const out: WorkspaceSymbol[] = [];
  for (const table of analysis.ruleset.tables) {
    for (const chain of table.chains) {
      const anchor = chainAnchor(chain);
      if (!anchor) continue;
      out.push({
        name: chain.name,
        kind: chain.builtin ? SymbolKind.Event : SymbolKind.Function,
        containerName: label ? `${table.name} · ${label}` : table.name,
        location: { uri, range: toRange(anchor.selection) },
      });
    }
  }
  return out;
}

/** Case-insensitive subsequence match, as editors filter symbol names. */
export function matchesQuery(name: string, query: string): boolean {
  if (!query) return true;
  const n = name.toLowerCase();
  const q = query.toLowerCase();
  let i = 0;
  for (let k = 0; k < n.length && i < q.length; k++) if (n[k] === q[i]) i++;
  return i === q.length;
}

/** Dump files under the folders, breadth first, within LIMITS. */
export async function findDumpFiles(folders: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const queue: { dir: string; depth: number }[] = folders.map((dir) => ({ dir, depth: 0 }));
  let visited = 0;
  for (let q = 0; q < queue.length && visited < LIMITS.directories && found.length < LIMITS.files; q++) {
    const { dir, depth } = queue[q];
    visited++;
    let entries: import('fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < LIMITS.depth && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) queue.push({ dir: p, depth: depth + 1 });
      } else if (e.isFile() && dumpLanguageOf(p) && found.length < LIMITS.files) found.push(p);
    }
  }
  return found;
}

async function fileSymbols(path: string, cache: WorkspaceCache): Promise<WorkspaceSymbol[]> {
  let stat: import('fs').Stats;
  try {
    stat = await fs.stat(path);
  } catch {
    cache.files.delete(path);
    return [];
  }
  if (stat.size > LIMITS.fileBytes) return [];
  const have = cache.files.get(path);
  if (have && have.mtimeMs === stat.mtimeMs && have.size === stat.size) return have.symbols;
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch {
    return [];
  }
  const symbols = chainSymbols(Analysis.of(text, dumpLanguageOf(path) ?? undefined), pathToFileURL(path).href, basename(path));
  cache.files.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, symbols });
  return symbols;
}

function pathOf(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

/**
 * Chains matching the query in the open documents (their current text) and
 * in the workspace's dump files that are not open.
 */
export async function workspaceSymbols(
  query: string, open: readonly { uri: string; analysis: Analysis }[], folders: readonly string[], cache: WorkspaceCache,
): Promise<WorkspaceSymbol[]> {
  const out: WorkspaceSymbol[] = [];
  const add = (symbols: readonly WorkspaceSymbol[]) => {
    for (const s of symbols) {
      if (out.length >= LIMITS.results) return;
      if (matchesQuery(s.name, query)) out.push(s);
    }
  };
  const openPaths = new Set<string>();
  for (const doc of open) {
    const p = pathOf(doc.uri);
    if (p) openPaths.add(p);
    add(chainSymbols(doc.analysis, doc.uri));
  }
  const key = folders.join('\n');
  if (!cache.walk || cache.walk.key !== key || Date.now() - cache.walk.at > WALK_TTL_MS) {
    cache.walk = { key, at: Date.now(), paths: await findDumpFiles(folders) };
  }
  for (const path of cache.walk.paths) {
    if (out.length >= LIMITS.results) break;
    if (openPaths.has(path)) continue;
    add(await fileSymbols(path, cache));
  }
  return out;
}

/** Folder paths from the initialize parameters (workspace folders, or the root URI of older clients). */
export function folderPaths(folders: readonly { uri: string }[] | null | undefined, rootUri: string | null | undefined): string[] {
  const uris = folders?.length ? folders.map((f) => f.uri) : rootUri ? [rootUri] : [];
  return uris.map(pathOf).filter((p): p is string => p !== null);
}
