/** The `pcrs` namespace of the client: the generated fetchers plus the decoded posture walk. */
import type { PcrsClient } from "../../generated/pcrs/operations.js";
import type { RedactText } from "../redact/cut.js";
import type { PostureRecord } from "./posture-stream.js";
import { postureInfo, posturePlan, postureRecords, type PosturePlan, type PosturePlanOptions, type PostureInfoInit, type PostureRecordsOptions } from "./sequence.js";

export type PcrsModule = PcrsClient & {
  /** Which policies and host slices a posture walk covers (policy list, then host ids). */
  posturePlan(options?: PosturePlanOptions): Promise<PosturePlan>;
  /** One postureInfo call for the given slices, its records decoded as they arrive (gzip or not). */
  postureInfo(init: PostureInfoInit): AsyncGenerator<PostureRecord, void, undefined>;
  /** Every posture record: policy list → host ids → posture info in host slices. */
  postureRecords(options?: PostureRecordsOptions): AsyncGenerator<PostureRecord, void, undefined>;
};

/** `redact` scrubs errors on their way out; `redactText` runs on what an error quotes of an answer before it is cut. */
export function pcrsModule(client: PcrsClient, redact: (err: unknown) => unknown, redactText?: RedactText): PcrsModule {
  const guarded = async function* <T>(walk: AsyncGenerator<T, void, undefined>): AsyncGenerator<T, void, undefined> {
    try {
      yield* walk;
    } catch (err) {
      throw redact(err);
    }
  };
  return Object.assign(Object.create(null), client, {
    posturePlan: (options?: PosturePlanOptions) =>
      posturePlan(client, options).catch((err: unknown) => {
        throw redact(err);
      }),
    postureInfo: (init: PostureInfoInit) => guarded(postureInfo(client, init, redactText)),
    postureRecords: (options?: PostureRecordsOptions) => guarded(postureRecords(client, options, redactText)),
  }) as PcrsModule;
}
