/**
 * The `stylegraph` command line. Exit codes: 0 success; 1 a node or an assertion failed;
 * 2 invalid graph or usage.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { UsageError } from './graph-file.js';
import { PluginLoadError, closeIsolatedPlugins } from './host/plugins.js';
import { ManifestError } from './host/plugin-manifest.js';
import { pluginsCommand } from './commands/plugins.js';
import { lockCommand } from './commands/lock.js';
import { pluginNewCommand } from './commands/plugin-new.js';
import { describeErrno, isErrno } from './host/errno.js';
import { checkCommand } from './commands/check.js';
import { nodesCommand } from './commands/nodes.js';
import { runCommand } from './commands/run.js';
import { modelImportCommand } from './commands/model-import.js';
import { serveCommand } from './commands/serve.js';
import { batchCancelCommand, batchPlanCommand, batchResultsCommand, batchRunCommand, batchStatusCommand } from './commands/batch.js';
import { workerCommand } from './commands/worker.js';
import { BACKENDS } from './host/backend-names.js';
import { parseByteSize } from './host/memory-budget.js';

import { VERSION } from './version.js';

export { VERSION };
export { BACKENDS };

const collect = (value: string, previous: string[]) => [...previous, value];
const count = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must be a whole number ≥ 1`);
  return n;
};
const byteSize = (v: string) => {
  try {
    return parseByteSize(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

export interface CliIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly isTTY: boolean;
  readonly signal?: AbortSignal;
  /** Writes without a newline (progress lines on a terminal). */
  readonly write?: (s: string) => void;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let code = 0;
  const program = new Command()
    .name('stylegraph')
    .description('Check and run stylegraph graphs (StyleGAN operations as typed plugin nodes).')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run stylegraph --help for usage)')
    .option('--debug', 'print the stack trace of an unexpected error');
  const debug = () => program.opts<{ debug?: boolean }>().debug === true;

  program
    .command('check')
    .description('validate a graph; print every diagnostic; exit 2 on any error')
    .argument('<graph>', 'graph file (*.graph.json)')
    .option('--set <node.param=value>', 'override a param (repeatable)', collect, [])
    .option('--plugin <module>', 'load an extra plugin module (repeatable)', collect, [])
    .option('--json', 'print diagnostics as JSON')
    .option('--trust <name>', 'run this third-party plugin (package name or --plugin path) inside stylegraph\'s process, with full access, instead of isolated (repeatable)', collect, [])
    .action(async (graph: string, o: { set: string[]; plugin: string[]; trust: string[]; json?: boolean }) => {
      code = await checkCommand(graph, o, io);
    });

  program
    .command('run')
    .description('validate and run a graph')
    .argument('<graph>', 'graph file (*.graph.json), or a PNG written by io/SaveImage')
    .option('--out <dir>', 'output folder (default: out/<graph name>)')
    .option('--root <dir>', 'folder that paths in the graph are relative to (default: the graph file’s folder; for a PNG, the current folder)')
    .option('--set <node.param=value>', 'override a param (repeatable)', collect, [])
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKENDS).default('auto'))
    .option('--plugin <module>', 'load an extra plugin module (repeatable)', collect, [])
    .option('--json', 'print a machine-readable run report on stdout')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--max-memory <size>', 'refuse a run whose planned tensors exceed this (bytes, or 512M, 4G, 1.5GiB …; none = no limit; default: 40% of the available memory)', byteSize)
    .option('--cache <dir>', 'keep node outputs in this folder and reuse them in later runs (only nodes whose inputs changed run)')
    .option('--cache-max <size>', 'bound the --cache folder, removing least recently used outputs (512M, 2G …; none = no limit; default: 2G)', byteSize)
    .option('--trust <name>', 'run this third-party plugin (package name or --plugin path) inside stylegraph\'s process, with full access, instead of isolated (repeatable)', collect, [])
    .option('--frozen', 'refuse to run unless every plugin matches the version and integrity the graph locks (stylegraph lock)')
    .action(async (graph: string, o: { out?: string; root?: string; set: string[]; plugin: string[]; trust: string[]; frozen?: boolean; backend: string; json?: boolean; junit?: string; maxMemory?: number; cache?: string; cacheMax?: number }) => {
      if (o.cacheMax !== undefined && o.cache === undefined) throw new UsageError('--cache-max needs --cache <dir>');
      code = await runCommand(graph, { ...o, progress: io.isTTY && !o.json }, io);
    });

  program
    .command('nodes')
    .description('list node types with their ports and param JSON Schemas')
    .option('--json', 'print as JSON')
    .option('--plugin <module>', 'load an extra plugin module (repeatable)', collect, [])
    .option('--trust <name>', 'run this third-party plugin (package name or --plugin path) inside stylegraph\'s process, with full access, instead of isolated (repeatable)', collect, [])
    .action(async (o: { json?: boolean; plugin: string[]; trust: string[] }) => {
      code = await nodesCommand(o, io);
    });

  program
    .command('serve')
    .description('serve the editor and its API for a workspace folder (until interrupted)')
    .option('--port <n>', 'port (0: any free one)', '5178')
    .option('--host <address>', 'address to bind; anything but loopback requires a token', '127.0.0.1')
    .option('--workspace <dir>', 'folder whose graphs the editor may open and save (default: the current folder)')
    .option('--token <token>', 'token clients must present (default: random when not on loopback)')
    .addOption(new Option('--queue <url>', 'let the editor submit batch jobs to this Redis (redis://host:6379), run by stylegraph worker; or set STYLEGRAPH_QUEUE, which keeps a password out of the process list').env('STYLEGRAPH_QUEUE'))
    .option('--plugin <module>', 'load an extra plugin module (repeatable)', collect, [])
    .option('--trust <name>', 'run this third-party plugin (package name or --plugin path) inside stylegraph\'s process, with full access, instead of isolated (repeatable)', collect, [])
    .action(async (o: { port: string; host: string; workspace?: string; token?: string; queue?: string; plugin: string[]; trust: string[] }) => {
      code = await serveCommand({ ...o, debug: debug() }, io);
    });

  program
    .command('plugins')
    .description('list the plugins installed in a folder (node_modules) with their version, namespace, capabilities and trust')
    .option('--dir <dir>', 'folder whose node_modules to look in (default: the current folder)')
    .option('--json', 'print as JSON')
    .action(async (o: { dir?: string; json?: boolean }) => {
      code = await pluginsCommand(o, io);
    });

  program
    .command('lock')
    .description("record in a graph file the version and integrity hash of every plugin it uses (run --frozen then refuses any change)")
    .argument('<graph>', 'graph file (*.graph.json)')
    .option('--plugin <module>', 'load an extra plugin module (repeatable)', collect, [])
    .option('--trust <name>', 'load this third-party plugin in-process instead of isolated (repeatable)', collect, [])
    .action(async (graph: string, o: { plugin: string[]; trust: string[] }) => {
      code = await lockCommand(graph, o, io);
    });

  program
    .command('plugin')
    .description('make plugins')
    .command('new')
    .description('write a ready plugin package: TypeScript, an example node, tests, a README and a CI workflow')
    .argument('<name>', 'short name (sepia) or package name (stylegraph-plugin-sepia, @scope/stylegraph-plugin-sepia)')
    .option('--dir <dir>', 'folder to write (default: ./stylegraph-plugin-<name>)')
    .option('--onnx', 'a data-only plugin: an ONNX operator and its manifest, no code')
    .option('--force', 'replace an existing folder that is not empty')
    .action(async (name: string, o: { dir?: string; onnx?: boolean; force?: boolean }) => {
      code = await pluginNewCommand(name, o, io);
    });

  const batch = program.command('batch').description('run a graph over many machines: shards of its items on a BullMQ queue (Redis), run by stylegraph worker');
  const shardOptions = (c: Command) =>
    c
      .argument('<graph>', 'graph file (*.graph.json)')
      .option('--shard <node.param>', 'the param that holds the items (a seed list or a list); default: the graph\'s "batch".shard')
      .option('--size <n>', 'items per shard (default: the graph\'s "batch".size, else 256)', count('--size'))
      .option('--set <node.param=value>', 'override a param (repeatable)', collect, [])
      .option('--out <dir>', 'output folder, shared by every worker (default: out/<graph name>)')
      .addOption(new Option('--backend <name>', 'compute backend the workers use').choices(BACKENDS).default('auto'))
      .option('--trust <name>', 'run this third-party plugin in-process (repeatable)', collect, []);
  shardOptions(batch.command('plan').description('print the shards a batch job would have'))
    .option('--json', 'print as JSON')
    .action(async (graph: string, o: { shard?: string; size?: number; set: string[]; out?: string; backend: string; trust: string[]; json?: boolean }) => {
      code = await batchPlanCommand(graph, o, io);
    });
  shardOptions(batch.command('run').description('queue a graph\'s shards and follow them until every one is done (the same job again does no work twice)'))
    .addOption(new Option('--queue <url>', 'the Redis the workers take shards from (redis://host:6379); or set STYLEGRAPH_QUEUE, which keeps a password out of the process list').env('STYLEGRAPH_QUEUE'))
    .option('--local <n>', 'start n workers (and a Redis, unless --queue names one) on this machine', count('--local'))
    .option('--name <job>', 'a name for the job (default: <graph name>-<id>)')
    .option('--attempts <n>', 'tries per shard before it is reported failed (default 3)', count('--attempts'))
    .option('--no-wait', 'queue the shards and return')
    .option('--json', 'print the job summary (per-shard provenance) as JSON')
    .option('--stall-ms <ms>', 'with --local: how soon a dead worker\'s shard is handed on (default 30000)', count('--stall-ms'))
    .option('--cache <dir>', 'with --local: the workers\' shared node-output cache folder')
    .action(async (graph: string, o: { shard?: string; size?: number; set: string[]; out?: string; backend: string; trust: string[]; queue?: string; local?: number; name?: string; attempts?: number; wait: boolean; json?: boolean; stallMs?: number; cache?: string }) => {
      code = await batchRunCommand(graph, o, io);
    });
  for (const [name, what, command] of [
    ['status', 'how far a job got, and its failed shards', batchStatusCommand],
    ['results', 'each done shard: items, files, time, worker, backend and versions', batchResultsCommand],
  ] as const) {
    batch
      .command(name)
      .description(what)
      .argument('<job>', 'job name or id')
      .addOption(new Option('--queue <url>', 'the job\'s Redis (redis://host:6379); or set STYLEGRAPH_QUEUE, which keeps a password out of the process list').env('STYLEGRAPH_QUEUE'))
      .option('--json', 'print as JSON')
      .action(async (job: string, o: { queue?: string; json?: boolean }) => {
        code = await command(job, o, io);
      });
  }
  batch
    .command('cancel')
    .description('remove a job\'s queued shards; running ones finish')
    .argument('<job>', 'job name or id')
    .addOption(new Option('--queue <url>', 'the job\'s Redis (redis://host:6379); or set STYLEGRAPH_QUEUE, which keeps a password out of the process list').env('STYLEGRAPH_QUEUE'))
    .action(async (job: string, o: { queue?: string }) => {
      code = await batchCancelCommand(job, o, io);
    });

  program
    .command('worker')
    .description('run shards of batch jobs from a queue until interrupted')
    .addOption(new Option('--queue <url>', 'the Redis to take shards from (redis://host:6379); or set STYLEGRAPH_QUEUE, which keeps a password out of the process list').env('STYLEGRAPH_QUEUE'))
    .option('--concurrency <n>', 'shards at a time (default 1)')
    .addOption(new Option('--backend <name>', 'compute backend (default: each job\'s)').choices(BACKENDS))
    .option('--stall-ms <ms>', 'shard lock time: a dead worker\'s shard is handed on after about this long (default 30000)')
    .option('--cache <dir>', 'node-output cache folder shared by the workers: a job that differs in one param re-runs only what that param reaches')
    .option('--trust <name>', 'run this third-party plugin in-process (repeatable)', collect, [])
    .action(async (o: { queue?: string; concurrency?: string; backend?: string; stallMs?: string; cache?: string; trust: string[] }) => {
      code = await workerCommand(o, io);
    });

  const model = program.command('model').description('work with model files');
  model
    .command('import')
    .description('convert an NVIDIA StyleGAN2-ADA .pkl (or a torch.save / safetensors state dict) into a model folder')
    .argument('<checkpoint>', 'network-snapshot-*.pkl, *.pt/*.pth or *.safetensors')
    .requiredOption('--out <dir>', 'model folder to write')
    .option('--force', 'replace an existing folder')
    .option('--conv-clamp <value>', 'conv_clamp for state-dict checkpoints, which do not record it (number or "none")')
    .action(async (file: string, o: { out: string; force?: boolean; convClamp?: string }) => {
      code = await modelImportCommand(file, o, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    return failure(e, io, debug());
  } finally {
    closeIsolatedPlugins();
  }
}

function failure(e: unknown, io: CliIo, debug: boolean): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return 2;
  }
  if (e instanceof UsageError || e instanceof PluginLoadError || e instanceof ManifestError) {
    io.err(`stylegraph: ${e.message}`);
    return 2;
  }
  // A file the user named that cannot be read or written: one line, a usage error.
  if (isErrno(e)) {
    io.err(`stylegraph: ${describeErrno(e)}`);
    return 2;
  }
  io.err(`stylegraph: ${debug && e instanceof Error ? (e.stack ?? e.message) : `internal error: ${e instanceof Error ? e.message : String(e)} (run with --debug for the stack trace)`}`);
  return 1;
}
