/**
 * The closed set of step operations, each described once: the glyph and
 * colour that mark it, the verb `cidx plan` shows, the past tense `cidx apply`
 * reports, the `--json` word of the apply report, and whether it destroys a
 * container. The plan printer, the apply table and its summary all read this
 * table, so one operation never goes by two names.
 */

/** Colours a printer may use; a subset of the CLI's styles, named here so core/ need not import cli/. */
export type OpColour = 'green' | 'cyan' | 'yellow' | 'red' | 'dim';

export interface OpLook {
  glyph: string;
  colour: OpColour;
  /** What `cidx plan` says it will do. */
  word: string;
  /** What `cidx apply` says it did. */
  past: string;
}

export interface OpDescription extends OpLook {
  /** The `action` of the apply report's `--json`: documented API, never renamed. */
  action: string;
  /** Removes a container (its anonymous data may go with it): printers make it stand out. */
  destructive: boolean;
  /** Makes a container from the desired spec: it needs its image, volumes and network first. */
  makesContainer: boolean;
  /** Makes the replacement of an existing container (replace.ts): a failure puts the old one back. */
  replaces: boolean;
}

export const OPS = {
  create: { glyph: '+', colour: 'green', word: 'create', past: 'created', action: 'created', destructive: false, makesContainer: true, replaces: false },
  start: { glyph: '>', colour: 'cyan', word: 'start', past: 'started', action: 'started', destructive: false, makesContainer: false, replaces: false },
  recreate: { glyph: '~', colour: 'yellow', word: 'recreate', past: 'recreated', action: 'recreated', destructive: true, makesContainer: true, replaces: true },
  /**
   * A changed service brought to its new spec by the runtime itself (an orchestrator's rolling update,
   * `capabilities.updatesInPlace`): the service stays, but its tasks' containers are replaced as the
   * orchestrator rolls them (their anonymous data with them), so it stands out like a recreate.
   */
  update: { glyph: '~', colour: 'yellow', word: 'update', past: 'updated', action: 'updated', destructive: true, makesContainer: true, replaces: true },
  /** A job's container made anew and run again (its config changed, its last run failed, or `--rerun`). */
  rerun: { glyph: '~', colour: 'yellow', word: 'rerun', past: 'reran', action: 'reran', destructive: true, makesContainer: true, replaces: true },
  remove: { glyph: '-', colour: 'red', word: 'remove', past: 'removed', action: 'removed', destructive: true, makesContainer: false, replaces: false },
  noop: { glyph: '=', colour: 'dim', word: 'keep', past: 'kept', action: 'unchanged', destructive: false, makesContainer: false, replaces: false },
} as const satisfies Record<string, OpDescription>;

/** The operations a plan step can have (`op` in `cidx plan --json`). */
export type StepOp = keyof typeof OPS;

/** How an apply can end for a service without its step having been carried out. */
export const OUTCOMES = {
  failed: { glyph: '!', colour: 'red', word: 'fail', past: 'failed' },
  skipped: { glyph: '.', colour: 'dim', word: 'skip', past: 'skipped' },
  /** A plugin's `reviewPlan` vetoed the step: the container was left as it was. */
  vetoed: { glyph: '✗', colour: 'yellow', word: 'veto', past: 'vetoed' },
} as const satisfies Record<string, OpLook>;

/** `action` in the apply report: what was done to the service, or why nothing was. */
export type ApplyAction = (typeof OPS)[StepOp]['action'] | keyof typeof OUTCOMES;

/** The operation an apply action carried out, if any. */
export function opOfAction(action: ApplyAction): StepOp | undefined {
  return (Object.keys(OPS) as StepOp[]).find((op) => OPS[op].action === action);
}

/** How to print an apply action: its operation's look, or the outcome's. */
export function lookOfAction(action: ApplyAction): OpLook {
  const op = opOfAction(action);
  return op ? OPS[op] : OUTCOMES[action as keyof typeof OUTCOMES];
}
