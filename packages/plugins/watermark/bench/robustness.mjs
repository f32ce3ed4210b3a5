#!/usr/bin/env node
// Robustness benchmark of @stylegraph/plugin-watermark next to a peer (tools/watermark/dwt_dct.py,
// a reimplementation of invisible-watermark's dwtDct), both measured in this run on the same
// images, the same attacks and the same 64-bit payload. Prints Markdown to stdout (progress goes
// to stderr): corpus, quality (PSNR), payload recovery under attacks, false positives and
// p-value calibration, 64 px images (zero-bit detection, capacity), and speed.
//
// Usage: node bench/robustness.mjs [--quick] [--corpus heldout|dev] [--fp N] [--json out.json]
//   --quick      2 sources per size, --fp 300, 40 images of 64 px (about 2 minutes)
//   --corpus     heldout (default: Debian's ukui/lomiri wallpapers, what numbers are reported
//                on) or dev (scikit-image's colour photos, what the method was tuned on)
//   --fp N       false-positive trials (default 10000; 300 with --quick)
//   --json FILE  also write every number as JSON
// Needs the two plugins built: npx tsc -b packages/plugins/watermark packages/plugins/attacks
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { SIZES, MIN_LUMA_STD, SetupError, buildCorpus, downscaledCorpus, generateFaces, listSources } from './corpus.mjs';
import { cropBytes, matchingBits, mean, median, psnr, randomBits, randomInt, readRgb, toBytes, toPlanar, writePng } from './images.mjs';
import { checkPeer, peerDecode, peerEmbed } from './peer.mjs';
import { fixed, meets, pct, sci, table } from './report.mjs';

const KEY = 'benchmark key';
const PAYLOAD_SEED = 0x5eed64; // the fixed 64-bit payload comes from this seed
const FP_SEED = 0xf00d; // random keys and random crops of the false-positive trials
const FACES_SEED = 1000; // first seed of the 64 px faces
const STRENGTH = { psnr: 43 };
const FPR = 1e-6;
const PAYLOAD_BITS = 64;
const SMALL_PAYLOADS = [8, 16, 32];

/** The attacks, applied alike to both marked sets; `goal`: our exact-payload rate (%) to reach. */
const ATTACKS = [
  { name: 'none', specs: [] },
  { name: 'JPEG 80', specs: [{ attack: 'jpeg', quality: 80 }], goal: 99 },
  { name: 'JPEG 50', specs: [{ attack: 'jpeg', quality: 50 }], goal: 95 },
  { name: 'WebP 75', specs: [{ attack: 'webp', quality: 75 }] },
  { name: 'resize ×0.5', specs: [{ attack: 'resize', scale: 0.5 }], goal: 95 },
  { name: 'crop ½ area, off-centre', specs: [{ attack: 'crop', area: 0.5, x: 0.8, y: 0.3 }], goal: 90 },
  { name: 'rotate 5°', specs: [{ attack: 'rotate', degrees: 5 }], goal: 90 },
  { name: 'brightness ×1.3', specs: [{ attack: 'brightness', factor: 1.3 }], goal: 99 },
  { name: 'contrast ×1.5', specs: [{ attack: 'contrast', factor: 1.5 }] },
  { name: 'blur σ 1', specs: [{ attack: 'blur', sigma: 1 }], goal: 95 },
  { name: 'noise σ 5', specs: [{ attack: 'noise', sigma: 5, seed: 1 }] },
  {
    name: 'chain: JPEG 80 → ×0.75 → crop 81 % → JPEG 75',
    specs: [
      { attack: 'jpeg', quality: 80 },
      { attack: 'resize', scale: 0.75 },
      { attack: 'crop', area: 0.81, x: 0.3, y: 0.6 },
      { attack: 'jpeg', quality: 75 },
    ],
    goal: 90,
  },
];

// ---------------------------------------------------------------------------------------------
// Options, logging, set-up
// ---------------------------------------------------------------------------------------------

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: { quick: { type: 'boolean', default: false }, corpus: { type: 'string', default: 'heldout' }, fp: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log('usage: node bench/robustness.mjs [--quick] [--corpus heldout|dev] [--fp N] [--json out.json]');
    process.exit(0);
  }
  if (!['heldout', 'dev'].includes(values.corpus)) throw new SetupError(`--corpus is heldout or dev, not "${values.corpus}"`);
  const fp = values.fp === undefined ? (values.quick ? 300 : 10000) : Number(values.fp);
  if (!Number.isSafeInteger(fp) || fp < 1) throw new SetupError(`--fp is a whole number ≥ 1, not "${values.fp}"`);
  return {
    quick: values.quick,
    corpus: values.corpus,
    fp,
    json: values.json,
    sourcesLimit: values.quick ? 2 : Infinity,
    faces: values.quick ? 40 : 200,
    cropsPerSource: values.quick ? 2 : 4, // random crops per source and per set (unmarked, marked) for the FP trials
  };
}

const started = performance.now();
/** Progress on stderr, with the seconds since the start. */
const log = (msg) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${msg}\n`);

async function loadPlugins() {
  try {
    const wm = await import('../dist/index.js');
    const attacks = await import('@stylegraph/plugin-attacks');
    return { wm, attacks };
  } catch (e) {
    if (e?.code === 'ERR_MODULE_NOT_FOUND') throw new SetupError(`a plugin is not built (${e.message.split('\n')[0]}): npx tsc -b packages/plugins/watermark packages/plugins/attacks`);
    throw e;
  }
}

/** A temp folder removed at exit, also on Ctrl-C. */
function makeTempRoot() {
  const dir = mkdtempSync(join(tmpdir(), 'wm-robustness-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const onSignal = () => {
    remove();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { dir, remove };
}

/** At most `limit` items, evenly spaced over the list (all of it when it is shorter). */
function evenly(list, limit) {
  if (list.length <= limit) return list;
  return Array.from({ length: limit }, (_, i) => list[Math.floor((i * list.length) / limit)]);
}

const sizeKey = (H, W) => `${H}x${W}`;

// ---------------------------------------------------------------------------------------------
// Stages
// ---------------------------------------------------------------------------------------------

/** Our marks: embed every corpus image, round to 8 bits; embed time and PSNR per image. */
async function embedOurs(ctx, items) {
  const out = [];
  for (const it of items) {
    const planar = toPlanar(it.img);
    const t = performance.now();
    const marked = await ctx.wm.embed(planar, KEY, ctx.payload, STRENGTH);
    const ms = performance.now() - t;
    const img = toBytes(marked);
    out.push({ img, ms, psnr: psnr(it.img, img) });
  }
  return out;
}

/** The peer's marks: originals as PNG per size, its embed per size folder, read back. */
async function embedPeer(ctx, items) {
  const out = new Map();
  const secondsPerImage = {};
  for (const [H, W] of SIZES) {
    const group = items.filter((it) => it.H === H && it.W === W);
    const inDir = join(ctx.tmp, 'orig', sizeKey(H, W));
    const outDir = join(ctx.tmp, 'peer', sizeKey(H, W));
    mkdirSync(inDir, { recursive: true });
    for (const it of group) await writePng(join(inDir, it.name), it.img);
    const r = await peerEmbed(inDir, outDir, ctx.payloadHex);
    if (r.images !== group.length) throw new Error(`the peer marked ${r.images} images of ${group.length}`);
    secondsPerImage[sizeKey(H, W)] = r.seconds / r.images;
    for (const it of group) {
      const img = await readRgb(join(outDir, it.name));
      out.set(it.name, { img, psnr: psnr(it.img, img) });
    }
  }
  return { marks: items.map((it) => out.get(it.name)), secondsPerImage };
}

/** Our decode of an 8-bit image; a decode that throws (image too small) counts as a miss. */
async function decodeOurs(ctx, img, key, nbits) {
  try {
    return await ctx.wm.decode(toPlanar(img), key, nbits, FPR);
  } catch (e) {
    return { detected: false, pValue: 1, payload: new Uint8Array(0), crcOk: false, error: e.message };
  }
}

/** One attack on both marked sets: ours decoded here, the peer's through its CLI. */
async function runAttack(ctx, attack, items, ours, peer) {
  const dir = join(ctx.tmp, 'attacked');
  mkdirSync(dir, { recursive: true });
  const rows = [];
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    const a = await ctx.attacks.applyAttacks(ours[i].img.rgb, it.W, it.H, attack.specs);
    const img = { rgb: a.rgb, width: a.width, height: a.height };
    const t = performance.now();
    const d = await decodeOurs(ctx, img, KEY, PAYLOAD_BITS);
    const ms = performance.now() - t;
    const k = matchingBits(ctx.payload, d.payload);
    rows.push({ name: it.name, H: it.H, W: it.W, ms, ours: { exact: d.crcOk && k === PAYLOAD_BITS, bitAcc: k / PAYLOAD_BITS, detected: d.detected, pValue: d.pValue, error: d.error } });
    const b = await ctx.attacks.applyAttacks(peer[i].img.rgb, it.W, it.H, attack.specs);
    await writePng(join(dir, it.name), { rgb: b.rgb, width: b.width, height: b.height });
  }
  const decoded = await peerDecode(dir, PAYLOAD_BITS);
  for (const r of rows) {
    const hex = decoded.bits[r.name];
    const bits = hex === undefined ? new Uint8Array(0) : ctx.wm.hexToBits(hex);
    const k = matchingBits(ctx.payload, bits);
    r.peer = { exact: k === PAYLOAD_BITS, bitAcc: k / PAYLOAD_BITS };
  }
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

/** Rates over rows: exact, bit accuracy, detection (ours) and exact, bit accuracy (peer). */
function summarize(rows) {
  const rate = (f) => mean(rows.map((r) => (f(r) ? 1 : 0)));
  return {
    n: rows.length,
    ours: { exact: rate((r) => r.ours.exact), bitAcc: mean(rows.map((r) => r.ours.bitAcc)), detected: rate((r) => r.ours.detected), decodeErrors: rows.filter((r) => r.ours.error).length },
    peer: { exact: rate((r) => r.peer.exact), bitAcc: mean(rows.map((r) => r.peer.bitAcc)) },
  };
}

/** Random windows (sides 128…256, at least the mark's minimum) of the 1024 px images. */
function randomCrops(images, perImage, rng, minSide) {
  const out = [];
  for (const { name, img } of images) {
    for (let j = 0; j < perImage; j++) {
      const w = randomInt(rng, Math.max(128, minSide), 256);
      const h = randomInt(rng, Math.max(128, minSide), 256);
      const x = randomInt(rng, 0, img.width - w);
      const y = randomInt(rng, 0, img.height - h);
      out.push({ name: `${name}[${x},${y} ${w}×${h}]`, img: cropBytes(img, x, y, w, h) });
    }
  }
  return out;
}

/** A random key, different from the benchmark's (64 random bits as hex). */
function randomKey(rng) {
  const word = () => rng.next().toString(16).padStart(8, '0');
  return `fp-${word()}${word()}`;
}

/**
 * False positives and calibration: unmarked 256×256 crops and random smaller crops, and our
 * marked 256×256 images and random crops of our marked 1024 px ones, decoded with random keys,
 * round-robin over the pool until `trials` decodes.
 */
async function falsePositives(ctx, items, ours, trials) {
  const rng = new ctx.attacks.Xoshiro128ss(FP_SEED);
  const at = (H, W) => items.map((it, i) => ({ it, i })).filter(({ it }) => it.H === H && it.W === W);
  const u256 = at(256, 256).map(({ it }) => ({ name: it.name, img: it.img }));
  const m256 = at(256, 256).map(({ it, i }) => ({ name: it.name, img: ours[i].img }));
  const u1024 = at(1024, 1024).map(({ it }) => ({ name: it.name, img: it.img }));
  const m1024 = at(1024, 1024).map(({ it, i }) => ({ name: it.name, img: ours[i].img }));
  const uCrops = randomCrops(u1024, ctx.opts.cropsPerSource, rng, ctx.wm.MIN_SIDE);
  const mCrops = randomCrops(m1024, ctx.opts.cropsPerSource, rng, ctx.wm.MIN_SIDE);
  const pool = [
    ...u256.map((p) => ({ ...p, marked: false })),
    ...uCrops.map((p) => ({ ...p, marked: false })),
    ...m256.map((p) => ({ ...p, marked: true })),
    ...mCrops.map((p) => ({ ...p, marked: true })),
  ];
  const planar = pool.map((p) => toPlanar(p.img));
  const pValues = [];
  const byGroup = { unmarked: { trials: 0, detections: 0 }, marked: { trials: 0, detections: 0 } };
  for (let t = 0; t < trials; t++) {
    const j = t % pool.length;
    let key = randomKey(rng);
    while (key === KEY) key = randomKey(rng);
    const r = await ctx.wm.decode(planar[j], key, PAYLOAD_BITS, FPR);
    pValues.push(r.pValue);
    const g = byGroup[pool[j].marked ? 'marked' : 'unmarked'];
    g.trials++;
    if (r.detected) g.detections++;
    if ((t + 1) % 1000 === 0) log(`false positives: ${t + 1}/${trials}`);
  }
  const rateAt = (alpha) => pValues.filter((p) => p <= alpha).length / trials;
  return {
    trials,
    pool: { unmarked256: u256.length, unmarkedCrops: uCrops.length, marked256: m256.length, markedCrops: mCrops.length },
    detections: pValues.filter((p) => p <= FPR).length,
    byGroup,
    rate1e3: rateAt(1e-3),
    rate1e2: rateAt(1e-2),
    rate1e1: rateAt(0.1),
    rate5e1: rateAt(0.5),
    minP: Math.min(...pValues),
  };
}

/** The 64 px images: the model's own faces if the runner can make them, else downscaled corpus. */
async function smallImages(ctx, sources) {
  const dir = join(ctx.tmp, 'faces');
  mkdirSync(dir, { recursive: true });
  const gen = await generateFaces(ctx.opts.faces, FACES_SEED, dir);
  if (gen.images) return { images: gen.images, how: gen.how, generated: true };
  log(`64 px faces not generated (${gen.how}); falling back to downscaled corpus`);
  const images = await downscaledCorpus(sources, ctx.opts.faces, new ctx.attacks.Xoshiro128ss(FACES_SEED));
  return { images, how: `fallback — ${gen.how}; used 64×64 downscales of random square windows of the corpus sources`, generated: false };
}

/** JPEG 80 of an 8-bit image. */
const jpeg80 = async (ctx, img) => ctx.attacks.applyAttack(img.rgb, img.width, img.height, { attack: 'jpeg', quality: 80 });

/** 64 px: zero-bit detection after JPEG 80, false detections, and small payloads after JPEG 80. */
async function small(ctx, images) {
  const empty = new Uint8Array(0);
  let detected = 0;
  let falseDetections = 0;
  const psnrs = [];
  const payloads = SMALL_PAYLOADS.map((n) => ({ bits: n, fits: n <= ctx.wm.capacityBits(64, 64), exact: 0, detected: 0 }));
  for (const { img } of images) {
    const planar = toPlanar(img);
    const marked = toBytes(await ctx.wm.embed(planar, KEY, empty, STRENGTH));
    psnrs.push(psnr(img, marked));
    if ((await decodeOurs(ctx, await jpeg80(ctx, marked), KEY, 0)).detected) detected++;
    if ((await decodeOurs(ctx, await jpeg80(ctx, img), KEY, 0)).detected) falseDetections++;
    for (const p of payloads) {
      if (!p.fits) continue;
      const bits = ctx.payload.subarray(0, p.bits);
      const m = toBytes(await ctx.wm.embed(planar, KEY, bits, STRENGTH));
      const d = await decodeOurs(ctx, await jpeg80(ctx, m), KEY, p.bits);
      if (d.crcOk && matchingBits(bits, d.payload) === p.bits) p.exact++;
      if (d.detected) p.detected++;
    }
  }
  const n = images.length;
  return {
    n,
    meanPsnr: mean(psnrs),
    zeroBit: { detectedRate: detected / n, falseDetections },
    payloads: payloads.map((p) => ({ bits: p.bits, fits: p.fits, exactRate: p.fits ? p.exact / n : NaN, detectedRate: p.fits ? p.detected / n : NaN })),
    capacity: Object.fromEntries([64, 128, 256, 1024].map((s) => [s, ctx.wm.capacityBits(s, s)])),
  };
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function corpusSection(ctx, sources, skipped, items) {
  const lines = ['## Corpus', ''];
  const why = ctx.opts.corpus === 'dev' ? 'scikit-image data, what the method was tuned on' : `Debian packages ukui-wallpapers and lomiri-wallpapers, held out from tuning`;
  lines.push(`Corpus \`${ctx.opts.corpus}\` (${why}): ${sources.length} source photos × ${SIZES.length} sizes = ${items.length} images${ctx.opts.quick ? ' (--quick: 2 sources, evenly spaced over the sorted list)' : ''}.`);
  lines.push(`Crops: centre crop to the aspect, then sharp \`resize({ fit: 'cover' })\` (anti-aliased reduction; enlargement where a source is smaller than the size). Sources skipped: luma std < ${MIN_LUMA_STD} (flat) or pixel-identical to an earlier one.`, '');
  const rows = SIZES.map(([H, W]) => {
    const g = items.filter((it) => it.H === H && it.W === W);
    const up = g.filter((it) => it.upscaled).map((it) => it.source);
    return [`${H}×${W}`, g.length, up.length === 0 ? '0' : `${up.length} (${up.join(', ')})`];
  });
  lines.push(table(['size (H×W)', 'images', 'upscaled from a smaller source'], rows, ['l', 'r', 'l']), '');
  lines.push(table(['source', 'size', 'luma std'], sources.map((s) => [s.file, `${s.width}×${s.height}`, fixed(s.lumaStd)]), ['l', 'r', 'r']), '');
  if (skipped.length > 0) lines.push(`Skipped: ${skipped.map((s) => `${s.file} (${s.reason})`).join('; ')}.`, '');
  return lines;
}

function qualitySection(ours, peer) {
  const o = ours.map((m) => m.psnr);
  const p = peer.map((m) => m.psnr);
  return [
    '## Quality',
    '',
    `Ours embedded at \`${JSON.stringify(STRENGTH)}\` and rounded to 8 bits; the peer with its defaults (U channel, scale 36). PSNR over 8-bit RGB against the originals.`,
    '',
    table(['method', 'mean PSNR dB', 'min PSNR dB', 'max PSNR dB'], [
      ['ours', fixed(mean(o), 2), fixed(Math.min(...o), 2), fixed(Math.max(...o), 2)],
      ['peer (dwtDct)', fixed(mean(p), 2), fixed(Math.min(...p), 2), fixed(Math.max(...p), 2)],
    ]),
    '',
  ];
}

function attacksSection(results) {
  const rows = results.map(({ attack, all }) => {
    const ok = attack.goal === undefined ? undefined : 100 * all.ours.exact >= attack.goal;
    return [attack.name, pct(all.ours.exact), pct(all.ours.bitAcc), pct(all.ours.detected), pct(all.peer.exact), pct(all.peer.bitAcc), attack.goal === undefined ? '–' : `≥ ${attack.goal} %`, meets(ok)];
  });
  const bySize = results.map(({ attack, sizes }) => [attack.name, ...SIZES.map(([H, W]) => pct(sizes[sizeKey(H, W)].ours.exact))]);
  const errors = results.filter((r) => r.all.ours.decodeErrors > 0).map((r) => `${r.attack.name}: ${r.all.ours.decodeErrors}`);
  return [
    '## Attacks',
    '',
    `Same attack on both marked sets (@stylegraph/plugin-attacks \`applyAttacks\`). Ours: \`decode(img, key, ${PAYLOAD_BITS}, ${FPR})\`; exact = CRC ok and all ${PAYLOAD_BITS} bits right; bit acc uses the decoded payload even when the CRC fails. Peer: its own decode (no detection statistic). Goals are for our exact-payload rate.`,
    '',
    table(['attack', 'ours exact %', 'ours bit acc %', 'ours detected %', 'peer exact %', 'peer bit acc %', 'goal (ours exact)', 'meets'], rows),
    '',
    'Ours, exact payload % by image size:',
    '',
    table(['attack', ...SIZES.map(([H, W]) => `${H}×${W}`)], bySize),
    '',
    ...(errors.length > 0 ? [`Decodes that threw (image too small after the attack; counted as misses): ${errors.join(', ')}.`, ''] : []),
  ];
}

function fpSection(fp) {
  const nominal = 1e-3;
  const judged = fp.trials * nominal >= 5; // below 5 expected hits the rate says nothing
  const calOk = fp.rate1e3 >= nominal / 2 && fp.rate1e3 <= nominal * 2;
  return [
    '## False positives and calibration',
    '',
    `${fp.trials} decodes \`decode(img, randomKey, ${PAYLOAD_BITS}, ${FPR})\`, round-robin over a pool of ${fp.pool.unmarked256} unmarked 256×256 crops, ${fp.pool.unmarkedCrops} unmarked random crops (sides 128–256 px) of the 1024×1024 images, ${fp.pool.marked256} of our marked 256×256 images and ${fp.pool.markedCrops} random crops of our marked 1024×1024 images; a fresh random 64-bit key per trial, never the marking key.`,
    '',
    table(['measure', 'value', 'nominal / goal', 'meets'], [
      [`detections at FPR ${FPR}`, `${fp.detections} (unmarked ${fp.byGroup.unmarked.detections}/${fp.byGroup.unmarked.trials}, marked with another key ${fp.byGroup.marked.detections}/${fp.byGroup.marked.trials})`, '0', meets(fp.detections === 0)],
      ['rate of p ≤ 1e-3', sci(fp.rate1e3), '1e-3, within ×2', judged ? meets(calOk) : `not judged (${fp.trials} trials: < 5 expected)`],
      ['rate of p ≤ 1e-2', sci(fp.rate1e2), '1e-2', '–'],
      ['rate of p ≤ 0.1 / ≤ 0.5 (shape of the null)', `${fixed(fp.rate1e1, 3)} / ${fixed(fp.rate5e1, 3)}`, '0.1 / 0.5', '–'],
      ['smallest p', sci(fp.minP), '–', '–'],
      ['trials', fp.trials, '--fp', '–'],
    ], ['l', 'r', 'r', 'l']),
    '',
  ];
}

function smallSection(s, how) {
  return [
    '## 64 px images',
    '',
    `${s.n} images of 64×64: ${how}. Marked at \`${JSON.stringify(STRENGTH)}\` (mean PSNR ${fixed(s.meanPsnr, 2)} dB for the zero-bit mark), then JPEG 80.`,
    '',
    table(['measure', 'value', 'goal', 'meets'], [
      [`zero-bit detection after JPEG 80 (FPR ${FPR})`, `${pct(s.zeroBit.detectedRate)} %`, '≥ 95 %', meets(100 * s.zeroBit.detectedRate >= 95)],
      ['false detections, unmarked (after JPEG 80)', `${s.zeroBit.falseDetections} / ${s.n}`, '0', meets(s.zeroBit.falseDetections === 0)],
      ...s.payloads.map((p) => [`${p.bits}-bit payload after JPEG 80: exact % (detected %)`, p.fits ? `${pct(p.exactRate)} (${pct(p.detectedRate)})` : `over capacity (${s.capacity[64]} bits)`, '–', '–']),
    ], ['l', 'r', 'r', 'l']),
    '',
    table(['image side (px, square)', ...Object.keys(s.capacity)], [['capacityBits', ...Object.values(s.capacity)]]),
    '',
  ];
}

function speedSection(sp) {
  return [
    '## Speed',
    '',
    `At 1024×1024, ${sp.n} images, this process as is (single-threaded JS; sharp set to one thread, and the peer run with one BLAS/OpenMP thread). Ours: median of per-image times; decode of the unattacked marked images. Peer: its reported seconds (I/O excluded) divided by the image count.`,
    '',
    table(['method', 'embed ms / image', 'decode ms / image', 'goal', 'meets'], [
      ['ours (median)', fixed(sp.oursEmbedMs), fixed(sp.oursDecodeMs), 'embed ≤ 100, decode ≤ 200', meets(sp.oursEmbedMs <= 100 && sp.oursDecodeMs <= 200)],
      ['peer (mean)', fixed(1000 * sp.peerEmbedS), fixed(1000 * sp.peerDecodeS), '–', '–'],
    ]),
    '',
  ];
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(opts) {
  sharp.concurrency(1);
  const { wm, attacks } = await loadPlugins();
  checkPeer();
  const tmp = makeTempRoot();
  try {
    const payload = randomBits(new attacks.Xoshiro128ss(PAYLOAD_SEED), PAYLOAD_BITS);
    const ctx = { opts, wm, attacks, tmp: tmp.dir, payload, payloadHex: wm.bitsToHex(payload) };

    log(`listing the ${opts.corpus} corpus`);
    const listed = await listSources(opts.corpus);
    const sources = evenly(listed.sources, opts.sourcesLimit);
    const items = await buildCorpus(sources);
    log(`${items.length} images; embedding (ours)`);
    const ours = await embedOurs(ctx, items);
    log('embedding (peer)');
    const peer = await embedPeer(ctx, items);

    const results = [];
    for (const attack of ATTACKS) {
      log(`attack: ${attack.name}`);
      const rows = await runAttack(ctx, attack, items, ours, peer.marks);
      const sizes = Object.fromEntries(SIZES.map(([H, W]) => [sizeKey(H, W), summarize(rows.filter((r) => r.H === H && r.W === W))]));
      results.push({ attack, rows, all: summarize(rows), sizes });
    }

    log(`false positives: ${opts.fp} trials`);
    const fp = await falsePositives(ctx, items, ours, opts.fp);

    log('64 px images');
    const smallSet = await smallImages(ctx, sources);
    const smallRes = await small(ctx, smallSet.images);

    log('speed');
    const at1024 = (i) => items[i].H === 1024 && items[i].W === 1024;
    const idx = items.map((_, i) => i).filter(at1024);
    const none = results.find((r) => r.attack.specs.length === 0);
    const peerDec = await peerDecode(join(tmp.dir, 'peer', sizeKey(1024, 1024)), PAYLOAD_BITS);
    const speed = {
      n: idx.length,
      oursEmbedMs: median(idx.map((i) => ours[i].ms)),
      oursDecodeMs: median(idx.map((i) => none.rows[i].ms)),
      peerEmbedS: peer.secondsPerImage[sizeKey(1024, 1024)],
      peerDecodeS: peerDec.seconds / Object.keys(peerDec.bits).length,
    };

    const totalS = (performance.now() - started) / 1000;
    const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const header = `# Watermark robustness — ${date} · node ${process.version} · corpus ${opts.corpus}${opts.quick ? ' (--quick)' : ''} · total ${totalS.toFixed(1)} s · ${cpus().length} cores, load ${loadavg()[0].toFixed(2)}`;
    const lines = [header, ''];
    if (opts.quick) lines.push('> --quick: a handful of images; the rates are indicative only.', '');
    lines.push(`Key \`${KEY}\`; payload (${PAYLOAD_BITS} bits, Xoshiro128ss seed 0x${PAYLOAD_SEED.toString(16)}): \`${ctx.payloadHex}\`.`, '');
    lines.push(...corpusSection(ctx, sources, listed.skipped, items));
    lines.push(...qualitySection(ours, peer.marks));
    lines.push(...attacksSection(results));
    lines.push(...fpSection(fp));
    lines.push(...smallSection(smallRes, smallSet.how));
    lines.push(...speedSection(speed));
    process.stdout.write(`${lines.join('\n')}\n`);

    if (opts.json) {
      const json = {
        date,
        node: process.version,
        corpus: opts.corpus,
        quick: opts.quick,
        totalSeconds: totalS,
        key: KEY,
        payloadHex: ctx.payloadHex,
        strength: STRENGTH,
        sources: sources.map((s) => s.file),
        skipped: listed.skipped.map((s) => ({ file: s.file, reason: s.reason })),
        images: items.map((it, i) => ({ name: it.name, H: it.H, W: it.W, upscaled: it.upscaled, psnrOurs: ours[i].psnr, psnrPeer: peer.marks[i].psnr, embedMsOurs: ours[i].ms })),
        quality: { oursMeanPsnr: mean(ours.map((m) => m.psnr)), peerMeanPsnr: mean(peer.marks.map((m) => m.psnr)) },
        attacks: results.map(({ attack, all, sizes }) => ({ name: attack.name, specs: attack.specs, goal: attack.goal ?? null, meets: attack.goal === undefined ? null : 100 * all.ours.exact >= attack.goal, ...all, bySize: sizes })),
        falsePositives: fp,
        small: { ...smallRes, source: smallSet.how, generated: smallSet.generated },
        speed,
      };
      writeFileSync(opts.json, `${JSON.stringify(json, (_k, v) => (Number.isNaN(v) ? null : v), 2)}\n`);
      log(`wrote ${opts.json}`);
    }
  } finally {
    tmp.remove();
  }
}

try {
  await main(parseOptions(process.argv.slice(2)));
} catch (e) {
  if (e instanceof SetupError || e?.code?.startsWith?.('ERR_PARSE_ARGS')) {
    console.error(`robustness: ${e.message}`);
  } else {
    console.error(e);
  }
  process.exitCode = 1;
}
