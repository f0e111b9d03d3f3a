/**
 * redis-blip: SHUTDOWN SAVE the bench's Redis and start it again on the same port with its
 * data. Publishes fail while it is away (the fault, not bad input), and its INFO counters
 * restart with it.
 */
import { everyClient, type FaultKindModule } from "./fault-kind-module.ts";

export const redisBlip: FaultKindModule = {
  kind: "redis-blip",
  targetClients: everyClient,
  async inject(spec, targets) {
    const blip = targets.redis?.blip;
    if (!targets.redis || !blip) {
      throw new Error(
        "redis-blip needs the Redis the bench manages (it is shut down and started again); unset REDIS_URL / --redis-url to run it",
      );
    }
    const { downMs } = await blip.call(targets.redis, spec.durationMs);
    return {
      action: `SHUTDOWN SAVE Redis, start it again on the same port with its data: unreachable ${Math.round(downMs)} ms`,
    };
  },
  expectsPublishFailures: true,
  restartsRedis: true,
  readsServerCuts: false,
};
