/** The onnxruntime session options that carry a session's memory settings. */
import type { OrtMemorySettings } from './types.js';

export interface OrtMemoryOptions {
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
  extra?: Record<string, string>;
}

/** Only the settings given, so onnxruntime's defaults apply to the others. */
export function ortMemoryOptions(m: OrtMemorySettings | undefined): OrtMemoryOptions {
  if (!m) return {};
  return {
    ...(m.cpuArena !== undefined && { enableCpuMemArena: m.cpuArena }),
    ...(m.memPattern !== undefined && { enableMemPattern: m.memPattern }),
    ...(m.extra && Object.keys(m.extra).length > 0 && { extra: { ...m.extra } }),
  };
}
