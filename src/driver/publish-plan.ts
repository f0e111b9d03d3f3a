/**
 * A run's publishing as plain data (who, how often, when, how big), and the one place that turns
 * it into a running publisher. Plain data because it also crosses to the publisher thread
 * (src/driver/publisher-thread/), which starts the same publisher from the same plan, so the
 * schedule and the user choice are identical wherever the publisher runs.
 */
import type { Fanout, PublishModel } from "../model/scenario.ts";
import { createPublishSchedule, createRng } from "./publish-schedule.ts";
import { type PublisherOptions, type RunningPublisher, startPublisher } from "./publisher.ts";

export interface PublishPlan {
  userIds: readonly string[];
  fanout: Fanout;
  userChoice: PublisherOptions["userChoice"];
  /** Seed of the user choice ("random"); the schedule's own seed is its default. */
  userChoiceSeed: number;
  /** Schedule events per second (all-users: broadcasts, not notifications). */
  ratePerSec: number;
  model: PublishModel;
  /** Intended times, µs on the clock the publisher is started with. */
  startUs: number;
  endUs: number;
  payloadBytes: number;
}

/** Starts the publisher `plan` describes, publishing through `publish`. */
export function startPlannedPublisher(
  plan: PublishPlan,
  how: Pick<PublisherOptions, "publish" | "clock" | "onPublished">,
): RunningPublisher {
  return startPublisher({
    publish: how.publish,
    userIds: plan.userIds,
    fanout: plan.fanout,
    userChoice: plan.userChoice,
    random: createRng(plan.userChoiceSeed),
    schedule: createPublishSchedule({
      ratePerSec: plan.ratePerSec,
      model: plan.model,
      startUs: plan.startUs,
      endUs: plan.endUs,
    }),
    clock: how.clock,
    payloadBytes: plan.payloadBytes,
    onPublished: how.onPublished,
  });
}
