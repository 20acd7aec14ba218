/**
 * Image pulls as a phase of their own, before any container is touched: a
 * first apply of large images shows its downloads instead of "creating" for
 * minutes, and an image that cannot be had fails the apply while every
 * running container is still as it was. Runtimes without the `pull`
 * capability keep pulling implicitly inside `run`/`create`.
 */
import { CidxError, isCidxError } from './errors.js';
import { readImageMemo, updateImageMemo } from './image-memo.js';
import { limiter } from './limit.js';
import type { ContainerRuntime } from './runtime.js';

/** `--pull`: `missing` (default) pulls images the engine lacks; `always` pulls every image the apply uses; `never` fails on a missing one. */
export const PULL_POLICIES = ['missing', 'always', 'never'] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];

/** One image and the services that use it. */
export interface ImageUse {
  image: string;
  services: string[];
}

export interface PullEvents {
  /** A pull of `image` starts. */
  onStart?: (use: ImageUse) => void;
  /** A line of the engine's progress output for `image`. */
  onLine?: (image: string, line: string) => void;
  /** The pull of `image` finished after `ms`. */
  onDone?: (use: ImageUse, ms: number) => void;
}

export interface PullPhaseOptions extends PullEvents {
  policy?: PullPolicy;
  signal?: AbortSignal;
}

/** Pulls at once: registries and disks are the limit, and a few keep every line of progress moving. */
const PARALLEL_PULLS = 3;

/** Services (name and image) grouped by image, in first-use order. */
export function imageUses(services: Array<{ name: string; image: string }>): ImageUse[] {
  const uses = new Map<string, ImageUse>();
  for (const { name, image } of services) {
    const use = uses.get(image) ?? { image, services: [] };
    use.services.push(name);
    uses.set(image, use);
  }
  return [...uses.values()];
}

/** What a pull phase ended with: the images it pulled, and those it could not have (with why). */
export interface PullOutcome {
  pulled: ImageUse[];
  failed: Array<{ use: ImageUse; error: CidxError }>;
}

/**
 * Makes the images of `services` present as `policy` says; returns the uses
 * it pulled. Throws IMAGE_UNAVAILABLE naming the services and image when
 * one is missing under `never`, or when a pull fails (after the other pulls
 * have ended, so none runs on unobserved).
 */
export async function pullImages(runtime: ContainerRuntime, services: Array<{ name: string; image: string }>, options: PullPhaseOptions = {}): Promise<ImageUse[]> {
  const outcome = await pullImagesSettled(runtime, services, options);
  if (outcome.failed.length) throw outcome.failed[0]!.error;
  return outcome.pulled;
}

/**
 * The apply's pull phase: `pullImagesSettled`, except that with `missing`
 * an image seen present before on this engine is not asked for again
 * (core/image-memo.ts; `run` pulls one that went since). What it finds
 * present or pulls is remembered.
 */
export async function pullUnseenImages(runtime: ContainerRuntime, services: Array<{ name: string; image: string }>, options: PullPhaseOptions = {}): Promise<PullOutcome> {
  if (!runtime.capabilities.pull || services.length === 0) return pullImagesSettled(runtime, services, options);
  const seen = (options.policy ?? 'missing') === 'missing' ? new Set(await readImageMemo(runtime)) : new Set<string>();
  const unseen = services.filter((service) => !seen.has(service.image));
  const outcome = await pullImagesSettled(runtime, unseen, options);
  const failed = new Set(outcome.failed.map((failure) => failure.use.image));
  await updateImageMemo(runtime, { present: unseen.map((service) => service.image).filter((image) => !failed.has(image)) });
  return outcome;
}

/** After an apply: an image a service could not have (removed since the memo saw it, say) is asked for again next time. */
export async function forgetUnavailableImages(runtime: ContainerRuntime, desired: Array<{ name: string; spec: { image: string } }>, report: { services: Array<{ name: string; error?: { code: string } | undefined }> }): Promise<void> {
  if (!runtime.capabilities.pull) return;
  const failed = new Set(report.services.filter((service) => service.error?.code === 'IMAGE_UNAVAILABLE').map((service) => service.name));
  if (failed.size) await updateImageMemo(runtime, { gone: desired.filter((service) => failed.has(service.name)).map((service) => service.spec.image) });
}

/** Like `pullImages`, but every image that cannot be had is returned with its error instead of thrown (apply reports them per service). */
export async function pullImagesSettled(runtime: ContainerRuntime, services: Array<{ name: string; image: string }>, options: PullPhaseOptions = {}): Promise<PullOutcome> {
  if (!runtime.capabilities.pull || !runtime.hasImage || !runtime.pullImage) return { pulled: [], failed: [] };
  const policy = options.policy ?? 'missing';
  const uses = imageUses(services);
  // An engine that refuses even to look an image up (an invalid reference: uppercase, a bad tag) refuses that
  // image, not the apply: its services fail with the engine's reason and nothing else is touched.
  const refused: PullOutcome['failed'] = [];
  const present = async (use: ImageUse): Promise<boolean> => {
    try {
      return await runtime.hasImage!(use.image);
    } catch (error) {
      if (!isCidxError(error) || error.code !== 'RUNTIME_COMMAND') throw error;
      refused.push({ use, error: pullFailed(use, new CidxError('IMAGE_UNAVAILABLE', `${runtime.name} cannot use image ${use.image}`, { details: error.details, cause: error })) as CidxError });
      return true; // not pulled: it is already in `refused`
    }
  };
  const wanted = policy === 'always' ? uses : (await Promise.all(uses.map(async (use) => ((await present(use)) ? undefined : use)))).filter((use): use is ImageUse => use !== undefined);
  if (refused.length) return { pulled: [], failed: refused };
  if (policy === 'never') {
    return {
      pulled: [],
      failed: wanted.map((use) => ({
        use,
        error: new CidxError('IMAGE_UNAVAILABLE', `${serviceWords(use)}: image ${use.image} is not present on ${runtime.name}, and --pull never forbids pulling it`, {
          hint: `Pull it first (\`cidx pull ${use.services[0]}\`), load it (\`${runtime.name} load\`), or run with --pull missing.`,
        }),
      })),
    };
  }
  const limit = limiter(PARALLEL_PULLS);
  const outcomes = await Promise.allSettled(
    wanted.map((use) =>
      limit(async () => {
        options.signal?.throwIfAborted();
        const started = performance.now();
        options.onStart?.(use);
        try {
          await runtime.pullImage!(use.image, { ...(options.signal ? { signal: options.signal } : {}), onLine: (line) => options.onLine?.(use.image, line) });
        } catch (error) {
          throw pullFailed(use, error);
        }
        options.onDone?.(use, performance.now() - started);
      }),
    ),
  );
  const pulled: ImageUse[] = [];
  const failed: PullOutcome['failed'] = [];
  outcomes.forEach((outcome, index) => {
    const use = wanted[index]!;
    if (outcome.status === 'fulfilled') pulled.push(use);
    // An interruption or a fault that is not cidx's (a bug) is no image problem: it ends the apply.
    else if (isCidxError(outcome.reason) && outcome.reason.code !== 'INTERRUPTED') failed.push({ use, error: outcome.reason });
    else throw outcome.reason;
  });
  return { pulled, failed };
}

function serviceWords(use: ImageUse): string {
  return `${use.services.length === 1 ? 'service' : 'services'} ${use.services.join(', ')}`;
}

/** The runtime's error, with the services that needed the image in front: the image alone does not say which service to fix. */
function pullFailed(use: ImageUse, error: unknown): unknown {
  if (isCidxError(error) && error.message.startsWith(`${serviceWords(use)}: `)) return error;
  if (!isCidxError(error) || error.code === 'INTERRUPTED') return error;
  const message = error.message.includes(use.image) ? error.message : `pulling ${use.image} failed: ${error.message}`;
  return new CidxError(error.code, `${serviceWords(use)}: ${message}`, { details: error.details, ...(error.hint ? { hint: error.hint } : {}), cause: error });
}
