/** Importing checkpoints: NVIDIA StyleGAN2-ADA pickles, PyTorch and TensorFlow (restricted unpickler), torch.save state dicts, safetensors. */
export { readCheckpoint } from './checkpoint.js';
export { readNvidiaPickle } from './nvidia-pkl.js';
export { readTfPickle } from './tf-pkl.js';
export { CheckpointError } from './errors.js';
export { unpickle, UnpickleError, PyDict, PyTuple, PyObject, type PyValue, type GlobalHandler, type UnpickleOptions } from './pickle.js';
