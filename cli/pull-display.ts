/**
 * The pull phase on screen, through apply's progress renderer: on a terminal
 * one live line per image ("qdrant/qdrant:v1.12.4  pulling: 3/7 layers,
 * 41.2 MB/118.5 MB"), redrawn at most every 100 ms; otherwise a line when an
 * image starts and one when it is done, never one per layer.
 */
import type { PullEvents } from '../core/pull.js';
import { isLive, type Progress } from './progress.js';
import { describePull, formatSeconds, newPullState, readPullLine, type PullState } from './pull-progress.js';

const REDRAW_MS = 100;

/** `live`: whether `progress` redraws in place (the renderer's own rule). */
export function pullDisplay(progress: Progress, live = isLive(process.stderr)): PullEvents {
  const states = new Map<string, PullState>();
  const drawnAt = new Map<string, number>();
  return {
    onStart(use) {
      states.set(use.image, newPullState());
      progress.update(use.image, `pulling for ${use.services.join(', ')}`);
    },
    onLine(image, line) {
      const state = states.get(image);
      if (!state || !readPullLine(state, line) || !live) return;
      const now = performance.now();
      if (now - (drawnAt.get(image) ?? 0) < REDRAW_MS) return;
      drawnAt.set(image, now);
      progress.update(image, `pulling: ${describePull(state)}`);
    },
    onDone(use, ms) {
      const state = states.get(use.image);
      const layers = state && state.layers.size ? `, ${state.layers.size} layer${state.layers.size === 1 ? '' : 's'}` : '';
      progress.update(use.image, `pulled in ${formatSeconds(ms)}${layers}`);
    },
  };
}
