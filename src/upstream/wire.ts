/**
 * The Spark Dance wire format, as the API docs describe it. Request bodies are typed;
 * responses are `unknown` until the zod schemas below accept them. The schemas read
 * tolerantly (unknown fields pass, `task_id` stands in for `id`) because an upstream that
 * adds a field must not break the gateway.
 */
import { z } from 'zod';
import { isDecimalString } from '../domain/money';

/** One item of the create body's `content` array. */
export type WireContentItem =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string }; role: 'first_frame' | 'last_frame' | 'reference_image' };

/** `POST /v1/video/generations` body. Optional parameters are left out, not sent as null. */
export interface WireCreateRequest {
  model: string;
  content: WireContentItem[];
  resolution?: string;
  ratio?: string;
  duration?: number;
  frames?: number;
  seed?: number;
  camera_fixed?: boolean;
  watermark?: boolean;
  return_last_frame?: boolean;
  service_tier?: string;
  execution_expires_after?: number;
  callback_url?: string;
}

const id = z.union([z.string().min(1), z.number().transform(String)]);
const optionalNumber = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^-?\d+(\.\d+)?$/)
      .transform(Number),
  ])
  .nullish();
const optionalText = z.union([z.string(), z.number().transform(String)]).nullish();

const withId = <T extends { id?: string | null; task_id?: string | null }>(body: T, ctx: z.RefinementCtx) => {
  if (!body.id && !body.task_id) ctx.addIssue({ code: 'custom', message: 'neither id nor task_id present' });
};

/** Answer to a create. */
export const wireCreateResponse = z
  .looseObject({
    id: id.nullish(),
    task_id: id.nullish(),
    status: z.string().nullish(),
    created_at: optionalNumber,
    model: z.string().nullish(),
  })
  .superRefine(withId);
export type WireCreateResponse = z.infer<typeof wireCreateResponse>;

/** A generated video inside `output[].content`. */
export const wireVideoItem = z.looseObject({
  type: z.literal('video'),
  url: z.string().min(1),
  size: optionalNumber,
  jobId: optionalText,
  duration: optionalNumber,
  format: optionalText,
  resolution: optionalText,
  ratio: optionalText,
  fps: optionalNumber,
});

/** The last frame (png) inside `output[].content`, present when it was asked for. */
export const wireImageItem = z.looseObject({ type: z.literal('image'), url: z.string().min(1) });

/** Decimal money as the upstream sends it: a string (as documented) or, tolerated, a number. */
const wireMoney = z.union([z.string().trim().refine(isDecimalString), z.number().finite()]).nullish();

const wireCount = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]).nullish();

/** Answer to a status read. */
export const wireTaskResponse = z
  .looseObject({
    id: id.nullish(),
    task_id: id.nullish(),
    model: z.string().nullish(),
    status: z.string(),
    created_at: optionalNumber,
    updated_at: optionalNumber,
    // Items are checked one by one (see translate.ts) so that one odd item cannot hide the video.
    output: z.array(z.looseObject({ content: z.array(z.unknown()).nullish() })).nullish(),
    usage: z
      .looseObject({
        cost: wireMoney,
        discount: wireMoney,
        input_tokens: wireCount,
        output_tokens: wireCount,
        total_tokens: wireCount,
        generated_videos: wireCount,
      })
      .nullish(),
    error: z.looseObject({ code: optionalText, error_message: optionalText, message: optionalText }).nullish(),
    metadata: z.unknown().optional(),
  })
  .superRefine(withId);
export type WireTaskResponse = z.infer<typeof wireTaskResponse>;

/** Body of a non-2xx answer. */
export const wireErrorBody = z.looseObject({
  error: z.looseObject({ code: optionalText, error_message: optionalText, message: optionalText }),
});
