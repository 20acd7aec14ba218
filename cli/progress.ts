/**
 * Apply's progress on stderr. On a terminal: one live line per service,
 * redrawn in place, with its phase and the time since it started (creating
 * → waiting for health → healthy). Otherwise (not a TTY, CI, NO_COLOR,
 * TERM=dumb): plain `service: phase` lines, no escape codes at all.
 *
 * Log lines (plugins' `context.logger`, see cli/session.ts, and the CLI's own
 * notes) go through the renderer too: on a terminal it wipes the live lines,
 * writes the log line and draws them again below it, so neither garbles the
 * other. Live lines are cut to the terminal's width (a long service name
 * first): a line that wrapped would take two rows, and moving up by one row
 * per line would then redraw over the wrong ones.
 */
import { formatDuration } from '../schemas/duration.js';
import { colorEnabled, styler, visibleLength } from './style.js';

export interface Progress {
  update(service: string, phase: string): void;
  /** A whole line of log output, above the live lines. */
  log(line: string): void;
  /** Stops the clock and leaves the last lines on screen; later log lines are written plainly. */
  done(): void;
}

const PHASE_STYLE: Record<string, 'green' | 'red' | 'yellow' | 'cyan'> = {
  healthy: 'green',
  unhealthy: 'red',
  'waiting for health': 'yellow',
};
/** Phases after which a service's clock stops. */
const FINAL = new Set(['healthy', 'unhealthy', 'running (health not checked)']);
/** Elapsed times tick this often on a terminal. */
const TICK_MS = 1000;

/** The renderer log lines go through: the live one while apply draws, else plain stderr. */
let active: Progress | undefined;

/** Writes a log line to stderr without garbling a live progress display. */
export function logLine(line: string, stream: NodeJS.WriteStream = process.stderr): void {
  if (active) active.log(line);
  else stream.write(`${line}\n`);
}

/** `CI=true`, `CI=1`: a CI log. `CI=false`, `CI=0` or empty: not CI. */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/** Live redraw only on a terminal that takes escape codes, outside CI, without NO_COLOR. */
export function isLive(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !isCI(env) && env.TERM !== 'dumb' && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

/** `text` cut to `width` visible columns, an ellipsis marking the cut; colour codes are not counted. */
export function truncate(text: string, width: number): string {
  if (visibleLength(text) <= width) return text;
  let visible = 0;
  let out = '';
  // eslint-disable-next-line no-control-regex
  for (const part of text.split(/(\u001b\[\d+m)/)) {
    if (part.startsWith('\u001b[')) {
      out += part;
      continue;
    }
    for (const char of part) {
      if (visible >= width - 1) return `${out}…\u001b[0m`;
      out += char;
      visible++;
    }
  }
  return out;
}

interface Line {
  phase: string;
  /** Phases seen: a service whose first phase is its last (kept, already healthy) shows no time in plain output. */
  count: number;
  started: number;
  /** Set once the phase is final: the clock shows this. */
  ended?: number;
}

export interface ProgressOptions {
  /** Default: Date.now. */
  now?: () => number;
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, options: ProgressOptions = {}): Progress {
  const { now = Date.now, env = process.env } = options;
  const lines = new Map<string, Line>();
  const elapsed = (line: Line) => formatDuration((line.ended ?? now()) - line.started);
  const track = (service: string, phase: string): Line => {
    const line = lines.get(service) ?? { phase, count: 0, started: now() };
    line.phase = phase;
    line.count++;
    if (FINAL.has(phase)) line.ended = now();
    lines.set(service, line);
    return line;
  };
  if (!isLive(stream, env)) {
    const plain: Progress = {
      update(service, phase) {
        const line = track(service, phase);
        // The clock only on the final phase: one line per change stays greppable (`qdrant: waiting for health`).
        stream.write(`${service}: ${phase}${line.ended !== undefined && line.count > 1 ? ` (${elapsed(line)})` : ''}\n`);
      },
      log: (line) => stream.write(`${line}\n`),
      done: () => {
        if (active === plain) active = undefined;
      },
    };
    return (active = plain);
  }
  const colour = colorEnabled(stream, env);
  const style = styler(stream, env);
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  const render = () => {
    const columns = stream.columns && stream.columns > 10 ? stream.columns : 80;
    const rows = [...lines].map(([service, line]) => ({ service, line, time: elapsed(line) }));
    // A long service name gives way first, so phase and time stay in view; the whole line is cut as a last resort.
    const tails = Math.max(...rows.map(({ line, time }) => line.phase.length + time.length + 4));
    const width = Math.max(4, Math.min(Math.max(...rows.map(({ service }) => service.length)), columns - 3 - tails));
    let text = '';
    for (const { service, line, time } of rows) {
      const name = service.length > width ? `${service.slice(0, width - 1)}…` : service.padEnd(width);
      const phase = colour ? style(PHASE_STYLE[line.phase] ?? 'cyan', line.phase) : line.phase;
      text += `\u001b[2K${truncate(`  ${name}  ${phase}  ${style('dim', time)}`, columns - 1)}\n`;
    }
    return text;
  };
  const draw = (before: string[] = []) => {
    // Up to the first live line, then the log lines (if any) over it, then every live line again.
    const text = `${drawn ? `\u001b[${drawn}A` : ''}${before.map((line) => `\u001b[2K${line}\n`).join('')}${render()}`;
    drawn = lines.size;
    stream.write(text);
  };
  const live: Progress = {
    update(service, phase) {
      track(service, phase);
      draw();
      // The clocks tick while something is still under way; unref'd, so it never keeps cidx alive.
      if (!timer) {
        timer = setInterval(() => ([...lines.values()].some((line) => line.ended === undefined) ? draw() : undefined), TICK_MS);
        timer.unref();
      }
    },
    log(line) {
      if (lines.size === 0) stream.write(`${line}\n`);
      else draw(line.split('\n'));
    },
    done() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (active === live) active = undefined;
    },
  };
  return (active = live);
}
