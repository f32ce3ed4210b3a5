/**
 * The server's request checks (auth.ts) one by one, on plain request objects: loopback names,
 * Host header parsing, token comparison, cookies and bearer headers, cross-site requests, and
 * the order of refusals (400 → 403 host → 403 cross-site → 401 token).
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { TOKEN_COOKIE, bearer, cookie, crossSite, hostName, isLoopback, refusal, sameToken } from './auth.js';

const req = (headers: Record<string, string | undefined>, method = 'GET') => ({ method, headers }) as unknown as IncomingMessage;
const TOKEN = 'tok-0123456789abcdef';

describe('loopback names and Host headers', () => {
  it.each(['localhost', '::1', '[::1]', '127.0.0.1', '127.1.2.3', '127.255.255.255', '127.00.0.1'])('%s is loopback', (h) => {
    expect(isLoopback(h)).toBe(true);
  });

  it.each(['', 'localhost.evil.example', 'evil.localhost', '0.0.0.0', '::', '[::]', '128.0.0.1', '127.0.0', '127.0.0.1.evil.example', 'x127.0.0.1', '127.0.0.1x', '127.a.0.1', '::1x', 'LOCALHOST'])(
    '%s is not loopback',
    (h) => {
      expect(isLoopback(h)).toBe(false);
    },
  );

  it.each([
    ['localhost:5178', 'localhost'],
    ['localhost', 'localhost'],
    ['127.0.0.1:80', '127.0.0.1'],
    ['[::1]:8080', '[::1]'],
    ['[::1]', '[::1]'],
    ['evil.example:1:2', 'evil.example:1'],
    ['evil.example:', 'evil.example:'],
    ['a[::1]:80', 'a[::1]'],
  ])('the host name of %s is %s', (header, name) => {
    expect(hostName(header)).toBe(name);
  });
});

describe('tokens, cookies and bearer headers', () => {
  it('compares tokens exactly', () => {
    expect(sameToken(TOKEN, TOKEN)).toBe(true);
    expect(sameToken(undefined, TOKEN)).toBe(false);
    expect(sameToken('', TOKEN)).toBe(false);
    expect(sameToken(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(sameToken(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(sameToken(TOKEN.replace(/.$/, 'g'), TOKEN)).toBe(false);
    // Equal byte lengths (é is two bytes), different bytes.
    expect(sameToken('é', 'ab')).toBe(false);
  });

  it('reads a cookie by name among others, decoding it', () => {
    expect(cookie(req({ cookie: `a=1; ${TOKEN_COOKIE}=x%3Dy; b=2` }), TOKEN_COOKIE)).toBe('x=y');
    expect(cookie(req({ cookie: `${TOKEN_COOKIE}=a=b=c` }), TOKEN_COOKIE)).toBe('a=b=c');
    expect(cookie(req({ cookie: `  ${TOKEN_COOKIE}=v  ` }), TOKEN_COOKIE)).toBe('v');
    expect(cookie(req({ cookie: `x${TOKEN_COOKIE}=v` }), TOKEN_COOKIE)).toBeUndefined();
    expect(cookie(req({ cookie: 'a=1' }), TOKEN_COOKIE)).toBeUndefined();
    expect(cookie(req({}), TOKEN_COOKIE)).toBeUndefined();
    expect(cookie(req({ cookie: '' }), '')).toBe('');
    expect(TOKEN_COOKIE).toBe('stylegraph_token');
  });

  // KNOWN DEFECT (reported, not fixed here): decodeURIComponent throws on a malformed cookie
  // value, and refusal() runs in the server's request listener, so `Cookie: stylegraph_token=%`
  // is an uncaught exception there (the request hangs; a plain Node process exits). Fix: treat
  // an undecodable cookie as absent. Then turn this into a plain `it`.
  it.fails('treats an undecodable cookie as no cookie', () => {
    expect(cookie(req({ cookie: `${TOKEN_COOKIE}=%` }), TOKEN_COOKIE)).toBeUndefined();
  });

  it('reads a bearer token, case-insensitively, as one word', () => {
    expect(bearer(req({ authorization: `Bearer ${TOKEN}` }))).toBe(TOKEN);
    expect(bearer(req({ authorization: `bearer   ${TOKEN}` }))).toBe(TOKEN);
    expect(bearer(req({ authorization: `Bearer\t${TOKEN}` }))).toBe(TOKEN);
    expect(bearer(req({ authorization: `Bearer ${TOKEN} extra` }))).toBeUndefined();
    expect(bearer(req({ authorization: `Bearer ${TOKEN} ` }))).toBeUndefined();
    expect(bearer(req({ authorization: `XBearer ${TOKEN}` }))).toBeUndefined();
    expect(bearer(req({ authorization: `Basic ${TOKEN}` }))).toBeUndefined();
    expect(bearer(req({ authorization: `Bearer${TOKEN}` }))).toBeUndefined();
    expect(bearer(req({ authorization: 'Bearer ' }))).toBeUndefined();
    expect(bearer(req({}))).toBeUndefined();
  });
});

describe('crossSite', () => {
  const nav = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };

  it('lets same-origin, user-initiated and unmarked requests through', () => {
    expect(crossSite(req({ host: 'h:1', 'sec-fetch-site': 'same-origin' }), '/trpc/x')).toBeUndefined();
    expect(crossSite(req({ host: 'h:1', 'sec-fetch-site': 'none' }), '/trpc/x')).toBeUndefined();
    expect(crossSite(req({ host: 'h:1' }), '/trpc/x')).toBeUndefined();
    expect(crossSite(req({ host: 'h:1', origin: 'http://h:1' }, 'POST'), '/trpc/x')).toBeUndefined();
  });

  it('refuses other sites, naming the site and origin', () => {
    expect(crossSite(req({ host: 'h:1', 'sec-fetch-site': 'cross-site', origin: 'http://evil.example' }), '/trpc/x')).toBe('cross-site request from http://evil.example refused');
    expect(crossSite(req({ host: 'h:1', 'sec-fetch-site': 'same-site' }), '/trpc/x')).toBe('same-site request refused');
    expect(crossSite(req({ host: 'h:1', origin: 'http://h:2' }, 'POST'), '/trpc/x')).toBe('cross-origin request from http://h:2 refused');
    expect(crossSite(req({ host: 'h:1', origin: 'http://h:2' }), '/')).toBe('cross-origin request from http://h:2 refused');
    expect(crossSite(req({ host: 'h:1', origin: 'null' }, 'POST'), '/trpc/x')).toBe('cross-origin request from null refused');
    expect(crossSite(req({ host: 'h:1', origin: 'not a url' }), '/trpc/x')).toBe('cross-origin request from not a url refused');
  });

  it('lets a top-level GET navigation to an editor page through, and nothing like it', () => {
    expect(crossSite(req({ host: 'h:1', 'sec-fetch-site': 'cross-site', origin: 'http://evil.example', ...nav }), '/')).toBeUndefined();
    expect(crossSite(req({ host: 'h:1', 'sec-fetch-site': 'cross-site', ...nav }), '/graphs/a')).toBeUndefined();
    // Not the API, not another method, not another mode or destination.
    expect(crossSite(req({ host: 'h:1', 'sec-fetch-site': 'cross-site', ...nav }), '/trpc/files.list')).toBe('cross-site request refused');
    expect(crossSite(req({ host: 'h:1', 'sec-fetch-site': 'cross-site', ...nav }, 'POST'), '/')).toBe('cross-site request refused');
    expect(crossSite(req({ host: 'h:1', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'document' }), '/')).toBe('cross-site request refused');
    expect(crossSite(req({ host: 'h:1', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' }), '/')).toBe('cross-site request refused');
    expect(crossSite(req({ host: 'h:1', origin: 'http://evil.example', ...nav }, 'POST'), '/')).toBe('cross-origin request from http://evil.example refused');
  });
});

describe('refusal', () => {
  const open = { loopbackOnly: true };
  const guarded = { loopbackOnly: false, token: TOKEN };

  it('needs a Host header', () => {
    expect(refusal(req({}), '/', open)).toEqual({ status: 400, message: 'a Host header is required' });
    expect(refusal(req({ host: '' }), '/', guarded)).toEqual({ status: 400, message: 'a Host header is required' });
  });

  it('answers only loopback Host names when bound to loopback', () => {
    expect(refusal(req({ host: 'evil.example:5178' }), '/', open)).toEqual({ status: 403, message: 'host evil.example is not a loopback name; open the server as localhost or 127.0.0.1' });
    expect(refusal(req({ host: 'localhost:5178' }), '/', open)).toBeUndefined();
    expect(refusal(req({ host: '[::1]:5178' }), '/', open)).toBeUndefined();
    // Bound elsewhere, any Host name (the token decides).
    expect(refusal(req({ host: 'evil.example:5178', authorization: `Bearer ${TOKEN}` }), '/', guarded)).toBeUndefined();
  });

  it('refuses cross-site requests before asking for the token', () => {
    expect(refusal(req({ host: 'h:1', 'sec-fetch-site': 'cross-site' }), '/trpc/x', guarded)).toEqual({ status: 403, message: 'cross-site request refused: the stylegraph server answers only its own editor' });
    expect(refusal(req({ host: 'h:1', 'sec-fetch-site': 'cross-site', authorization: `Bearer ${TOKEN}` }), '/trpc/x', guarded)!.status).toBe(403);
  });

  it('wants the token as a bearer header or the cookie, when there is one', () => {
    const needed = { status: 401, message: 'a token is required: open the URL that `stylegraph serve` printed, or send Authorization: Bearer <token>' };
    expect(refusal(req({ host: 'h:1' }), '/', guarded)).toEqual(needed);
    expect(refusal(req({ host: 'h:1', authorization: 'Bearer wrong' }), '/', guarded)).toEqual(needed);
    expect(refusal(req({ host: 'h:1', cookie: `${TOKEN_COOKIE}=wrong` }), '/', guarded)).toEqual(needed);
    expect(refusal(req({ host: 'h:1', authorization: `Bearer ${TOKEN}` }), '/', guarded)).toBeUndefined();
    expect(refusal(req({ host: 'h:1', cookie: `${TOKEN_COOKIE}=${TOKEN}` }), '/', guarded)).toBeUndefined();
    // Either one right is enough.
    expect(refusal(req({ host: 'h:1', authorization: 'Bearer wrong', cookie: `${TOKEN_COOKIE}=${TOKEN}` }), '/', guarded)).toBeUndefined();
    expect(refusal(req({ host: 'h:1', authorization: `Bearer ${TOKEN}`, cookie: `${TOKEN_COOKIE}=wrong` }), '/', guarded)).toBeUndefined();
    // The token in another cookie does not count.
    expect(refusal(req({ host: 'h:1', cookie: `other=${TOKEN}` }), '/', guarded)).toEqual(needed);
    // On loopback with a token given, both checks apply.
    expect(refusal(req({ host: 'localhost:1' }), '/', { loopbackOnly: true, token: TOKEN })).toEqual(needed);
    expect(refusal(req({ host: 'localhost:1', authorization: `Bearer ${TOKEN}` }), '/', { loopbackOnly: true, token: TOKEN })).toBeUndefined();
  });
});
