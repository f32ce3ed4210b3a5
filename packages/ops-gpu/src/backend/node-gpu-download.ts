/**
 * Reading GPU-buffer tensors back to the host under onnxruntime-node. Its binding can pass
 * GPU buffers between webgpu sessions but aborts the process on `Tensor.getData()` for them,
 * so a download runs an Identity model on the webgpu provider with host outputs instead
 * (one small session per element type and rank, kept by the downloader).
 */
import type { DType, Tensor } from '@stylegraph/core';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../onnx/builder.js';
import type { Downloader } from './ort-session.js';

function identityModel(dtype: DType, rank: number): Uint8Array {
  const g = new GraphBuilder();
  const dims = Array.from({ length: rank }, (_, i) => `d${i}`);
  g.output('y', g.identity(g.input('x', dtype, dims)));
  return g.toModel({ name: 'download' });
}

/** A downloader with its own Identity sessions (one per webgpu backend). */
export function identityDownloader(): Downloader {
  const sessions = new Map<string, Promise<ort.InferenceSession>>();
  return async (value) => {
    const dtype = value.type as DType;
    const key = `${dtype}/${value.dims.length}`;
    let s = sessions.get(key);
    if (!s) {
      s = ort.InferenceSession.create(identityModel(dtype, value.dims.length), { executionProviders: ['webgpu'] });
      sessions.set(key, s);
    }
    const out = await (await s).run({ x: value });
    return out['y']?.data as Tensor['data'];
  };
}
