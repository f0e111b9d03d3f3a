/** A free TCP port on 127.0.0.1, for a child process that needs its port before it starts. */
import { createServer } from "node:net";

/** Bound and released at once: another process could take it in between, so callers retry or fail clearly. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
