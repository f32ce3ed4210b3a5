/** The server's tRPC API. The editor imports its type (`AppRouter`) for a typed client. */
import { router } from './trpc.js';
import { graphRoutes } from './routes/graph.js';
import { fileRoutes } from './routes/files.js';
import { runRoutes } from './routes/run.js';
import { runFileRoutes } from './routes/run-files.js';
import { describeRoutes } from './routes/describe.js';
import { batchRoutes } from './routes/batch.js';

export const appRouter = router({
  graph: graphRoutes,
  files: fileRoutes,
  run: runRoutes,
  runFiles: runFileRoutes,
  describe: describeRoutes,
  batch: batchRoutes,
});

export type AppRouter = typeof appRouter;
