/**
 * Who may talk to the server. Bound to loopback, anyone on this machine may (but only under a
 * loopback Host name, which stops DNS-rebinding pages); bound elsewhere, every request needs
 * the token: as `Authorization: Bearer <token>`, or the cookie the server sets when the printed
 * URL (`/?token=…`) is opened. Cross-origin writes are refused either way.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'stylegraph_token';

export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** The host name of a Host header (`[::1]:8080` → `[::1]`, `localhost:80` → `localhost`). */
export const hostName = (header: string) => (header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.replace(/:\d+$/, ''));

export function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/** Why a request is refused (status and message), or undefined when it may proceed. */
export function refusal(req: IncomingMessage, opts: { token?: string; loopbackOnly: boolean }): { status: number; message: string } | undefined {
  const host = req.headers.host;
  if (!host) return { status: 400, message: 'a Host header is required' };
  if (opts.loopbackOnly && !isLoopback(hostName(host))) return { status: 403, message: `host ${hostName(host)} is not a loopback name; open the server as localhost or 127.0.0.1` };
  const origin = req.headers.origin;
  if (origin !== undefined && req.method !== 'GET' && req.method !== 'HEAD') {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (originHost !== host) return { status: 403, message: `cross-origin request from ${origin} refused` };
  }
  if (opts.token !== undefined && !sameToken(bearer(req), opts.token) && !sameToken(cookie(req, TOKEN_COOKIE), opts.token)) {
    return { status: 401, message: 'a token is required: open the URL that `stylegraph serve` printed, or send Authorization: Bearer <token>' };
  }
  return undefined;
}
