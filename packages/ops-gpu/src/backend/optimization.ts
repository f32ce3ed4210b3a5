/**
 * Default graph optimization level per provider. onnxruntime's "extended" fusions miscompute
 * on the WebGPU provider (a Conv → bias → LeakyRelu·gain → Clip chain, as in the StyleGAN2
 * discriminator with conv_clamp, came out wrong by up to 145 while "basic" matched the CPU
 * within 1.3e-4), so WebGPU sessions stop at "basic" unless asked otherwise.
 */
export type OptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export const defaultOptimization = (provider: string): OptimizationLevel => (provider === 'webgpu' ? 'basic' : 'all');
