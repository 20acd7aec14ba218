/**
 * Apply's progress on stderr: on a terminal, one live line per service
 * redrawn in place (creating → waiting for health → healthy); otherwise, and
 * with NO_COLOR/CI logs in mind, plain `service: phase` lines.
 *
 * Log lines (plugins' `context.logger`, see cli/session.ts) go through the
 * renderer too: on a terminal it wipes the live lines, writes the log line
 * and draws them again below it, so neither garbles the other.
 */
import { styler } from './style.js';

export interface Progress {
  /** The last update's lines stay on screen: nothing is drawn after it. */
  update(service: string, phase: string): void;
  /** A whole line of log output, above the live lines. */
  log(line: string): void;
}

const PHASE_STYLE: Record<string, 'green' | 'red' | 'yellow' | 'cyan'> = {
  healthy: 'green',
  unhealthy: 'red',
  'waiting for health': 'yellow',
};

/** The renderer log lines go through: the live one while apply draws, else plain stderr. */
let active: Progress | undefined;

/** Writes a log line to stderr without garbling a live progress display. */
export function logLine(line: string, stream: NodeJS.WriteStream = process.stderr): void {
  if (active) active.log(line);
  else stream.write(`${line}\n`);
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || process.env.CI) {
    active = { update: (service, phase) => stream.write(`${service}: ${phase}\n`), log: (line) => stream.write(`${line}\n`) };
    return active;
  }
  const style = styler(stream);
  const phases = new Map<string, string>();
  let drawn = 0;
  const lines = () => {
    const width = Math.max(...[...phases.keys()].map((name) => name.length));
    let text = '';
    for (const [service, phase] of phases) {
      const colour = PHASE_STYLE[phase] ?? 'cyan';
      text += `\u001b[2K  ${service.padEnd(width)}  ${style(colour, phase)}\n`;
    }
    return text;
  };
  const draw = (before = '') => {
    // Up to the first live line, then the log line (if any) over it, then every live line again.
    const text = `${drawn ? `\u001b[${drawn}A` : ''}${before ? `\u001b[2K${before}\n` : ''}${lines()}`;
    drawn = phases.size;
    stream.write(text);
  };
  active = {
    update(service, phase) {
      phases.set(service, phase);
      draw();
    },
    log(line) {
      if (phases.size === 0) stream.write(`${line}\n`);
      else draw(line.replace(/\n/g, ' '));
    },
  };
  return active;
}
