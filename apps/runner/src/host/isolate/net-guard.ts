/**
 * Denies networking inside an isolated plugin's process. Node's permission model does not cover
 * sockets, so before the plugin's code loads this replaces every way out that JavaScript has —
 * TCP/IPC sockets and servers, UDP, DNS, TLS, HTTP(S), fetch and WebSocket — with a function that
 * throws ERR_ACCESS_DENIED (permission "Net"), and seals them so plugin code cannot put the
 * originals back. It also removes `process.binding` and friends, the doors to Node's internals.
 * A seat belt, not a jail: see docs/plugins.md.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import dgram from 'node:dgram';
import tls from 'node:tls';

const require = createRequire(import.meta.url);

export function denied(what: string): Error {
  return Object.assign(new Error(`network access (${what}) is not among this plugin's capabilities`), { code: 'ERR_ACCESS_DENIED', permission: 'Net', resource: what });
}

function seal(target: object, key: string, what: string): void {
  // Sealed already (one module reached two ways).
  if (Object.getOwnPropertyDescriptor(target, key)?.configurable === false) return;
  Object.defineProperty(target, key, {
    value: () => {
      throw denied(what);
    },
    writable: false,
    configurable: false,
    enumerable: false,
  });
}

export function installNetGuard(): void {
  seal(net.Socket.prototype, 'connect', 'net.Socket.connect');
  seal(net.Server.prototype, 'listen', 'net.Server.listen');
  for (const k of ['connect', 'createConnection', 'createServer']) seal(net, k, `net.${k}`);
  seal(dgram, 'createSocket', 'dgram.createSocket');
  seal(dgram.Socket.prototype, 'bind', 'dgram.Socket.bind');
  seal(dgram.Socket.prototype, 'send', 'dgram.Socket.send');
  for (const k of ['connect', 'createServer']) seal(tls, k, `tls.${k}`);
  for (const mod of ['node:http', 'node:https', 'node:http2']) {
    const m = require(mod) as Record<string, unknown>;
    for (const k of ['request', 'get', 'createServer', 'connect', 'createSecureServer']) if (k in m) seal(m, k, `${mod.slice(5)}.${k}`);
  }
  // DNS carries data both ways: every query function of both modules, and of their Resolver classes.
  const dns = require('node:dns') as Record<string, unknown> & { Resolver: { prototype: object }; promises: Record<string, unknown> & { Resolver: { prototype: object } } };
  const dnsp = require('node:dns/promises') as Record<string, unknown> & { Resolver: { prototype: object } };
  const queries = (o: object) => Object.getOwnPropertyNames(o).filter((k) => k !== 'constructor' && /^(lookup|resolve|reverse)/.test(k) && typeof (o as Record<string, unknown>)[k] === 'function');
  for (const [where, o] of [['dns', dns], ['dns.promises', dnsp], ['dns.promises', dns.promises], ['dns.Resolver', dns.Resolver.prototype], ['dns.promises.Resolver', dnsp.Resolver.prototype]] as const) {
    for (const k of queries(o)) seal(o, k, `${where}.${k}`);
  }
  for (const k of ['fetch', 'WebSocket', 'EventSource']) if (k in globalThis) seal(globalThis, k, k);
  for (const k of ['binding', '_linkedBinding', 'dlopen']) {
    Object.defineProperty(process, k, {
      value: () => {
        throw Object.assign(new Error(`process.${k} is not available to plugins`), { code: 'ERR_ACCESS_DENIED', permission: 'Internals', resource: `process.${k}` });
      },
      writable: false,
      configurable: false,
    });
  }
  // `import { connect } from 'node:net'` reads the patched functions too.
  syncBuiltinESMExports();
}
