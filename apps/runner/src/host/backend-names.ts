/** The compute backends a run may ask for by name (`auto` picks the best available). */
export const BACKENDS = ['auto', 'cpu', 'webgpu', 'cuda', 'tensorrt'] as const;
