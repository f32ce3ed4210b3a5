/** Importing checkpoints: NVIDIA StyleGAN2-ADA pickles through a restricted unpickler. */
export { readNvidiaPickle, CheckpointError } from './nvidia-pkl.js';
export { unpickle, UnpickleError, PyDict, PyTuple, PyObject, type PyValue, type GlobalHandler, type UnpickleOptions } from './pickle.js';
