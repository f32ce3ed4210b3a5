// Writes the example graphs in examples/ in the runner's canonical form (serializeGraph), so
// that the editor saving an unchanged example reproduces the file byte for byte.
//   node tools/examples/make-examples.mjs   (after npm run build)
import { writeFileSync } from 'node:fs';
import { serializeGraph } from '@stylegraph/core';

const MODEL = '../models/faces64';
const P = { sg: '@stylegraph/plugin-stylegan', io: '@stylegraph/plugin-io', std: '@stylegraph/plugin-std', faces: '@stylegraph/plugin-faces', wm: '@stylegraph/plugin-watermark', attacks: '@stylegraph/plugin-attacks', detect: '@stylegraph/plugin-detect', inv: '@stylegraph/plugin-inversion' };

/** Nodes as [id, type, params, x, y]; edges as "a.out>b.in". */
function graph(title, description, plugins, nodes, edges) {
  return {
    format: 'stylegraph.graph',
    formatVersion: 1,
    title,
    description,
    plugins: Object.fromEntries(plugins.map((p) => [P[p], '^0.1.0'])),
    nodes: Object.fromEntries(nodes.map(([id, type, params, x, y]) => [id, { type, version: 1, params, ui: { x, y } }])),
    edges: edges.map((e) => {
      const [from, to] = e.split('>');
      return { from, to };
    }),
  };
}
const gen = (...targets) => targets.map((t) => `model.generator>${t}.generator`);

/**
 * The watermark robustness check (CI-sized): marks 8 rendered faces, attacks them, verifies the
 * payload after each attack into one report (robustness.json), asserts the floors, and draws the
 * figure: original, marked, 10× difference, three attacked versions.
 */
function watermarkRobustness() {
  const KEY = 'example key: use keyFile for a real one';
  const PAYLOAD = '5eed1e55c0ffee42';
  const attacks = [
    ['jpeg80', 'attack/Jpeg', { quality: 80 }],
    ['jpeg50', 'attack/Jpeg', { quality: 50 }],
    ['resize05', 'attack/Resize', { scale: 0.5 }],
    ['crop50', 'attack/Crop', { area: 0.5, x: 0.8, y: 0.3 }],
    ['rotate5', 'attack/Rotate', { degrees: 5 }],
    ['bright13', 'attack/Brightness', { factor: 1.3 }],
    ['blur1', 'attack/Blur', { sigma: 1 }],
    ['chain', 'attack/Chain', { steps: [{ attack: 'jpeg', quality: 80 }, { attack: 'resize', scale: 0.75 }, { attack: 'crop', area: 0.81, x: 0.3, y: 0.6 }, { attack: 'jpeg', quality: 75 }] }],
  ];
  // Floors: exact payloads of 8 (the committed run recovers every one).
  const floors = { clean: 8, jpeg80: 8, jpeg50: 7, resize05: 7, crop50: 7, rotate5: 7, bright13: 7, blur1: 7, chain: 6 };
  const nodes = [
    ['faces', 'faces/RenderFaces', { seeds: '0-7', size: 256 }, 0, 200],
    ['embed', 'watermark/Embed', { key: KEY, payload: PAYLOAD }, 240, 200],
    ['clean', 'watermark/Verify', { key: KEY, payload: PAYLOAD, prefix: 'clean.' }, 720, 0],
    ['unmarked', 'watermark/Verify', { key: KEY, payload: PAYLOAD, prefix: 'unmarked.' }, 720, 120],
  ];
  const edges = ['faces.image>embed.image', 'embed.image>clean.image', 'faces.image>unmarked.image', 'clean.report>unmarked.into'];
  let last = 'unmarked';
  attacks.forEach(([id, type, params], i) => {
    nodes.push([id, type, params, 480, 240 + 100 * i], [`${id}Verify`, 'watermark/Verify', { key: KEY, payload: PAYLOAD, prefix: `${id}.` }, 720, 240 + 100 * i]);
    edges.push(`embed.image>${id}.image`, `${id}.image>${id}Verify.image`, `${last}.report>${id}Verify.into`);
    last = `${id}Verify`;
  });
  nodes.push(['decode', 'watermark/Decode', { key: KEY, prefix: 'jpeg80.decoded.' }, 960, 240]);
  edges.push('jpeg80.image>decode.image', `${last}.report>decode.into`);
  nodes.push(['save', 'std/SaveReport', { path: 'robustness.json' }, 1200, 0]);
  edges.push('decode.report>save.report');
  const asserts = [['noFalse', { key: 'unmarked.detected', op: '==', than: 0, message: 'an unmarked image must never be detected' }]];
  for (const [k, n] of Object.entries(floors)) asserts.push([`${k}Floor`, { key: `${k}.exact`, op: '>=', than: n, message: `at least ${n} of 8 payloads must survive ${k}` }]);
  asserts.forEach(([id, params], i) => {
    nodes.push([id, 'std/Assert', params, 1200, 120 + 90 * i]);
    edges.push(`decode.report>${id}.report`);
  });
  nodes.push(
    ['figure', 'watermark/Comparison', { gain: 10, item: 3 }, 960, 0],
    ['grid', 'io/ImageGrid', { cols: 6, padding: 2, labels: ['original', 'marked', 'diff x10', 'jpeg 50', 'rotate 5', 'crop 50%'] }, 1200, -120],
    ['saveFigure', 'io/SaveImage', { path: 'watermark-figure.png' }, 1440, -120],
  );
  edges.push('faces.image>figure.original', 'embed.image>figure.marked', 'jpeg50.image>figure.attacked1', 'rotate5.image>figure.attacked2', 'crop50.image>figure.attacked3', 'figure.image>grid.image', 'grid.image>saveFigure.image');
  return graph(
    'Watermark robustness (CI)',
    'Marks 8 rendered faces with a keyed 64-bit watermark, attacks them (JPEG 80 and 50, resize ×0.5, half-area crop, 5° rotation, brightness ×1.3, blur σ 1, and a chain), verifies the payload after each into robustness.json, asserts the floors and that unmarked images are never detected, and draws the figure. Exit 1 names a failed floor.',
    ['faces', 'wm', 'attacks', 'io', 'std'],
    nodes,
    edges,
  );
}

/** [report key, op, value, message] of the detection check; set from a run of the full benchmark's numbers. */
const DETECT_FLOORS = [
  ['residual.generated.synthetic', '>=', 31, 'the residual detector must flag at least 31 of 32 clean samples'],
  ['residual.real.synthetic', '<=', 1, 'the residual detector must flag at most 1 of 32 clean renders'],
  ['residual.generatedJpeg50.synthetic', '>=', 31, 'the residual detector must flag at least 31 of 32 samples after JPEG 50'],
  ['residual.realJpeg50.synthetic', '<=', 1, 'the residual detector must flag at most 1 of 32 renders after JPEG 50'],
  ['spectral.generated.synthetic', '>=', 12, 'the spectral detector must flag at least 12 of 32 clean samples'],
  ['spectral.real.synthetic', '<=', 2, 'the spectral detector must flag at most 2 of 32 clean renders'],
];

/**
 * The detection check (CI-sized): 32 held-out renders and 32 held-out samples of the bundled
 * model, clean and after JPEG 50, through both bundled detectors into one report
 * (detect-benchmark.json), the verdict on watermarked samples, and asserts on the counts
 * flagged at the FPR-1 % threshold. `npm run bench` has the full benchmark (AP, TPR, ECE, speed).
 */
function detectBenchmark(floors) {
  const KEY = 'example key: use keyFile for a real one';
  const nodes = [
    ['real', 'faces/RenderFaces', { seeds: '62000-62031', size: 64 }, 0, 0],
    ['model', 'stylegan/LoadGenerator', { path: MODEL }, 0, 200],
    ['seeds', 'stylegan/SeedLatents', { seeds: '212000-212031' }, 240, 160],
    ['mapping', 'stylegan/Mapping', {}, 480, 160],
    ['noise', 'stylegan/Noise', { mode: 'random', seed: 0 }, 480, 300],
    ['synthesis', 'stylegan/Synthesis', {}, 720, 200],
    ['realJpeg50', 'attack/Jpeg', { quality: 50 }, 240, 0],
    ['genJpeg50', 'attack/Jpeg', { quality: 50 }, 960, 300],
  ];
  const edges = [...gen('seeds', 'mapping', 'noise', 'synthesis'), 'seeds.z>mapping.z', 'mapping.w>synthesis.w', 'noise.noise>synthesis.noise', 'real.image>realJpeg50.image', 'synthesis.image>genJpeg50.image'];
  let last;
  let y = 0;
  for (const det of ['residual', 'spectral']) {
    for (const [src, name] of [['real', 'real'], ['synthesis', 'generated'], ['realJpeg50', 'realJpeg50'], ['genJpeg50', 'generatedJpeg50']]) {
      const id = `${det}_${name}`;
      nodes.push([id, 'detect/Synthetic', { detector: `../models/detectors/${det}.card.json`, prefix: `${det}.${name}.` }, 1200, y]);
      edges.push(`${src}.image>${id}.image`);
      if (last) edges.push(`${last}.report>${id}.into`);
      last = id;
      y += 110;
    }
  }
  nodes.push(['save', 'std/SaveReport', { path: 'detect-benchmark.json' }, 1440, 0]);
  edges.push(`${last}.report>save.report`);
  floors.forEach(([key, op, than, message], i) => {
    const id = `floor${i}`;
    nodes.push([id, 'std/Assert', { key, op, than, message }, 1440, 110 + 90 * i]);
    edges.push(`${last}.report>${id}.report`);
  });
  nodes.push(
    ['embed', 'watermark/Embed', { key: KEY, payload: '5eed1e' }, 960, 500],
    ['decode', 'watermark/Decode', { key: KEY, payloadBits: 24 }, 1200, 500],
    ['markedResidual', 'detect/Synthetic', { detector: '../models/detectors/residual.card.json' }, 1200, 640],
    ['verdict', 'detect/Verdict', { keyName: 'example' }, 1440, 560],
    ['allMarked', 'std/Assert', { key: 'watermarked', op: '==', than: 32, message: 'every watermarked sample must be judged watermarked' }, 1680, 560],
  );
  edges.push('synthesis.image>embed.image', 'embed.image>decode.image', 'embed.image>markedResidual.image', 'decode.report>verdict.watermark', 'markedResidual.report>verdict.passive', 'verdict.report>allMarked.report');
  return graph(
    'Detection check (CI)',
    'Scores 32 held-out renders and 32 held-out samples of models/faces64, clean and after JPEG 50, with the residual and spectral detectors into detect-benchmark.json; asserts how many each flags at FPR 1 % (threshold fixed on real images); and checks that watermarked samples are judged "watermarked". npm run bench has the full benchmark.',
    ['faces', 'sg', 'attacks', 'detect', 'wm', 'std'],
    nodes,
    edges,
  );
}

/**
 * Projector settings of the examples: from the encoder's W+ without w noise and with a 1e3
 * noise penalty; 40 steps at NVIDIA's lr 0.1 (sized for CI). The benchmark's full-quality
 * setting is 500 steps at lr 1.
 */
const PROJECT = { space: 'W+', steps: 40, wNoise: 0, noiseReg: 1000, previewEvery: 10 };

/**
 * Inverting held-out renders (faces the model never saw): encoder → projector, each shown next to
 * its target, the projector's PSNR curve, the report, and floors on both reconstructions.
 */
function invert() {
  return graph(
    'Invert real images',
    'Projects four held-out renders (seeds the model and its encoder never saw) into W+: the encoder gives a start in one pass, the projector refines it. Writes target | reconstruction sheets for both, the PSNR curve and invert.json; asserts both reach their floors. For full quality: --set project.steps=500 --set project.lr=1 (35 dB on held-out faces in the plugin’s benchmark).',
    ['sg', 'io', 'faces', 'inv', 'std'],
    [
      ['model', 'stylegan/LoadGenerator', { path: MODEL }, 0, 200],
      ['faces', 'faces/RenderFaces', { seeds: '70200-70203', size: 64 }, 0, 0],
      ['encode', 'inversion/Encode', {}, 260, 100],
      ['encoded', 'stylegan/Synthesis', {}, 520, 0],
      ['project', 'inversion/Project', PROJECT, 520, 200],
      ['encodedSheet', 'io/ImageGrid', { cols: 1, padding: 2 }, 780, 0],
      ['projectedSheet', 'io/ImageGrid', { cols: 1, padding: 2 }, 780, 200],
      ['saveEncoded', 'io/SaveImage', { path: 'invert-encoded.png' }, 1020, 0],
      ['saveProjected', 'io/SaveImage', { path: 'invert-projected.png' }, 1020, 200],
      ['saveCurve', 'io/SaveImage', { path: 'invert-curve.png' }, 1020, 320],
      ['encodedVsTarget', 'io/ImageCompare', { prefix: 'encoded.' }, 780, -120],
      ['projectedVsTarget', 'io/ImageCompare', { prefix: 'projected.' }, 780, 440],
      ['encodedFloor', 'std/Assert', { key: 'encoded.psnr', op: '>=', than: 20, message: 'the encoder alone must reconstruct held-out faces to 20 dB' }, 1020, -120],
      ['projectedFloor', 'std/Assert', { key: 'projected.psnr', op: '>=', than: 25, message: 'the projector must reconstruct held-out faces to 25 dB in 40 steps' }, 1020, 440],
      ['save', 'std/SaveReport', { path: 'invert.json' }, 1020, 560],
    ],
    [
      ...gen('encode', 'encoded', 'project'),
      'faces.image>encode.image',
      'encode.w>encoded.w',
      'encode.w>project.init',
      'faces.image>project.target',
      'encoded.image>encodedSheet.image',
      'faces.image>encodedSheet.rowHeader',
      'project.image>projectedSheet.image',
      'faces.image>projectedSheet.rowHeader',
      'encodedSheet.image>saveEncoded.image',
      'projectedSheet.image>saveProjected.image',
      'project.curve>saveCurve.image',
      'encoded.image>encodedVsTarget.a',
      'faces.image>encodedVsTarget.b',
      'project.image>projectedVsTarget.a',
      'faces.image>projectedVsTarget.b',
      'encodedVsTarget.report>encodedFloor.report',
      'projectedVsTarget.report>projectedFloor.report',
      'project.report>save.report',
    ],
  );
}

/** The style-mixing figure for real images: two pairs of held-out renders inverted, then mixed coarse and fine. */
function invertAndMix() {
  const side = (id, seeds, y) => [
    [`${id}Faces`, 'faces/RenderFaces', { seeds, size: 64 }, 0, y],
    [`${id}Encode`, 'inversion/Encode', {}, 260, y],
    [`${id}Project`, 'inversion/Project', PROJECT, 520, y],
  ];
  const wires = (id) => [`${id}Faces.image>${id}Encode.image`, `${id}Encode.w>${id}Project.init`, `${id}Faces.image>${id}Project.target`];
  return graph(
    'Invert and mix real images',
    'The style-mixing figure for photos: two held-out renders per side are inverted (encoder → projector), then each row’s latent takes the coarse (pose, face shape) or fine (colours, detail) layers of each column’s. Headers are the reconstructions; mixes use the stored noise.',
    ['sg', 'io', 'faces', 'inv'],
    [
      ['model', 'stylegan/LoadGenerator', { path: MODEL }, 0, 240],
      ...side('row', '70300,70301', 0),
      ...side('col', '70302,70303', 480),
      ['mixCoarse', 'stylegan/StyleMix', { layers: 'coarse' }, 780, 180],
      ['mixFine', 'stylegan/StyleMix', { layers: 'fine' }, 780, 300],
      ['coarse', 'stylegan/Synthesis', {}, 1020, 180],
      ['fine', 'stylegan/Synthesis', {}, 1020, 300],
      ['gridCoarse', 'io/ImageGrid', { padding: 2 }, 1260, 180],
      ['gridFine', 'io/ImageGrid', { padding: 2 }, 1260, 300],
      ['saveCoarse', 'io/SaveImage', { path: 'invert-mix-coarse.png' }, 1500, 180],
      ['saveFine', 'io/SaveImage', { path: 'invert-mix-fine.png' }, 1500, 300],
    ],
    [
      ...gen('rowEncode', 'rowProject', 'colEncode', 'colProject', 'coarse', 'fine'),
      ...wires('row'),
      ...wires('col'),
      ...['Coarse', 'Fine'].flatMap((v) => {
        const l = v.toLowerCase();
        return [`rowProject.w>mix${v}.rows`, `colProject.w>mix${v}.cols`, `mix${v}.w>${l}.w`, `${l}.image>grid${v}.image`, `rowProject.image>grid${v}.rowHeader`, `colProject.image>grid${v}.colHeader`, `grid${v}.image>save${v}.image`];
      }),
    ],
  );
}

/**
 * StyleGAN3's equivariance, on the random-weight demo generator: one latent rendered while
 * its Fourier input pans and turns (16 frames and a sheet), and EQ-T, EQ-T_frac and EQ-R over
 * 8 other latents (one report, the pairs compared, and a floor on EQ-T).
 */
function stylegan3PanRotate() {
  const SG3 = '../models/sg3t-demo64';
  return graph(
    'StyleGAN3: pan and rotate the input',
    'A StyleGAN3-T generator rendered while its input is translated and rotated (gen_images.py --translate/--rotate), 16 frames from no motion to a quarter turn and a shift of (0.25, 0.1) image widths, saved as frames/ and one sheet; then EQ-T, EQ-T_frac and EQ-R (“Alias-Free GANs”): PSNR between transformed outputs and outputs of transformed inputs over 8 latents, with the pairs compared. A StyleGAN3-T is built for translation, not rotation: expect a high EQ-T and a low EQ-R. The bundled StyleGAN3 is an untrained random-weight demo (models/sg3t-demo64/MODEL.md): point the loader at an NVIDIA StyleGAN3 .pkl for real pictures.',
    ['sg', 'io', 'std'],
    [
      ['model', 'stylegan/LoadGenerator', { path: SG3 }, 0, 200],
      ['seed', 'stylegan/SeedLatents', { seeds: '3' }, 260, 0],
      ['mapping', 'stylegan/Mapping', {}, 500, 0],
      ['repeat', 'stylegan/RepeatW', { count: 16 }, 740, 0],
      ['motion', 'stylegan/InputTransform', { translate: [0, 0], rotate: 0, frames: 16, translateTo: [0.25, 0.1], rotateTo: 90 }, 740, 140],
      ['synthesis', 'stylegan/Synthesis', {}, 980, 60],
      ['frames', 'io/SaveImage', { path: 'frames/frame-{index:02}.png' }, 1220, 0],
      ['sheet', 'io/ImageGrid', { cols: 8, padding: 2 }, 1220, 120],
      ['saveSheet', 'io/SaveImage', { path: 'pan-rotate.png' }, 1460, 120],
      ['eqSeeds', 'stylegan/SeedLatents', { seeds: '0-7' }, 260, 320],
      ['eqMapping', 'stylegan/Mapping', {}, 500, 320],
      ['eq', 'stylegan/Equivariance', { metric: 'EQ-T', seed: 0 }, 740, 320],
      ['eqFrac', 'stylegan/Equivariance', { metric: 'EQ-T_frac', seed: 0 }, 980, 320],
      ['eqRot', 'stylegan/Equivariance', { metric: 'EQ-R', seed: 0 }, 1220, 320],
      ['eqReport', 'std/SaveReport', { path: 'equivariance.json' }, 1460, 280],
      ['eqFloor', 'std/Assert', { key: 'eqT', op: '>=', than: 40, message: 'a StyleGAN3-T generator must be translation-equivariant (EQ-T in dB)' }, 1460, 400],
      ['eqGrid', 'io/ImageGrid', { cols: 4, padding: 2 }, 980, 520],
      ['saveEq', 'io/SaveImage', { path: 'eq-t-pairs.png' }, 1220, 520],
      ['eqRotGrid', 'io/ImageGrid', { cols: 4, padding: 2 }, 1460, 520],
      ['saveEqRot', 'io/SaveImage', { path: 'eq-r-pairs.png' }, 1700, 520],
    ],
    [
      ...gen('seed', 'mapping', 'synthesis', 'eqSeeds', 'eqMapping', 'eq', 'eqFrac', 'eqRot'),
      'seed.z>mapping.z',
      'mapping.w>repeat.w',
      'repeat.w>synthesis.w',
      'motion.transform>synthesis.transform',
      'synthesis.image>frames.image',
      'synthesis.image>sheet.image',
      'sheet.image>saveSheet.image',
      'eqSeeds.z>eqMapping.z',
      'eqMapping.w>eq.w',
      'eqMapping.w>eqFrac.w',
      'eqMapping.w>eqRot.w',
      'eq.report>eqFrac.into',
      'eqFrac.report>eqRot.into',
      'eqRot.report>eqReport.report',
      'eqRot.report>eqFloor.report',
      'eq.pairs>eqGrid.image',
      'eqGrid.image>saveEq.image',
      'eqRot.pairs>eqRotGrid.image',
      'eqRotGrid.image>saveEqRot.image',
    ],
  );
}

const examples = {
  'stylegan3-pan-rotate': stylegan3PanRotate(),
  generate: graph(
    'Generate a seed grid',
    'Images for a list of seeds (NumPy-exact z, like generate.py --seeds), truncated toward the average face, tiled into one PNG.',
    ['sg', 'io'],
    [
      ['model', 'stylegan/LoadGenerator', { path: MODEL }, 0, 120],
      ['seeds', 'stylegan/SeedLatents', { seeds: '0-15' }, 280, 0],
      ['mapping', 'stylegan/Mapping', {}, 520, 40],
      ['truncation', 'stylegan/Truncation', { psi: 0.7 }, 760, 80],
      ['synthesis', 'stylegan/Synthesis', {}, 1000, 120],
      ['grid', 'io/ImageGrid', { cols: 8, padding: 2 }, 1240, 120],
      ['save', 'io/SaveImage', { path: 'generate.png' }, 1480, 120],
    ],
    [...gen('seeds', 'mapping', 'truncation', 'synthesis'), 'seeds.z>mapping.z', 'mapping.w>truncation.w', 'truncation.w>synthesis.w', 'synthesis.image>grid.image', 'grid.image>save.image'],
  ),
  'style-mixing': graph(
    'Style mixing',
    'The style-mixing figure (rows × columns like style_mixing.py): each cell is its row’s latent with the coarse (pose, face shape, hair length), middle or fine (colours, detail) layers taken from its column’s latent.',
    ['sg', 'io'],
    [
      ['model', 'stylegan/LoadGenerator', { path: MODEL }, 0, 300],
      ['rowSeeds', 'stylegan/SeedLatents', { seeds: '85,100,75,458,1500' }, 260, 100],
      ['colSeeds', 'stylegan/SeedLatents', { seeds: '55,821,1789,293' }, 260, 460],
      ['rowMapping', 'stylegan/Mapping', {}, 500, 100],
      ['colMapping', 'stylegan/Mapping', {}, 500, 460],
      ['rowTruncation', 'stylegan/Truncation', { psi: 0.7 }, 740, 100],
      ['colTruncation', 'stylegan/Truncation', { psi: 0.7 }, 740, 460],
      ['rowImages', 'stylegan/Synthesis', {}, 1000, 0],
      ['colImages', 'stylegan/Synthesis', {}, 1000, 600],
      ['mixCoarse', 'stylegan/StyleMix', { layers: 'coarse' }, 1000, 180],
      ['mixMiddle', 'stylegan/StyleMix', { layers: 'middle' }, 1000, 300],
      ['mixFine', 'stylegan/StyleMix', { layers: 'fine' }, 1000, 420],
      ['coarse', 'stylegan/Synthesis', {}, 1240, 180],
      ['middle', 'stylegan/Synthesis', {}, 1240, 300],
      ['fine', 'stylegan/Synthesis', {}, 1240, 420],
      ['gridCoarse', 'io/ImageGrid', { padding: 2 }, 1480, 180],
      ['gridMiddle', 'io/ImageGrid', { padding: 2 }, 1480, 300],
      ['gridFine', 'io/ImageGrid', { padding: 2 }, 1480, 420],
      ['saveCoarse', 'io/SaveImage', { path: 'style-mixing-coarse.png' }, 1720, 180],
      ['saveMiddle', 'io/SaveImage', { path: 'style-mixing-middle.png' }, 1720, 300],
      ['saveFine', 'io/SaveImage', { path: 'style-mixing-fine.png' }, 1720, 420],
    ],
    [
      ...gen('rowSeeds', 'colSeeds', 'rowMapping', 'colMapping', 'rowTruncation', 'colTruncation', 'rowImages', 'colImages', 'coarse', 'middle', 'fine'),
      'rowSeeds.z>rowMapping.z',
      'colSeeds.z>colMapping.z',
      'rowMapping.w>rowTruncation.w',
      'colMapping.w>colTruncation.w',
      'rowTruncation.w>rowImages.w',
      'colTruncation.w>colImages.w',
      ...['Coarse', 'Middle', 'Fine'].flatMap((v) => {
        const l = v.toLowerCase();
        return [`rowTruncation.w>mix${v}.rows`, `colTruncation.w>mix${v}.cols`, `mix${v}.w>${l}.w`, `${l}.image>grid${v}.image`, `rowImages.image>grid${v}.rowHeader`, `colImages.image>grid${v}.colHeader`, `grid${v}.image>save${v}.image`];
      }),
    ],
  ),
  'truncation-sweep': graph(
    'Truncation sweep',
    'Each seed (a row) at ψ from −1 to 1: ψ = 0 is the average face, negative ψ the “anti-face” with opposite attributes.',
    ['sg', 'io'],
    [
      ['model', 'stylegan/LoadGenerator', { path: MODEL }, 0, 80],
      ['seeds', 'stylegan/SeedLatents', { seeds: '1,5,26,300,1211,4242' }, 260, 0],
      ['mapping', 'stylegan/Mapping', {}, 500, 40],
      ['sweep', 'stylegan/TruncationSweep', { from: -1, to: 1, steps: 9 }, 740, 80],
      ['synthesis', 'stylegan/Synthesis', {}, 980, 80],
      ['grid', 'io/ImageGrid', { cols: 9, padding: 2 }, 1220, 80],
      ['save', 'io/SaveImage', { path: 'truncation-sweep.png' }, 1460, 80],
    ],
    [...gen('seeds', 'mapping', 'sweep', 'synthesis'), 'seeds.z>mapping.z', 'mapping.w>sweep.w', 'sweep.w>synthesis.w', 'synthesis.image>grid.image', 'grid.image>save.image'],
  ),
  'noise-variation': graph(
    'Noise variation',
    'One w per row with eight noise draws changes only fine detail (hair strands, freckles, grain); the per-pixel std over each row shows where. Then noise in all, no, coarse (4–8 px) only and fine (64 px) only layers.',
    ['sg', 'io'],
    [
      ['model', 'stylegan/LoadGenerator', { path: MODEL }, 0, 260],
      ['seeds', 'stylegan/SeedLatents', { seeds: '7,42' }, 260, 180],
      ['mapping', 'stylegan/Mapping', {}, 500, 180],
      ['truncation', 'stylegan/Truncation', { psi: 0.7 }, 740, 180],
      ['repeat', 'stylegan/RepeatW', { count: 8 }, 980, 180],
      ['noiseAll', 'stylegan/Noise', { mode: 'random', seed: 0 }, 980, 0],
      ['noiseNone', 'stylegan/Noise', { mode: 'none' }, 980, 320],
      ['noiseCoarse', 'stylegan/Noise', { mode: 'random', seed: 0, layers: 'coarse' }, 980, 440],
      ['noiseFine', 'stylegan/Noise', { mode: 'random', seed: 0, layers: 'fine' }, 980, 560],
      ['draws', 'stylegan/Synthesis', {}, 1240, 0],
      ['none', 'stylegan/Synthesis', {}, 1240, 320],
      ['coarse', 'stylegan/Synthesis', {}, 1240, 440],
      ['fine', 'stylegan/Synthesis', {}, 1240, 560],
      ['std', 'io/PixelStd', { groupSize: 8 }, 1480, 120],
      ['gridDraws', 'io/ImageGrid', { cols: 8, padding: 2 }, 1480, 0],
      ['gridStd', 'io/ImageGrid', { cols: 1, padding: 2 }, 1720, 120],
      ['gridNone', 'io/ImageGrid', { cols: 8, padding: 2 }, 1480, 320],
      ['gridCoarse', 'io/ImageGrid', { cols: 8, padding: 2 }, 1480, 440],
      ['gridFine', 'io/ImageGrid', { cols: 8, padding: 2 }, 1480, 560],
      ['saveDraws', 'io/SaveImage', { path: 'noise-all.png' }, 1720, 0],
      ['saveStd', 'io/SaveImage', { path: 'noise-std.png' }, 1960, 120],
      ['saveNone', 'io/SaveImage', { path: 'noise-none.png' }, 1720, 320],
      ['saveCoarse', 'io/SaveImage', { path: 'noise-coarse.png' }, 1720, 440],
      ['saveFine', 'io/SaveImage', { path: 'noise-fine.png' }, 1720, 560],
    ],
    [
      ...gen('seeds', 'mapping', 'truncation', 'noiseAll', 'noiseNone', 'noiseCoarse', 'noiseFine', 'draws', 'none', 'coarse', 'fine'),
      'seeds.z>mapping.z',
      'mapping.w>truncation.w',
      'truncation.w>repeat.w',
      ...[['draws', 'All', 'Draws'], ['none', 'None', 'None'], ['coarse', 'Coarse', 'Coarse'], ['fine', 'Fine', 'Fine']].flatMap(([s, n, g]) => [
        `repeat.w>${s}.w`,
        `noise${n}.noise>${s}.noise`,
        `${s}.image>grid${g}.image`,
        `grid${g}.image>save${g}.image`,
      ]),
      'draws.image>std.image',
      'std.image>gridStd.image',
      'gridStd.image>saveStd.image',
    ],
  ),
  interpolation: graph(
    'Interpolation',
    'A loop through four seeds by linear interpolation in W: one PNG per frame plus a contact sheet.',
    ['sg', 'io'],
    [
      ['model', 'stylegan/LoadGenerator', { path: MODEL }, 0, 80],
      ['seeds', 'stylegan/SeedLatents', { seeds: '10,20,30,40,10' }, 260, 0],
      ['mapping', 'stylegan/Mapping', {}, 500, 40],
      ['truncation', 'stylegan/Truncation', { psi: 0.7 }, 740, 80],
      ['frames', 'stylegan/Interpolate', { steps: 8 }, 980, 80],
      ['synthesis', 'stylegan/Synthesis', {}, 1220, 80],
      ['saveFrames', 'io/SaveImage', { path: 'frames/frame-{index:03}.png', embedGraph: false }, 1460, 0],
      ['grid', 'io/ImageGrid', { cols: 11, padding: 2 }, 1460, 160],
      ['save', 'io/SaveImage', { path: 'interpolation.png' }, 1700, 160],
    ],
    [...gen('seeds', 'mapping', 'truncation', 'synthesis'), 'seeds.z>mapping.z', 'mapping.w>truncation.w', 'truncation.w>frames.w', 'frames.w>synthesis.w', 'synthesis.image>saveFrames.image', 'synthesis.image>grid.image', 'grid.image>save.image'],
  ),
  'mixing-ci': graph(
    'Style-mixing checks (CI)',
    'Asserts what style mixing and noise promise: equal W+ with const noise gives bit-identical images; taking only the fine layers from another latent keeps the coarse structure (high PSNR to the original), taking the coarse layers does not. Exit 1 names the failed assertion.',
    ['sg', 'io', 'std'],
    [
      ['model', 'stylegan/LoadGenerator', { path: MODEL }, 0, 240],
      ['seedsA', 'stylegan/SeedLatents', { seeds: '3,8,13,21' }, 260, 120],
      ['seedsA2', 'stylegan/SeedLatents', { seeds: '3,8,13,21' }, 260, 0],
      ['seedsB', 'stylegan/SeedLatents', { seeds: '104,107,109,111' }, 260, 360],
      ['mapA', 'stylegan/Mapping', {}, 500, 120],
      ['mapA2', 'stylegan/Mapping', {}, 500, 0],
      ['mapB', 'stylegan/Mapping', {}, 500, 360],
      ['imgA', 'stylegan/Synthesis', { batchSize: 4 }, 760, 120],
      ['imgA2', 'stylegan/Synthesis', { batchSize: 1 }, 760, 0],
      ['mixFine', 'stylegan/StyleMix', { layers: 'fine', mode: 'pairs' }, 760, 240],
      ['mixCoarse', 'stylegan/StyleMix', { layers: 'coarse', mode: 'pairs' }, 760, 360],
      ['imgFine', 'stylegan/Synthesis', {}, 1000, 240],
      ['imgCoarse', 'stylegan/Synthesis', {}, 1000, 360],
      ['same', 'io/ImageCompare', { domain: 'float', prefix: 'same.' }, 1000, 0],
      ['fineVsA', 'io/ImageCompare', { prefix: 'fine.' }, 1240, 240],
      ['coarseVsA', 'io/ImageCompare', { prefix: 'coarse.' }, 1240, 360],
      ['identical', 'std/Assert', { key: 'same.maxAbs', op: '==', than: 0, message: 'equal W+ with const noise must give bit-identical images' }, 1240, 0],
      ['fineKeeps', 'std/Assert', { key: 'fine.psnr', op: '>=', than: 19, message: 'mixing only the fine layers must keep the coarse structure' }, 1480, 240],
      ['coarseChanges', 'std/Assert', { key: 'coarse.psnr', op: '<=', than: 14, message: 'mixing the coarse layers must change the face' }, 1480, 360],
    ],
    [
      ...gen('seedsA', 'seedsA2', 'seedsB', 'mapA', 'mapA2', 'mapB', 'imgA', 'imgA2', 'imgFine', 'imgCoarse'),
      'seedsA.z>mapA.z',
      'seedsA2.z>mapA2.z',
      'seedsB.z>mapB.z',
      'mapA.w>imgA.w',
      'mapA2.w>imgA2.w',
      'mapA.w>mixFine.rows',
      'mapB.w>mixFine.cols',
      'mapA.w>mixCoarse.rows',
      'mapB.w>mixCoarse.cols',
      'mixFine.w>imgFine.w',
      'mixCoarse.w>imgCoarse.w',
      'imgA.image>same.a',
      'imgA2.image>same.b',
      'same.report>identical.report',
      'imgFine.image>fineVsA.a',
      'imgA.image>fineVsA.b',
      'imgCoarse.image>coarseVsA.a',
      'imgA.image>coarseVsA.b',
      'fineVsA.report>fineKeeps.report',
      'coarseVsA.report>coarseChanges.report',
    ],
  ),
  'watermark-robustness': watermarkRobustness(),
  'detect-benchmark': detectBenchmark(DETECT_FLOORS),
  invert: invert(),
  'invert-and-mix': invertAndMix(),
  'train-detector': graph(
    'Train a spectral detector',
    'Trains and calibrates a spectral detector on your own real and generated images (two folders of PNG/JPEG, at least 100 each; every fifth image is held out for calibration) and writes spectral-detector.onnx + spectral-detector.card.json for detect/Synthetic. Run with --set real.folder=… --set generated.folder=… (and --set real.size=…/generated.size=… for images that are not 64 px).',
    ['io', 'detect', 'std'],
    [
      ['real', 'io/LoadFolder', { folder: 'data/real', size: 64 }, 0, 0],
      ['generated', 'io/LoadFolder', { folder: 'data/generated', size: 64 }, 0, 160],
      ['train', 'detect/TrainSpectral', { out: 'spectral-detector', name: 'my-spectral' }, 280, 60],
      ['save', 'std/SaveReport', { path: 'training.json' }, 560, 60],
    ],
    ['real.image>train.real', 'generated.image>train.generated', 'train.report>save.report'],
  ),
};

for (const [name, doc] of Object.entries(examples)) {
  writeFileSync(new URL(`../../examples/${name}.graph.json`, import.meta.url), serializeGraph(doc));
  console.log(`wrote examples/${name}.graph.json`);
}
