// Mutation testing with StrykerJS: `npm run mutation` mutates every folder below; one folder
// at a time with e.g. `STRYKER_FOLDER=exec npm run mutation` (exec, rng, import, truncation,
// server, platform, cache, plugins, batch, watermark, detect, inversion, stylegan3), which runs only that folder's own tests and writes reports/mutation/<folder>.json.
// One sandbox at a time (concurrency 1): the machines this runs on are small and shared.
const FOLDERS = {
  exec: { mutate: ['packages/core/src/exec/**/*.ts'], tests: ['packages/core/src/exec/**/*.test.ts'] },
  rng: { mutate: ['packages/core/src/rng/**/*.ts'], tests: ['packages/core/src/rng/**/*.test.ts'] },
  import: { mutate: ['packages/ops-gpu/src/import/**/*.ts'], tests: ['packages/ops-gpu/src/import/**/*.test.ts'] },
  truncation: { mutate: ['packages/ops-gpu/src/stylegan/truncation*.ts'], tests: ['packages/ops-gpu/src/stylegan/truncation*.test.ts'] },
  server: { mutate: ['apps/runner/src/server/**/*.ts'], tests: ['apps/runner/src/server/**/*.test.ts'] },
  // The on-disk output cache: entries, blobs, eviction.
  cache: { mutate: ['apps/runner/src/host/disk-cache*.ts'], tests: ['apps/runner/src/host/disk-cache*.test.ts'] },
  // Plugins across a boundary and their packages: remote plugins, manifests, locks, served modules.
  plugins: {
    mutate: ['packages/core/src/remote/*.ts', 'apps/runner/src/host/plugin-manifest.ts', 'apps/runner/src/host/plugin-lock.ts', 'apps/runner/src/server/module-specifiers.ts'],
    tests: ['packages/core/src/remote/*.test.ts', 'packages/plugin-testing/src/manifest.test.ts', 'apps/runner/src/host/plugin-manifest.test.ts', 'apps/runner/src/host/plugin-lock.test.ts', 'apps/runner/src/server/module-specifiers.test.ts'],
  },
  // Batch jobs without a queue: the item axis, planning, running a shard.
  batch: { mutate: ['apps/runner/src/batch/axis.ts', 'apps/runner/src/batch/plan.ts', 'apps/runner/src/batch/run-shard.ts'], tests: ['apps/runner/src/batch/*.test.ts'] },
  // The watermark's building blocks: CRC, convolutional code, p-values, keyed layout, FFT, folding.
  watermark: {
    mutate: ['packages/plugins/watermark/src/core/{crc,conv-code,binomial,sign-flip,layout,keystream,fft,fold}.ts'],
    tests: ['packages/plugins/watermark/src/core/{code,sign-flip,layout,keystream,fft,fold}.test.ts'],
  },
  // Detection's building blocks: calibration, metrics, tiles, spectral features, the verdict.
  detect: {
    mutate: ['packages/plugins/detect/src/core/{metrics,calibration,tiles,spectral,power-spectrum,verdict}.ts'],
    tests: ['packages/plugins/detect/src/core/{metrics,spectral,verdict}.test.ts'],
  },
  // Inversion: the optimizer, the schedule, the projector's loss graph and loop, latent distances, the ONNX importer.
  inversion: {
    mutate: ['packages/plugins/inversion/src/core/{adam,schedule,loss-graph,project,latent-stats}.ts', 'packages/ops-gpu/src/onnx/import.ts'],
    tests: ['packages/plugins/inversion/src/core/*.test.ts', 'packages/ops-gpu/src/onnx/import.test.ts'],
  },
  // StyleGAN3's geometry and nodes: the layer schedule, the input transform, the equivariance metrics.
  stylegan3: {
    mutate: ['packages/ops-gpu/src/stylegan3/schedule.ts', 'packages/plugins/stylegan/src/equivariance.ts', 'packages/plugins/stylegan/src/nodes/input-transform.ts'],
    tests: ['packages/ops-gpu/src/stylegan/layout.test.ts', 'packages/plugins/stylegan/src/stylegan3.test.ts'],
  },
  // The plugin API: port-kind records, codecs, namespaces, host services, value streams.
  platform: {
    mutate: ['packages/core/src/types/port-kind.ts', 'packages/core/src/types/core-kinds.ts', 'packages/core/src/types/port-types.ts', 'packages/core/src/types/check-value.ts', 'packages/core/src/values/codecs.ts', 'packages/core/src/plugin/services.ts', 'packages/core/src/plugin/define.ts', 'packages/core/src/plugin/registry.ts', 'packages/core/src/exec/value-stream.ts'],
    tests: ['packages/core/src/**/*.test.ts'],
  },
};
// Tests, data tables and re-export modules are not mutated.
const NOT_MUTATED = ['!**/*.test.ts', '!packages/core/src/rng/log-data.ts', '!packages/core/src/rng/fixtures/**', '!**/index.ts'];

const folder = process.env.STRYKER_FOLDER;
if (folder !== undefined && !(folder in FOLDERS)) throw new Error(`STRYKER_FOLDER=${folder}: expected one of ${Object.keys(FOLDERS).join(', ')}`);
const chosen = folder ? [FOLDERS[folder]] : Object.values(FOLDERS);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // A small test run of its own (vitest.mutation.config.ts): @stylegraph/* imports resolve to
  // the sandbox's sources; `related` narrows each run to the tests that import mutated files.
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  coverageAnalysis: 'perTest',
  // Static mutants (module-level initializers: constant tables, top-level arrow functions) are
  // not activated by @stryker-mutator/vitest-runner 9.6 under vitest 4.1 here: they come out
  // "survived" even where a test fails with the same change made by hand. Ignore them rather
  // than report false survivors.
  ignoreStatic: true,
  concurrency: 1,
  mutate: [...chosen.flatMap((f) => f.mutate), ...NOT_MUTATED],
  testFiles: chosen.flatMap((f) => f.tests),
  // What the sandbox does not need: builds, outputs, the editor's screenshots.
  ignorePatterns: ['**/dist/**', '.stryker-tmp', 'out', 'reports', 'coverage', '.nx', 'apps/editor/screenshots', '**/*.tsbuildinfo'],
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${folder ?? 'mutation'}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  // Re-runs test again only mutants whose code or covering tests changed.
  incremental: true,
  incrementalFile: `reports/mutation/${folder ?? 'mutation'}.incremental.json`,
  timeoutMS: 5_000,
  // A temp dir of its own per run: cleaning up after a run removes the whole temp dir, which
  // must not take the sandbox of another run going on at the same time.
  tempDirName: `.stryker-tmp/${folder ?? 'all'}-${process.pid}`,
  cleanTempDir: true,
};
