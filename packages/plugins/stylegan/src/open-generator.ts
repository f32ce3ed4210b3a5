/**
 * Opening a generator from the host's files: a model folder (config.json + safetensors), or a
 * checkpoint file — an NVIDIA StyleGAN2-ADA `.pkl` (read without executing it), a torch.save
 * state dict or safetensors. Used by stylegan/LoadGenerator and to re-open a stored handle.
 */
import { NodeError, sha256Hex, type FileAccess } from '@stylegraph/core';
import { CheckpointError, ModelFileError, loadModel, readCheckpoint } from '@stylegraph/ops-gpu';
import { generatorValue, type GeneratorSource, type StyleGANGenerator } from './generator-value.js';

const CHECKPOINT = /\.(pkl|pt|pth|safetensors)$/i;

export async function openGenerator(files: FileAccess, source: GeneratorSource, progress?: (fraction: number, message: string) => void): Promise<StyleGANGenerator> {
  const { path } = source;
  try {
    if (CHECKPOINT.test(path)) {
      const bytes = await files.read(path);
      progress?.(0.5, 'converting checkpoint');
      if (source.convClamp === undefined) return generatorValue(await readCheckpoint(bytes, path), source);
      const model = await readCheckpoint(bytes, path, { convClamp: source.convClamp });
      // The same file read with another conv_clamp is another network: its identity says so
      // (networks and sessions are cached by it).
      return generatorValue({ ...model, contentHash: await sha256Hex(`${model.contentHash}:convClamp=${String(source.convClamp)}`) }, source);
    }
    const dir = path.replace(/\/+$/, '');
    const model = await loadModel({ read: (n) => files.read(`${dir}/${n}`), exists: (n) => files.exists(`${dir}/${n}`) });
    return generatorValue(model, source);
  } catch (e) {
    if (e instanceof CheckpointError || e instanceof ModelFileError) throw new NodeError('MODEL_INVALID', `${path}: ${e.message}`);
    throw e;
  }
}
