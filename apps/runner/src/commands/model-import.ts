/**
 * `stylegraph model import <checkpoint> --out <dir>`: converts an NVIDIA StyleGAN2-ADA or StyleGAN3 pickle, an
 * original TensorFlow StyleGAN2 pickle
 * (or a torch.save / safetensors state dict with NVIDIA names) into a stylegraph model folder.
 * The checkpoint is read completely and checked before anything is written; the folder is
 * written atomically; an existing folder is replaced only with --force.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { sha256Hex } from '@stylegraph/core';
import { CheckpointError, ModelFileError, readCheckpoint, type LoadedModel } from '@stylegraph/ops-gpu';
import { saveModel } from '@stylegraph/ops-gpu/node';
import { UsageError } from '../graph-file.js';
import { errnoWords, isErrno } from '../host/errno.js';

export interface ImportOptions {
  readonly out: string;
  readonly force?: boolean;
  readonly convClamp?: string;
}

function card(model: LoadedModel, source: string, sha: string): string {
  const g = model.config.generator;
  const d = model.config.discriminator;
  return [
    `# ${model.config.name}`,
    '',
    `Imported by \`stylegraph model import\` from \`${source}\` (SHA-256 \`${sha}\`).`,
    '',
    `- Generator: ${g.resolution}×${g.resolution}, ${g.imgChannels} channels, z ${g.zDim}, w ${g.wDim}, ${g.numWs} ws, classes ${g.cDim}, ${g.mapping.numLayers} mapping layers, conv_clamp ${g.convClamp ?? 'none'}.`,
    `- Discriminator: ${d ? `resnet, mbstd group ${d.mbstdGroupSize}, classes ${d.cDim}` : 'not included'}.`,
    'channels' in g
      ? `- Channels: ${Object.entries(g.channels).map(([r, c]) => `${r}: ${c}`).join(', ')}.`
      : `- Architecture: ${g.architecture}, ${g.synthesis.numLayers} layers (${g.synthesis.numCritical} critically sampled), layers: ${g.layers.map((l) => l.name).join(', ')}.`,
    '',
    'Licence and training data: those of the original checkpoint.',
    '',
  ].join('\n');
}

export async function modelImportCommand(file: string, opts: ImportOptions, io: { out: (s: string) => void }): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const target = resolve(opts.out);
  if (!opts.force && (await stat(target).then(() => true, () => false))) {
    throw new UsageError(`${opts.out} already exists; choose another --out or pass --force to replace it`);
  }
  const clamp = opts.convClamp === undefined ? undefined : opts.convClamp === 'none' ? null : Number(opts.convClamp);
  if (clamp !== undefined && clamp !== null && !(clamp > 0)) throw new UsageError(`--conv-clamp must be a positive number or "none"`);
  let model: LoadedModel;
  try {
    model = await readCheckpoint(bytes, basename(file), { ...(clamp !== undefined && { convClamp: clamp }) });
  } catch (e) {
    if (e instanceof CheckpointError || e instanceof ModelFileError) throw new UsageError(e.message);
    throw e;
  }
  const sha = await sha256Hex(bytes);
  try {
    await saveModel(target, {
      config: model.config,
      generator: model.weights.generator,
      ...(model.weights.discriminator && { discriminator: model.weights.discriminator }),
      extra: { 'MODEL.md': card(model, basename(file), sha) },
    });
  } catch (e) {
    // e.g. --force onto a folder that is not a model: refused, nothing deleted.
    if (e instanceof ModelFileError) throw new UsageError(e.message);
    // e.g. --out below a regular file.
    if (isErrno(e)) throw new UsageError(`cannot write the model folder ${opts.out}: ${errnoWords(e.code)}`);
    throw e;
  }
  const g = model.config.generator;
  const family = g.architecture === 'skip' ? 'StyleGAN2' : g.architecture === 'stylegan3-t' ? 'StyleGAN3-T' : 'StyleGAN3-R';
  io.out(`wrote ${opts.out}: ${family} ${g.resolution} px, z ${g.zDim}, w ${g.wDim}, classes ${g.cDim}${model.config.discriminator ? ', with discriminator' : ''}`);
  return 0;
}
