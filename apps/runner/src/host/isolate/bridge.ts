/**
 * The worker thread that owns one isolated plugin process. It starts the process (again after
 * it was stopped), forwards messages both ways, and enforces the plugin's budgets: loading or a
 * call past its time budget, or a process whose resident memory passes its memory budget, gets
 * the process killed, and every call in flight fails naming the budget. Living on its own thread,
 * it also answers the host's synchronous questions (migrations and shape inference, asked during
 * validation) through shared memory while the host's thread waits.
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
  /** The time budget of loading the plugin, in seconds. */
  readonly timeoutS: number;
}

/** Main thread → bridge. A call's `budget` says what its time limit is, for the message when it passes it. */
export type BridgeIn =
  | { readonly op: 'call'; readonly msg: HostMessage & { id: number }; readonly timeoutMs?: number; readonly sync?: boolean; readonly budget?: string }
  | { readonly op: 'forward'; readonly call: number; readonly msg: HostMessage }
  | { readonly op: 'start' }
  | { readonly op: 'stop' };

/** Bridge → main thread: a child's message, the plugin's description, or why it did not load. */
export type BridgeOut = ChildMessage | { readonly op: 'loaded'; readonly plugin: unknown } | { readonly op: 'load-failed'; readonly error: ErrorWire };

const data = workerData as BridgeData;
const port = parentPort!;
/** [0]: 1 when an answer is there; [1]: its length; [2]: the id of the call it answers. */
const flag = new Int32Array(data.sab, 0, 3);
const payload = new Uint8Array(data.sab, 12);

let child: ChildProcess | undefined;
let ready: Promise<void> | undefined;
let stderrTail = '';
/** Why the process was stopped on purpose, if it was. */
let stopReason: ErrorWire | undefined;
const inFlight = new Map<number, { sync: boolean; timer?: NodeJS.Timeout }>();
let nextLoadId = -1;

const lastLines = () => stderrTail.trim().split('\n').slice(-3).join(' | ');

function answerSync(id: number, result: { result?: unknown; error?: ErrorWire }): void {
  const bytes = new TextEncoder().encode(JSON.stringify(result));
  const body = bytes.byteLength <= payload.byteLength ? bytes : new TextEncoder().encode(JSON.stringify({ error: { message: 'the answer is too large' } }));
  payload.set(body);
  Atomics.store(flag, 1, body.byteLength);
  Atomics.store(flag, 2, id);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function finish(id: number, out: { result?: unknown; error?: ErrorWire }): void {
  const call = inFlight.get(id);
  if (!call) return;
  inFlight.delete(id);
  if (call.timer) clearTimeout(call.timer);
  if (call.sync) answerSync(id, out);
  else port.postMessage({ op: 'done', id, ...out } satisfies BridgeOut);
}

function failAll(error: ErrorWire): void {
  for (const id of [...inFlight.keys()]) finish(id, { error });
}

function stop(reason: ErrorWire): void {
  stopReason = reason;
  if (child) child.kill('SIGKILL');
  else failAll(reason);
}

function send(m: HostMessage): void {
  if (child?.connected) child.send(m);
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
  // A failed start or a send on a closed channel: the exit that follows (or this) ends the calls.
  c.on('error', (e) => {
    if (!stopReason) stopReason = { code: 'PLUGIN_CRASHED', message: `plugin ${data.plugin}'s process failed: ${e.message}` };
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
    else if (inFlight.has(m.id)) port.postMessage(m satisfies BridgeOut);
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
        : { code: 'PLUGIN_CRASHED', message: `plugin ${data.plugin}'s process ended (${signal ?? `exit code ${code}`})${stderrTail.trim() ? `: ${lastLines()}` : ''}` });
    failAll(error);
  });
  const id = nextLoadId--;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => stop({ code: 'PLUGIN_BUDGET', capability: 'timeoutS', message: `plugin ${data.plugin} did not finish loading within its time budget of ${data.timeoutS} s (stylegraph.capabilities.timeoutS) and was stopped` }), data.timeoutS * 1000);
    inFlight.set(id, { sync: false, timer });
    const onDone = (m: ChildMessage) => {
      if (m.op !== 'done' || m.id !== id) return;
      c.off('message', onDone);
      clearTimeout(timer);
      inFlight.delete(id);
      if (m.error) reject(Object.assign(new Error(m.error.message), { wire: m.error }));
      else {
        port.postMessage({ op: 'loaded', plugin: m.result } satisfies BridgeOut);
        resolve();
      }
    };
    c.on('message', onDone);
    c.once('exit', () => {
      clearTimeout(timer);
      reject(Object.assign(new Error('ended while loading'), { wire: stopReason ?? { code: 'PLUGIN_CRASHED', message: `its process ended while loading${stderrTail.trim() ? `: ${lastLines()}` : ''}` } }));
    });
    send({ op: 'load', id, entry: data.entry });
  });
}

port.on('message', (m: BridgeIn) => {
  if (m.op === 'stop') {
    stopReason = { code: 'PLUGIN_STOPPED', message: `plugin ${data.plugin} was stopped` };
    child?.kill('SIGKILL');
    failAll(stopReason);
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
    // Only for a call still in flight in the current process: a late reply never reaches a newer one.
    if (inFlight.has(m.call)) send(m.msg);
    return;
  }
  const { msg } = m;
  inFlight.set(msg.id, { sync: m.sync === true });
  if (m.timeoutMs !== undefined) {
    const seconds = m.timeoutMs / 1000;
    inFlight.get(msg.id)!.timer = setTimeout(() => {
      stop({ code: 'PLUGIN_BUDGET', capability: 'timeoutS', message: m.budget ?? `plugin ${data.plugin} ran past its time budget of ${seconds} s (stylegraph.capabilities.timeoutS) and was stopped` });
    }, m.timeoutMs);
  }
  ready ??= start();
  ready.then(
    () => send(msg),
    (e: Error & { wire?: ErrorWire }) => {
      ready = undefined;
      finish(msg.id, { error: e.wire ?? { message: e.message } });
    },
  );
});
