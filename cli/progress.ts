/**
 * Apply's progress on stderr: on a terminal, one live line per service
 * redrawn in place (creating → waiting for health → healthy); otherwise, and
 * with NO_COLOR/CI logs in mind, plain `service: phase` lines.
 */
import { styler } from './style.js';

export interface Progress {
  /** The last update's lines stay on screen: nothing is drawn after it. */
  update(service: string, phase: string): void;
}

const PHASE_STYLE: Record<string, 'green' | 'red' | 'yellow' | 'cyan'> = {
  healthy: 'green',
  unhealthy: 'red',
  'waiting for health': 'yellow',
};

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || process.env.CI) {
    return { update: (service, phase) => stream.write(`${service}: ${phase}\n`) };
  }
  const style = styler(stream);
  const phases = new Map<string, string>();
  let drawn = 0;
  const draw = () => {
    const width = Math.max(...[...phases.keys()].map((name) => name.length));
    let text = drawn ? `\u001b[${drawn}A` : '';
    for (const [service, phase] of phases) {
      const colour = PHASE_STYLE[phase] ?? 'cyan';
      text += `\u001b[2K  ${service.padEnd(width)}  ${style(colour, phase)}\n`;
    }
    drawn = phases.size;
    stream.write(text);
  };
  return {
    update(service, phase) {
      phases.set(service, phase);
      draw();
    },
  };
}
