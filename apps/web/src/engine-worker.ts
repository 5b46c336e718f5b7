/** The engine in a Web Worker: everything heavy happens here, so the page never freezes. */
import { answer, errorReply } from './engine-tasks.ts';
import type { WorkerReply, WorkerRequest } from './protocol.ts';

interface WorkerScope {
  postMessage(message: WorkerReply): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  const req = event.data;
  try {
    const reply = answer(req, (r) => scope.postMessage(r));
    if (reply instanceof Promise)
      reply.then(
        (r) => scope.postMessage(r),
        (error: unknown) => scope.postMessage(errorReply(req.id, error)),
      );
    else scope.postMessage(reply);
  } catch (error) {
    scope.postMessage(errorReply(req.id, error));
  }
};
