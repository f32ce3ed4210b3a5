/**
 * npm package names, the only way a graph may name a plugin. A graph is data: its `plugins`
 * map never holds a path or URL a host could be made to import; modules outside the installed
 * packages are loaded only when the person running the host names them (`--plugin`).
 */

/** `name` or `@scope/name`: lower-case letters, digits and `-._~`, at most 214 characters (npm's rules). */
const PACKAGE_NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;

export function isPackageName(name: string): boolean {
  return name.length <= 214 && PACKAGE_NAME.test(name) && !name.startsWith('.') && !name.includes('/.');
}
