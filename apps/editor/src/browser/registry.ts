/** The node types that can run in the browser: the built-in plugins (their code is browser-safe). */
import { Registry } from '@stylegraph/core';
import { stdPlugin } from '@stylegraph/plugin-std';
import { styleganPlugin } from '@stylegraph/plugin-stylegan';
import { ioPlugin } from '@stylegraph/plugin-io';
import { facesPlugin } from '@stylegraph/plugin-faces';

export const browserRegistry = new Registry([stdPlugin, styleganPlugin, ioPlugin, facesPlugin]);

/** Why a graph cannot run in the browser, or undefined when every node type can. */
export function browserUnsupported(types: Iterable<string>): string | undefined {
  const missing = [...new Set(types)].filter((t) => !browserRegistry.node(t));
  return missing.length ? `node types not available in the browser: ${missing.join(', ')}` : undefined;
}
