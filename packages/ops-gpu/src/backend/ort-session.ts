/**
 * A Session over an onnxruntime InferenceSession (the API onnxruntime-node and onnxruntime-web
 * share): host tensors in and out, and device tensors that stay where onnxruntime left them
 * (GPU buffers when the session prefers 'gpu-buffer' outputs) and can feed the next session.
 * How device data is read back is pluggable (onnxruntime-node needs a workaround for GPU buffers).
 */
import { tensor, type Tensor } from '@stylegraph/core';
import type * as Ort from 'onnxruntime-common';
import { isDeviceTensor, type DeviceTensor, type Feed, type Session } from './types.js';

/** The part of an onnxruntime module a session needs. */
export interface OrtApi {
  readonly Tensor: typeof Ort.Tensor;
}

/** Reads a device-resident onnxruntime tensor back to host memory. */
export type Downloader = (value: Ort.Tensor) => Promise<Tensor['data']>;

const getData: Downloader = async (v) => (v.location === 'cpu' ? v.data : await v.getData()) as Tensor['data'];

class OrtDeviceTensor implements DeviceTensor {
  readonly kind = 'device-tensor';
  constructor(
    readonly backend: string,
    /** The onnxruntime module that made `value`; a session of another one cannot take it. */
    readonly api: OrtApi,
    readonly value: Ort.Tensor,
    private readonly read: Downloader,
  ) {}
  get dtype() {
    return this.value.type as Tensor['dtype'];
  }
  get dims() {
    return this.value.dims;
  }
  get location() {
    return this.value.location;
  }
  async download(): Promise<Tensor> {
    return tensor(this.dtype, this.dims, this.value.location === 'cpu' ? (this.value.data as Tensor['data']) : await this.read(this.value));
  }
  dispose(): void {
    this.value.dispose();
  }
}

export class OrtSession implements Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];

  constructor(
    readonly backend: string,
    private readonly api: OrtApi,
    private readonly inner: Ort.InferenceSession,
    private readonly read: Downloader = getData,
  ) {
    this.inputNames = inner.inputNames;
    this.outputNames = inner.outputNames;
  }

  private async toOrt(name: string, f: Feed): Promise<Ort.Tensor> {
    if (isDeviceTensor(f)) {
      if (f instanceof OrtDeviceTensor && f.api === this.api && (f.backend === this.backend || f.value.location === 'cpu')) return f.value;
      return this.toOrt(name, await f.download());
    }
    const T = this.api.Tensor as unknown as new (type: string, data: Tensor['data'], dims: readonly number[]) => Ort.Tensor;
    return new T(f.dtype, f.data, f.dims);
  }

  async runOnDevice(feeds: Readonly<Record<string, Feed>>, outputs?: readonly string[]): Promise<Record<string, DeviceTensor>> {
    const missing = this.inputNames.filter((n) => !(n in feeds));
    if (missing.length) throw new Error(`session (${this.backend}): missing inputs ${missing.join(', ')}; expects ${this.inputNames.join(', ')}`);
    const unknown = (outputs ?? []).filter((n) => !this.outputNames.includes(n));
    if (unknown.length) throw new Error(`session (${this.backend}): unknown outputs ${unknown.join(', ')}; has ${this.outputNames.join(', ')}`);
    const ortFeeds: Record<string, Ort.Tensor> = {};
    for (const n of this.inputNames) ortFeeds[n] = await this.toOrt(n, feeds[n] as Feed);
    const res = await this.inner.run(ortFeeds, outputs ?? this.outputNames);
    const out: Record<string, DeviceTensor> = {};
    for (const [k, v] of Object.entries(res)) {
      out[k] = new OrtDeviceTensor(this.backend, this.api, v as Ort.Tensor, this.read);
    }
    return out;
  }

  async run(feeds: Readonly<Record<string, Feed>>, outputs?: readonly string[]): Promise<Record<string, Tensor>> {
    const dev = await this.runOnDevice(feeds, outputs);
    const out: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(dev)) {
      out[k] = await v.download();
      if (v.location !== 'cpu') v.dispose();
    }
    return out;
  }

  async release(): Promise<void> {
    await this.inner.release();
  }
}
