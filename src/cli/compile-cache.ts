/**
 * Start-up cost of the CLI (issue 14): `vmaudit scan domain one.xml` spends most of its time loading ~180 modules
 * (oclif, the engine, the CEL library). Two build-time products, used by bin/run.js through `install()`:
 *
 * - dist/compile-cache.bin: V8's code cache of every CommonJS module the start-up path loads (written by
 *   scripts/build-compile-cache.js, which runs `scan domain` on a fixture with VMAUDIT_COMPILE_CACHE_WRITE set), with
 *   the source each entry was made from. An entry is used only when the module's source is that very text (V8 itself
 *   checks only its length), and V8 rejects entries made by another V8 version or flags; either way the module is
 *   compiled as usual. Node 20 has no built-in compile cache (module.enableCompileCache is Node 22).
 * - dist/vendor/cel-js/: @marcbachmann/cel-js (an ES module package) transpiled to CommonJS by the same build script.
 *   Node 20 loads an ES module through its ESM loader (URL resolution, module jobs) and cannot code-cache it; the
 *   CommonJS copy is loaded instead when its recorded version is the installed one. Same code, same behaviour.
 *
 * Nothing here changes what the CLI does; set VMAUDIT_NO_COMPILE_CACHE=1 to load everything the ordinary way.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

export const CACHE_FILE = path.join('dist', 'compile-cache.bin');
export const CEL_VENDOR_DIR = path.join('dist', 'vendor', 'cel-js');
const CEL_PACKAGE = '@marcbachmann/cel-js';

/**
 * dist/compile-cache.bin: a 4-byte little-endian length, that many bytes of JSON (CacheHeader), then the sources and
 * cached data of the entries at their offsets (relative to the end of the header). Read with one readFileSync;
 * comparing a module's source with the recorded one (a decode and a string compare) is cheaper than hashing it.
 */
interface CacheHeader {
  format: 'vmaudit-compile-cache';
  node: string;
  arch: string;
  /** Path relative to the package root → where the source it was made from (UTF-8) and its cached data are. */
  entries: Record<string, CacheEntry>;
  /**
   * How `require(request)` from a module in directory D resolved (`D\0request` → file, all relative to the root):
   * Node's resolution (stat calls, package.json and exports lookups) is ~15 % of the start-up. Used only while the
   * installed tree is the one it was recorded on (`tree`: package.json and node_modules/.package-lock.json, which
   * npm rewrites on every install), and per entry only when the file is still there.
   */
  resolutions?: Record<string, string>;
  tree?: string;
}
interface CacheEntry {
  source: [offset: number, length: number];
  data: [offset: number, length: number];
}
/** An entry as the build script handles it. */
export interface CacheItem {
  source: string;
  data: Buffer;
}
interface LoadedCache {
  entries: Record<string, CacheEntry>;
  blob: Buffer;
  resolutions?: Record<string, string>;
  tree?: string;
}

/** The parts of node:module's internals this needs (stable since Node 12: v8-compile-cache uses the same). */
interface InternalModule {
  exports: unknown;
  filename: string;
  require(id: string): unknown;
  _compile(content: string, filename: string, format?: string): unknown;
}
interface ModuleStatics {
  prototype: InternalModule;
  wrap(content: string): string;
  _resolveFilename(request: string, parent: unknown, isMain?: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: unknown): string[] | null;
  _extensions: unknown;
  _cache: unknown;
}
const M = Module as unknown as ModuleStatics;

function makeRequire(mod: InternalModule): NodeJS.Require {
  const req = ((id: string) => mod.require(id)) as unknown as NodeJS.Require;
  const resolve = ((request: string, options?: unknown) => M._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => M._resolveLookupPaths(request, mod);
  req.resolve = resolve;
  req.main = require.main;
  req.extensions = M._extensions as NodeJS.RequireExtensions;
  req.cache = M._cache as NodeJS.Dict<NodeModule>;
  return req;
}

function readCache(file: string): LoadedCache | undefined {
  try {
    const buf = fs.readFileSync(file);
    const n = buf.readUInt32LE(0);
    const header = JSON.parse(buf.toString('utf8', 4, 4 + n)) as CacheHeader;
    if (header.format === 'vmaudit-compile-cache' && header.node === process.version && header.arch === process.arch) return { entries: header.entries, blob: buf.subarray(4 + n), resolutions: header.resolutions, tree: header.tree };
  } catch {
    /* absent or unreadable: compile as usual */
  }
  return undefined;
}

/** What the installed tree looks like to npm: the sizes and mtimes of package.json and node_modules/.package-lock.json. */
export function treeStamp(root: string): string {
  return ['package.json', path.join('node_modules', '.package-lock.json')]
    .map((f) => {
      const st = fs.statSync(path.join(root, f), { throwIfNoEntry: false });
      return st ? `${st.size}:${st.mtimeMs}` : '-';
    })
    .join(' ');
}

/** Writes a cache file (scripts/build-compile-cache.js merges the runs' caches with it). */
export function writeCache(file: string, items: Record<string, CacheItem>, resolutions: Record<string, string> = {}, tree?: string): void {
  const header: CacheHeader = { format: 'vmaudit-compile-cache', node: process.version, arch: process.arch, entries: {}, resolutions, ...(tree ? { tree } : {}) };
  const blobs: Buffer[] = [];
  let offset = 0;
  const put = (b: Buffer): [number, number] => {
    blobs.push(b);
    offset += b.length;
    return [offset - b.length, b.length];
  };
  for (const [key, e] of Object.entries(items).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) header.entries[key] = { source: put(Buffer.from(e.source, 'utf8')), data: put(e.data) };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length, 0);
  fs.writeFileSync(file, Buffer.concat([len, json, ...blobs]));
}

/** Reads a cache file back as writeCache's items and resolutions. */
export function readCacheItems(file: string): { items: Record<string, CacheItem>; resolutions: Record<string, string>; tree?: string } {
  const c = readCache(file);
  if (!c) return { items: {}, resolutions: {} };
  const items = Object.fromEntries(Object.entries(c.entries).map(([k, e]) => [k, { source: sourceOf(c, e), data: c.blob.subarray(e.data[0], e.data[0] + e.data[1]) }]));
  return { items, resolutions: c.resolutions ?? {}, ...(c.tree ? { tree: c.tree } : {}) };
}

const sourceOf = (c: LoadedCache, e: CacheEntry) => c.blob.toString('utf8', e.source[0], e.source[0] + e.source[1]);

/** The cached data for a module, when it was made from this very source. */
function cachedDataFor(cache: LoadedCache | undefined, key: string, content: string): Buffer | undefined {
  const e = cache?.entries[key];
  if (!cache || !e || sourceOf(cache, e) !== content) return undefined;
  return cache.blob.subarray(e.data[0], e.data[0] + e.data[1]);
}

/** The vendored CommonJS copy of the CEL library, when it was made from the installed version. */
function vendoredCel(root: string, parent: unknown, resolve: ModuleStatics['_resolveFilename']): string | undefined {
  try {
    const dir = path.join(root, CEL_VENDOR_DIR);
    const made = JSON.parse(fs.readFileSync(path.join(dir, 'source.json'), 'utf8')) as { version?: string };
    const installed = resolve.call(M, CEL_PACKAGE, parent);
    const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(installed), '..', 'package.json'), 'utf8')) as { name?: string; version?: string };
    return pkg.name === CEL_PACKAGE && made.version === pkg.version ? path.join(dir, 'index.js') : undefined;
  } catch {
    return undefined;
  }
}

/** What install() did so far in this process (for tests and the bench). */
export interface CompileCacheStats {
  /** Modules compiled here (under the root, CommonJS). */
  compiled: number;
  /** Of those, compiled from cached data that V8 accepted. */
  cached: number;
  /** Cached data that V8 rejected (another V8 version or flags). */
  rejected: number;
  /** Whether the CEL library was loaded from the vendored CommonJS copy. */
  celVendored: boolean;
  /** require() calls answered from the recorded resolutions. */
  resolved: number;
}

/**
 * Installs the code cache and the CEL redirect for the modules under `root` (the package root). With
 * VMAUDIT_COMPILE_CACHE_WRITE=FILE, writes the cache of every module compiled in this process to FILE at exit.
 */
export function install(root: string): CompileCacheStats {
  const stats: CompileCacheStats = { compiled: 0, cached: 0, rejected: 0, celVendored: false, resolved: 0 };
  if (process.env.VMAUDIT_NO_COMPILE_CACHE) return stats;
  const writeTo = process.env.VMAUDIT_COMPILE_CACHE_WRITE;
  const cache = writeTo ? undefined : readCache(path.join(root, CACHE_FILE));
  const produced = new Map<string, { content: string; script: vm.Script }>();
  const inRoot = root.endsWith(path.sep) ? root : root + path.sep;

  let cel: string | null | undefined; // undefined: not looked up yet; null: no usable copy
  const resolutions = cache?.resolutions && cache.tree === treeStamp(root) ? cache.resolutions : undefined;
  const recorded: Record<string, string> = {};
  const resolve = M._resolveFilename;
  // Relative to the root, '/'-separated; f is the root or below it (checked by the callers). A slice, not path.relative:
  // this runs for every require() of the start-up (~350).
  const rel = (f: string) => {
    const r = f.length < inRoot.length ? '' : f.slice(inRoot.length);
    return path.sep === '/' ? r : r.split(path.sep).join('/');
  };
  M._resolveFilename = function (this: unknown, request: string, parent: unknown, ...rest: unknown[]) {
    if (request === CEL_PACKAGE) {
      if (cel === undefined) cel = vendoredCel(root, parent, resolve) ?? null;
      if (cel) return (stats.celVendored = true), cel;
    }
    // Plain require() calls from modules of this package (not require.resolve with options, not the main module).
    const from = (parent as { filename?: unknown } | undefined)?.filename;
    const plain = typeof from === 'string' && from.startsWith(inRoot) && !rest[0] && rest[1] === undefined && !request.startsWith('node:');
    const key = plain ? `${rel(path.dirname(from))}\0${request}` : '';
    const known = plain && resolutions ? resolutions[key] : undefined;
    if (known !== undefined) {
      const file = path.join(root, known);
      if (fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return (stats.resolved++, file);
    }
    const file = resolve.call(this, request, parent, ...(rest as [boolean?, unknown?]));
    if (writeTo && plain && path.isAbsolute(file) && file.startsWith(inRoot)) recorded[key] = rel(file);
    return file;
  };

  const compile = M.prototype._compile;
  const dynamicImport = (vm.constants as unknown as { USE_MAIN_CONTEXT_DEFAULT_LOADER?: symbol } | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  M.prototype._compile = function (this: InternalModule, content: string, filename: string, format?: string) {
    if (format === 'module' || !filename.startsWith(inRoot) || content.startsWith('#!')) return compile.call(this, content, filename, format);
    const key = rel(filename);
    const cachedData = cachedDataFor(cache, key, content);
    let script: vm.Script;
    try {
      script = new vm.Script(M.wrap(content), {
        filename,
        ...(cachedData ? { cachedData } : {}),
        ...(dynamicImport ? { importModuleDynamically: dynamicImport as never } : {}),
      });
    } catch {
      // Not CommonJS after all (ES module syntax) or a syntax error: Node's own path reports it as usual.
      return compile.call(this, content, filename, format);
    }
    stats.compiled++;
    if (cachedData) {
      if (script.cachedDataRejected) stats.rejected++;
      else stats.cached++;
    }
    if (writeTo) produced.set(key, { content, script });
    const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return fn.call(this.exports, this.exports, makeRequire(this), this, filename, path.dirname(filename));
  };

  if (writeTo) {
    process.on('exit', () => {
      const items: Record<string, CacheItem> = {};
      for (const [key, p] of produced) items[key] = { source: p.content, data: p.script.createCachedData() };
      writeCache(writeTo, items, recorded, treeStamp(root));
    });
  }
  return stats;
}
