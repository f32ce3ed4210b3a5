/**
 * Who may talk to the server. Bound to loopback, anyone on this machine may (but only under a
 * loopback Host name, which stops DNS-rebinding pages); bound elsewhere, every request needs
 * the token: as `Authorization: Bearer <token>`, or the cookie the server sets when the printed
 * URL (`/?token=…`) is opened. Requests a browser sends for another site are refused either way,
 * GET included (see `crossSite`).
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

/**
 * Whether a browser sent this request on behalf of another site. Browsers mark every request
 * with `Sec-Fetch-Site` (same-origin, same-site, cross-site, or none for one the user typed
 * or bookmarked) and cross-origin ones with `Origin`. Another port of localhost is
 * "same-site" but not the same origin, so only same-origin and user-initiated requests pass.
 * A top-level navigation to an editor page (not the API) is let through: it reads nothing
 * and changes nothing, and following a link to the editor should work.
 */
export function crossSite(req: IncomingMessage, pathname: string): string | undefined {
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  const navigation = req.method === 'GET' && req.headers['sec-fetch-mode'] === 'navigate' && req.headers['sec-fetch-dest'] === 'document' && !pathname.startsWith('/trpc/');
  if (site !== undefined && site !== 'same-origin' && site !== 'none' && !navigation) return `${site} request${origin ? ` from ${origin}` : ''} refused`;
  if (origin !== undefined && !navigation) {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (originHost === undefined || originHost !== req.headers.host) return `cross-origin request from ${origin} refused`;
  }
  return undefined;
}

/** Why a request is refused (status and message), or undefined when it may proceed. */
export function refusal(req: IncomingMessage, pathname: string, opts: { token?: string; loopbackOnly: boolean }): { status: number; message: string } | undefined {
  const host = req.headers.host;
  if (!host) return { status: 400, message: 'a Host header is required' };
  if (opts.loopbackOnly && !isLoopback(hostName(host))) return { status: 403, message: `host ${hostName(host)} is not a loopback name; open the server as localhost or 127.0.0.1` };
  const site = crossSite(req, pathname);
  if (site) return { status: 403, message: `${site}: the stylegraph server answers only its own editor` };
  if (opts.token !== undefined && !sameToken(bearer(req), opts.token) && !sameToken(cookie(req, TOKEN_COOKIE), opts.token)) {
    return { status: 401, message: 'a token is required: open the URL that `stylegraph serve` printed, or send Authorization: Bearer <token>' };
  }
  return undefined;
}
