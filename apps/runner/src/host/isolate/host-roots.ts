/**
 * What an isolated plugin's process may read to run at all: the host's own packages (the runner,
 * core, ops-gpu, the built-in plugins) and the packages they depend on, found the way Node finds
 * them (node_modules folders upwards). Nothing else of the host's installation — and no folder
 * above a package — is readable to the plugin.
 *
 * The process cannot use module hooks (they need a worker thread, which it may not start), so
 * the host lends its packages through a staging folder of the plugin's own instead:
 * `node_modules/<name>` links to each host package, `host` links to the runner, and `plugin` to
 * the plugin. Started with `--preserve-symlinks`, a plugin's bare imports resolve from its link
 * upwards: its own node_modules first, then the host's packages.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_PACKAGES } from '../plugin-resolve.js';

function packageRootOf(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${file}`);
  }
}

/** Where `name` is found from `fromDir`: the real folder, and the link leading to it (resolution reads both). */
function findPackage(name: string, fromDir: string): { real: string; link: string } | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return { real: realpathSync(candidate), link: candidate };
    if (dirname(dir) === dir) return undefined;
  }
}

export interface HostPackages {
  /** The runner package's real folder. */
  readonly runner: string;
  /** Every host package by name → real folder (the first found, as Node would from the runner). */
  readonly packages: ReadonlyMap<string, string>;
  /** Every folder (real and link paths) the process must be allowed to read. */
  readonly readable: readonly string[];
}

let cached: HostPackages | undefined;

export function hostPackages(): HostPackages {
  if (cached) return cached;
  const runner = realpathSync(packageRootOf(fileURLToPath(import.meta.url)));
  const packages = new Map<string, string>();
  const readable = new Set<string>([runner]);
  const visit = (root: string) => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })) {
      if (packages.has(dep)) continue;
      const found = findPackage(dep, root);
      if (!found) continue;
      packages.set(dep, found.real);
      readable.add(found.real).add(found.link);
      visit(found.real);
    }
  };
  visit(runner);
  for (const name of HOST_PACKAGES) {
    const pkg = name.split('/').slice(0, 2).join('/');
    const found = packages.has(pkg) ? undefined : findPackage(pkg, runner);
    if (found) {
      packages.set(pkg, found.real);
      readable.add(found.real).add(found.link);
      visit(found.real);
    }
  }
  cached = { runner, packages, readable: [...readable].sort() };
  return cached;
}

/** A plugin's staging folder: what its process imports through, and may read. */
export interface Staged {
  /** The folder (removed with `remove`, and at the host's exit). */
  readonly dir: string;
  /** The path to import the plugin's entry by. */
  readonly entry: string;
  /** The plugin process's own entry, reached through the folder so it shares the plugin's copies of host packages. */
  readonly child: string;
  remove(): void;
}

/**
 * A staging folder of one plugin's own: the host packages linked by name, the runner as `host`,
 * and the plugin as `plugin` — a package folder whole, a loose module file alone (with the
 * node_modules folder beside it, if any). No plugin can read another's through it.
 */
export function stagePlugin(own: string, entry: string, isFile: boolean): Staged {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'stylegraph-m-')));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove);
  const { runner, packages } = hostPackages();
  for (const [name, real] of packages) {
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(real, join(dir, 'node_modules', name), 'dir');
  }
  symlinkSync(runner, join(dir, 'host'), 'dir');
  const plugin = join(dir, 'plugin');
  let staged: string;
  if (!isFile) {
    symlinkSync(own, plugin, 'dir');
    staged = join(plugin, entry.slice(own.length + 1));
  } else {
    mkdirSync(plugin);
    symlinkSync(own, join(plugin, basename(own)), 'file');
    const modules = join(dirname(own), 'node_modules');
    if (existsSync(modules)) symlinkSync(modules, join(plugin, 'node_modules'), 'dir');
    staged = join(plugin, basename(own));
  }
  return { dir, entry: staged, child: join(dir, 'host', 'dist', 'host', 'isolate', 'child.js'), remove };
}
