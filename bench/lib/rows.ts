/** Turns measurements into table rows, each with its target and verdict. */
import type { ColdResult } from '../scenarios/cold.js';
import type { ScaleResult } from '../scenarios/scale.js';
import type { SwarmResult } from '../scenarios/swarm.js';
import type { WideResult } from '../scenarios/wide.js';
import type { NoopResult, PortResult } from '../scenarios/steady.js';
import type { Runtime } from './exec.js';
import { cell, ratio, type Row, type Samples } from './stats.js';

/** What cidx promises to cost at most, in one place. */
export const TARGETS = Object.freeze({
  coldOverFloor: 1.15,
  noopOverCompose: 0.5,
  noopMs: 250,
  portMs: 120,
  peakRssMB: 80,
  /** The cap on parallel engine calls may cost at most this against no cap (run-to-run noise on a shared machine). */
  wideCappedOverUncapped: 1.1,
});

const times = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(2)}×`);
/** cidx's median counts only when none of its runs failed: a fast failure is not a pass. */
const clean = (samples: Samples) => samples.failures === 0 && samples.median !== null;
/** A baseline only needs a median: its failures are shown, but they are not cidx's. */
const measured = (samples: Samples) => samples.median !== null;
/** Decimal megabytes, the stricter reading of "80 MB". */
const mb = (kib: number | null) => (kib === null ? 'n/a' : `${((kib * 1024) / 1e6).toFixed(1)} MB`);

export function coldRows(runtime: Runtime, cold: ColdResult): Row[] {
  const overFloor = ratio(cold.cidxIndependent, cold.floor);
  const overOrdered = ratio(cold.cidx, cold.floorOrdered);
  return [
    {
      runtime,
      measure: 'cold apply',
      cidx: cell(cold.cidxIndependent),
      baseline: `floor ${cell(cold.floor)}`,
      ratio: times(overFloor),
      target: `≤ ${TARGETS.coldOverFloor}× floor`,
      pass: clean(cold.cidxIndependent) && measured(cold.floor) && overFloor !== null && overFloor <= TARGETS.coldOverFloor,
    },
    {
      runtime,
      measure: '  with dependsOn',
      cidx: cell(cold.cidx),
      baseline: `floor in dependency order ${cell(cold.floorOrdered)}`,
      ratio: times(overOrdered),
      target: `≤ ${TARGETS.coldOverFloor}× floor`,
      pass: clean(cold.cidx) && measured(cold.floorOrdered) && overOrdered !== null && overOrdered <= TARGETS.coldOverFloor,
    },
  ];
}

export function noopRows(runtime: Runtime, noop: NoopResult): Row[] {
  const overCompose = ratio(noop.cidx, noop.compose ?? undefined);
  return [
    {
      runtime,
      measure: 'no-op apply',
      cidx: cell(noop.cidx),
      baseline: noop.compose ? `docker-compose up -d ${cell(noop.compose)}` : 'docker-compose: n/a (docker only)',
      ratio: times(overCompose),
      target: `≤ ${TARGETS.noopOverCompose}× compose`,
      pass: noop.compose ? clean(noop.cidx) && measured(noop.compose) && overCompose !== null && overCompose <= TARGETS.noopOverCompose : null,
    },
    {
      runtime,
      measure: 'no-op apply',
      cidx: cell(noop.cidx),
      baseline: `${runtime} ps ${cell(noop.ps)}`,
      ratio: times(ratio(noop.cidx, noop.ps)),
      target: `≤ ${TARGETS.noopMs} ms`,
      pass: clean(noop.cidx) && noop.cidx.median! <= TARGETS.noopMs,
    },
  ];
}

export function portRows(runtime: Runtime, port: PortResult): Row[] {
  return [
    {
      runtime,
      measure: 'port lookup',
      cidx: cell(port.cidx),
      baseline: `${runtime} port ${cell(port.raw)}`,
      ratio: times(ratio(port.cidx, port.raw)),
      target: `≤ ${TARGETS.portMs} ms`,
      pass: clean(port.cidx) && port.cidx.median! <= TARGETS.portMs,
    },
  ];
}

export function scaleRows(runtime: Runtime, scale: ScaleResult): Row[] {
  const label = `scale ×${scale.projects}`;
  const row = (measure: string, cidx: string, baseline: string, target: string, pass: boolean | null): Row => ({
    runtime,
    measure: `${label} ${measure}`,
    cidx,
    baseline,
    ratio: '',
    target,
    pass,
  });
  return [
    row('healthy', `${scale.healthyProjects}/${scale.projects}`, `${scale.unhealthyServices} unhealthy services`, '100 %', scale.healthyProjects === scale.projects),
    row('collisions', String(scale.collisions), `${scale.mismatches} reported≠bound`, '0', scale.collisions === 0 && scale.mismatches === 0),
    row('failed', String(scale.failedApplies), '', '0', scale.failedApplies === 0),
    row('wall time', `${(scale.wallMs / 1000).toFixed(1)} s`, `slowest process ${(scale.slowestMs / 1000).toFixed(1)} s`, '-', null),
    row(
      'peak RSS',
      mb(scale.peakRssKiB.max),
      `median ${mb(scale.peakRssKiB.median)}`,
      `≤ ${TARGETS.peakRssMB} MB`,
      scale.peakRssKiB.max === null ? null : (scale.peakRssKiB.max * 1024) / 1e6 <= TARGETS.peakRssMB,
    ),
  ];
}

export function wideRows(runtime: Runtime, wide: WideResult): Row[] {
  const value = ratio(wide.capped, wide.uncapped);
  return [
    {
      runtime,
      measure: `wide cold apply, ${wide.services} services (cap ${wide.cap ?? 'default'} vs none)`,
      cidx: cell(wide.capped),
      baseline: cell(wide.uncapped),
      ratio: times(value),
      target: `≤ ${TARGETS.wideCappedOverUncapped}×`,
      pass: clean(wide.capped) && measured(wide.uncapped) && value !== null ? value <= TARGETS.wideCappedOverUncapped : false,
    },
  ];
}

/** Informational: no target yet; the floor shows what Swarm itself costs for the same three services. */
export function swarmRows(runtime: Runtime, swarm: SwarmResult): Row[] {
  return [
    {
      runtime,
      measure: 'swarm cold apply (runtime: swarm)',
      cidx: cell(swarm.cidx),
      baseline: `service create floor ${cell(swarm.floor)}`,
      ratio: times(ratio(swarm.cidx, swarm.floor)),
      target: 'none yet',
      pass: null,
    },
  ];
}
