import { loadModel, StyleGAN2, buildMapping } from '@stylegraph/ops-gpu';
import { folderSource, createNodeCompute } from '@stylegraph/ops-gpu/node';
import { RandomState, tensor } from '@stylegraph/core';
import { project, wStats, NVIDIA_SCHEDULE } from '@stylegraph/plugin-inversion';
import { renderFace, sampleAttributes } from '@stylegraph/plugin-faces';
const model = await loadModel(folderSource('models/faces64'));
const compute = createNodeCompute({ backend: 'cpu' });
const sg = new StyleGAN2(model, compute);
const t0 = performance.now();
const stats = await wStats(sg);
console.log('wstats', stats.std, (performance.now()-t0)|0, 'ms');
const B = +process.env.B || 4, steps = +process.env.STEPS || 200;
const z = tensor('float32', [B, 128], Float32Array.from(new RandomState(400000).randn(B*128)));
const ws = await sg.mapping(z);
let { img } = await sg.synthesis(ws, { noise: 'random', noiseSeed: 5 });
if (process.env.RENDERS) { const d = new Float32Array(B*3*64*64); for (let i=0;i<B;i++) d.set(renderFace(sampleAttributes(70000+i), 64, ((70000+i) ^ 0x5eed) >>> 0), i*3*64*64); img = tensor('float32',[B,3,64,64],d); }
const W = JSON.parse(process.env.WEIGHTS || '{}');
for (const space of (process.env.SPACES || 'W+').split(',')) {
  const r = await project(model, compute, img, { space, steps, schedule: { ...NVIDIA_SCHEDULE, ...JSON.parse(process.env.SCHED || "{}") }, weights: { pixel: 1, multiscale: 0, perceptual: 0, noiseReg: 1e5, ...W }, stats, seed: 0, threads: 1 });
  console.log(space, 'psnr', r.psnr.map(p=>p.toFixed(2)).join(' '), 'mean', (r.psnr.reduce((a,b)=>a+b)/B).toFixed(2), 's', r.seconds.toFixed(1), 'ms/step', (r.seconds*1000/r.steps).toFixed(1));
}
