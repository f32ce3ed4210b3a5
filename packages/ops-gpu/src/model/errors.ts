/** Errors about model files, with a stable code and the file (and tensor) at fault. */

export type ModelFileErrorCode =
  | 'SAFETENSORS_HEADER'
  | 'SAFETENSORS_DTYPE'
  | 'SAFETENSORS_SHAPE'
  | 'SAFETENSORS_OFFSETS'
  | 'CONFIG_INVALID'
  | 'TENSOR_MISSING'
  | 'TENSOR_SHAPE'
  | 'TENSOR_UNEXPECTED'
  | 'FILE_MISSING';

export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
  constructor(
    readonly code: ModelFileErrorCode,
    readonly file: string,
    message: string,
    readonly tensor?: string,
  ) {
    super(`${file}: ${tensor !== undefined ? `tensor "${tensor}" ` : ''}${message}`);
  }
}
