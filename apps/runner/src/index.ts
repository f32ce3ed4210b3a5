/** @stylegraph/runner — the `stylegraph` CLI as a library (used by tests and the server). */
export { main, VERSION, BACKENDS, type CliIo } from './cli.js';
export { NodeFiles, type NodeFileOptions } from './host/node-files.js';
export { loadRegistry, importPlugin, BUILTIN_PLUGINS } from './host/plugins.js';
export { junitXml } from './report/junit.js';
