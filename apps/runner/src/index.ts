/** @stylegraph/runner — the `stylegraph` CLI as a library (used by tests and the server). */
export { main, VERSION, BACKENDS, type CliIo } from './cli.js';
export { NodeFiles, type NodeFileOptions } from './host/node-files.js';
export { DiskCache, DEFAULT_CACHE_MAX_BYTES, type DiskCacheOptions } from './host/disk-cache.js';
export { loadRegistry, pluginSources, closeIsolatedPlugins, BUILTIN_PLUGINS, type LoadedPlugin, type PluginMode } from './host/plugins.js';
export { readPluginManifest, parsePluginManifest, manifestIssues, PATH_PLACEHOLDERS, type PluginManifest, type Capabilities, type ManifestIssue } from './host/plugin-manifest.js';
export { planBatch, type BatchPlan, type Shard } from './batch/plan.js';
export { runShard, ShardFailure, type ShardJob, type ShardResult } from './batch/run-shard.js';
export { startWorker, type WorkerOptions } from './batch/worker.js';
export { submitBatch, type SubmitOptions } from './batch/submit.js';
export { followBatch } from './batch/follow.js';
export { connect as connectQueue, shardQueue } from './batch/connection.js';
export { findBatch, shardRecords, failures, type BatchRecord, type ShardRecord } from './batch/store.js';
export { startLocalRedis, type LocalRedis } from './batch/local-redis.js';
export { junitXml } from './report/junit.js';
export { startServer, type ServeOptions, type RunningServer } from './server/http-server.js';
export type { AppRouter } from './server/router.js';
export type { ServerRunEvent } from './server/runs.js';
export type { Preview } from './server/previews.js';
