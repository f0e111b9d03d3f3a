/**
 * One `--driver-workers` child process (src/run/driver-workers/worker.ts). The bench starts it
 * with an IPC channel; it is not meant to be run by hand.
 */

import { runDriverWorker } from "../src/run/driver-workers/worker.ts";

runDriverWorker();
