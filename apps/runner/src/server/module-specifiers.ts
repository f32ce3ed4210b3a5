/**
 * Plugin modules for the editor's page and its Workers: their bare `@stylegraph/*` imports are
 * rewritten to the URLs the built editor's import map gives them (import maps do not reach
 * module Workers, where isolated plugins run). Only import specifiers are touched, found by a
 * real ES module lexer; nothing else of the file changes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { init, parse } from 'es-module-lexer';

export type ImportMap = Readonly<Record<string, string>>;

/** The `imports` of the import map in the built editor's index.html; {} when there is none. */
export async function editorImportMap(editorDir: string | undefined): Promise<ImportMap> {
  if (!editorDir) return {};
  const html = await readFile(join(editorDir, 'index.html'), 'utf8').catch(() => '');
  const m = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html);
  if (!m) return {};
  try {
    const imports = (JSON.parse(m[1]!) as { imports?: Record<string, unknown> }).imports ?? {};
    return Object.fromEntries(Object.entries(imports).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].startsWith('/')));
  } catch {
    return {};
  }
}

/** `source` with each import of a name in `map` pointing at its URL instead. */
export async function rewriteSpecifiers(source: string, map: ImportMap): Promise<string> {
  if (Object.keys(map).length === 0) return source;
  await init;
  const [imports] = parse(source);
  let out = '';
  let at = 0;
  for (const imp of imports) {
    const url = imp.n !== undefined && Object.hasOwn(map, imp.n) ? map[imp.n]! : undefined;
    if (url === undefined) continue;
    // Static imports: s…e is the specifier inside its quotes; dynamic ones: the whole string literal.
    const dynamic = imp.d > -1;
    out += source.slice(at, imp.s) + (dynamic ? JSON.stringify(url) : url);
    at = imp.e;
  }
  return out + source.slice(at);
}
