/**
 * The worker thread that owns one isolated plugin process. It starts the process (again after
 * it was stopped), forwards messages both ways, and enforces the plugin's budgets: a call past
 * its time budget, or a process whose resident memory passes its memory budget, is killed and
 * every call in flight fails naming the budget. Living on its own thread, it also answers the
 * host's synchronous questions (migrations and shape inference, asked during validation) through
 * shared memory while the host's thread waits.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ChildMessage, ErrorWire, HostMessage } from '@stylegraph/core';

export interface BridgeData {
  readonly sab: SharedArrayBuffer;
  readonly plugin: string;
  readonly childFile: string;
  readonly execArgv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly exchangeDir: string;
  readonly entry: string;
  readonly maxMemoryMB: number;
}

/** Main thread → bridge. */
export type BridgeIn =
  | { readonly op: 'call'; readonly msg: HostMessage & { id: number }; readonly timeoutMs?: number; readonly sync?: boolean }
  | { readonly op: 'forward'; readonly msg: HostMessage }
  | { readonly op: 'start' }
  | { readonly op: 'stop' };

/** Bridge → main thread: a child's message, or a failure ending calls. */
export type BridgeOut = ChildMessage | { readonly op: 'loaded'; readonly plugin: unknown } | { readonly op: 'load-failed'; readonly error: ErrorWire };

const data = workerData as BridgeData;
const port = parentPort!;
const flag = new Int32Array(data.sab, 0, 2);
const payload = new Uint8Array(data.sab, 8);

let child: ChildProcess | undefined;
let ready: Promise<void> | undefined;
let stderrTail = '';
/** Why the process was stopped on purpose, if it was. */
let stopReason: ErrorWire | undefined;
const inFlight = new Map<number, { sync: boolean; timer?: NodeJS.Timeout }>();
let nextLoadId = -1;

function answerSync(result: { result?: unknown; error?: ErrorWire }): void {
  const bytes = new TextEncoder().encode(JSON.stringify(result));
  const fits = bytes.byteLength <= payload.byteLength;
  const body = fits ? bytes : new TextEncoder().encode(JSON.stringify({ error: { message: 'the answer is too large' } }));
  payload.set(body);
  Atomics.store(flag, 1, body.byteLength);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function finish(id: number, out: { result?: unknown; error?: ErrorWire }): void {
  const call = inFlight.get(id);
  if (!call) return;
  inFlight.delete(id);
  if (call.timer) clearTimeout(call.timer);
  if (call.sync) answerSync(out);
  else port.postMessage({ op: 'done', id, ...out } satisfies BridgeOut);
}

function failAll(error: ErrorWire): void {
  for (const id of [...inFlight.keys()]) finish(id, { error });
}

function stop(reason: ErrorWire): void {
  stopReason = reason;
  child?.kill('SIGKILL');
}

function residentMB(pid: number): number {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return (pages * 4096) / 2 ** 20;
  } catch {
    return 0;
  }
}

function start(): Promise<void> {
  stderrTail = '';
  stopReason = undefined;
  const c = fork(data.childFile, [data.exchangeDir], { execArgv: [...data.execArgv], env: { ...data.env }, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  child = c;
  c.stderr!.on('data', (d: Buffer) => {
    stderrTail = (stderrTail + d.toString('utf8')).slice(-8192);
  });
  const watch = setInterval(() => {
    const mb = c.pid ? residentMB(c.pid) : 0;
    if (mb > data.maxMemoryMB) {
      stop({ code: 'PLUGIN_BUDGET', capability: 'maxMemoryMB', message: `plugin ${data.plugin} went past its memory budget of ${data.maxMemoryMB} MB (stylegraph.capabilities.maxMemoryMB; it held ${Math.round(mb)} MB) and was stopped` });
    }
  }, 25);
  watch.unref();
  c.on('message', (m: ChildMessage) => {
    if (m.op === 'done') finish(m.id, m.error ? { error: m.error } : { result: m.result });
    else port.postMessage(m satisfies BridgeOut);
  });
  c.on('exit', (code, signal) => {
    clearInterval(watch);
    if (child === c) {
      child = undefined;
      ready = undefined;
    }
    const heap = /heap limit|Allocation failed|out of memory/i.test(stderrTail);
    const error: ErrorWire =
      stopReason ??
      (heap
        ? { code: 'PLUGIN_BUDGET', capability: 'maxMemoryMB', message: `plugin ${data.plugin} went past its memory budget of ${data.maxMemoryMB} MB (stylegraph.capabilities.maxMemoryMB) and was stopped` }
        : { code: 'PLUGIN_CRASHED', message: `plugin ${data.plugin}'s process ended (${signal ?? `exit code ${code}`})${stderrTail.trim() ? `: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}` : ''}` });
    failAll(error);
  });
  const id = nextLoadId--;
  return new Promise<void>((resolve, reject) => {
    inFlight.set(id, { sync: false });
    const onDone = (m: ChildMessage) => {
      if (m.op !== 'done' || m.id !== id) return;
      c.off('message', onDone);
      inFlight.delete(id);
      if (m.error) reject(Object.assign(new Error(m.error.message), { wire: m.error }));
      else {
        port.postMessage({ op: 'loaded', plugin: m.result } satisfies BridgeOut);
        resolve();
      }
    };
    c.on('message', onDone);
    c.once('exit', () => reject(Object.assign(new Error(`plugin ${data.plugin}'s process ended while loading`), { wire: { code: 'PLUGIN_CRASHED', message: `plugin ${data.plugin}'s process ended while loading: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}` } })));
    c.send({ op: 'load', id, entry: data.entry } satisfies HostMessage);
  });
}

port.on('message', (m: BridgeIn) => {
  if (m.op === 'stop') {
    child?.kill('SIGKILL');
    port.close();
    return;
  }
  if (m.op === 'start') {
    ready ??= start();
    ready.catch((e: Error & { wire?: ErrorWire }) => {
      ready = undefined;
      port.postMessage({ op: 'load-failed', error: e.wire ?? { message: e.message } } satisfies BridgeOut);
    });
    return;
  }
  if (m.op === 'forward') {
    child?.send(m.msg);
    return;
  }
  const { msg } = m;
  inFlight.set(msg.id, { sync: m.sync === true });
  if (m.timeoutMs !== undefined) {
    const seconds = m.timeoutMs / 1000;
    inFlight.get(msg.id)!.timer = setTimeout(() => {
      stop({ code: 'PLUGIN_BUDGET', capability: 'timeoutS', message: `plugin ${data.plugin} ran past its time budget of ${seconds} s (stylegraph.capabilities.timeoutS) and was stopped` });
    }, m.timeoutMs);
  }
  ready ??= start();
  ready.then(
    () => child?.send(msg),
    (e: Error & { wire?: ErrorWire }) => {
      ready = undefined;
      finish(msg.id, { error: e.wire ?? { message: e.message } });
    },
  );
});
