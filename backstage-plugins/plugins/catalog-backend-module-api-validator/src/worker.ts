/** Worker-thread side of ValidatorWorker: validates one definition per message. */
import { parentPort, workerData } from 'node:worker_threads';
import type { ValidatorOptions } from './types';
import { validateDefinition, type ValidateInput } from './validate';

const options = (workerData as { options: ValidatorOptions }).options;
parentPort!.on('message', (msg: { id: number; input: ValidateInput }) => {
  try {
    parentPort!.postMessage({ id: msg.id, result: validateDefinition(msg.input, options) });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, crash: (e as Error).message ?? String(e) });
  }
});
parentPort!.postMessage({ ready: true });
