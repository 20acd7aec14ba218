/**
 * Builders for unit tests: a validated config and project context from a raw
 * config object, desired services from them, and observed containers "as the
 * runtime would report them" for a desired service.
 */
import { validateConfig } from '../../../core/config/validate.js';
import { createHooks, type CidxHooks, type ProjectContext, type ServiceContext } from '../../../core/hooks.js';
import { quietLogger } from '../../../core/logger.js';
import type { DesiredService, ObservedContainer } from '../../../core/model.js';
import { desiredServices } from '../../../core/reconcile/desired.js';
import type { ContainerRuntime } from '../../../core/runtime.js';

/** Where the fake project lives; nothing is written there. */
export const PROJECT_FILE = '/work/example-project/cidx.config.ts';

export function contextFor(raw: unknown, configFile = PROJECT_FILE, command = 'apply'): ProjectContext {
  const { config, project } = validateConfig(raw, configFile);
  return { config, project, command, signal: new AbortController().signal, logger: quietLogger };
}

export async function desiredFor(raw: unknown, options: { hooks?: CidxHooks; configFile?: string } = {}): Promise<DesiredService[]> {
  return desiredServices(options.hooks ?? createHooks(), contextFor(raw, options.configFile));
}

export async function desiredOne(raw: unknown, name: string, options: { hooks?: CidxHooks; configFile?: string } = {}): Promise<DesiredService> {
  const service = (await desiredFor(raw, options)).find((candidate) => candidate.name === name);
  if (!service) throw new Error(`no desired service ${name}`);
  return service;
}

let nextId = 1;

/** A container created from `service`'s spec: its labels carry the hash and digest, as `run` sets them. */
export function observedFrom(service: DesiredService, overrides: Partial<ObservedContainer> = {}): ObservedContainer {
  const labels = { ...service.spec.labels };
  return {
    id: `c${String(nextId++).padStart(11, '0')}`,
    name: service.spec.name,
    service: service.name,
    projectId: labels['io.cidx.project'] ?? '',
    configHash: labels['io.cidx.config-hash'],
    image: service.spec.image,
    state: 'running',
    exitCode: 0,
    startedAt: '2026-01-01T00:00:00Z',
    ports: [],
    labels,
    ...overrides,
  };
}

/** A runtime that must not be called: the code under test only reads `name` and `engineHost`. */
export function inertRuntime(engineHost?: string): ContainerRuntime {
  const refuse = () => Promise.reject(new Error('the runtime must not be called in this test'));
  return {
    name: 'fake',
    engineHost,
    capabilities: { networks: false, labelledVolumes: false, streamLogs: false, describe: false },
    listProject: refuse,
    listAll: refuse,
    inspect: refuse,
    run: refuse,
    create: refuse,
    start: refuse,
    stop: refuse,
    rename: refuse,
    remove: refuse,
    anonymousVolumes: refuse,
    listVolumes: refuse,
    removeVolumes: refuse,
    logs: refuse,
    exec: refuse,
    healthStatus: refuse,
  };
}

export function serviceContext(context: ProjectContext, service: DesiredService, previous?: ObservedContainer): ServiceContext {
  return { ...context, runtime: inertRuntime(), service, previous };
}
