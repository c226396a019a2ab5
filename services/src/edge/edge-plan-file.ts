/**
 * The plan a standalone edge (`npm run edge`, the streaming-edge image) serves, as a JSON file its
 * site agent writes: the egress budget, the parent tier's distribution nodes, the placed titles,
 * and whether pre-positioning may run now (the agent owns the off-peak window; the edge owns the
 * bytes). Read whole and checked before use: a bad file is refused with the field named, and the
 * edge keeps serving the last good plan.
 */
import { readFileSync, statSync } from 'node:fs';
import { NAME_PATTERN } from '@smart-fleet/model';
import type { EdgePlan } from './site-edge.ts';

export const MAX_PLAN_BYTES = 4 * 1024 * 1024;
const MAX_ORIGINS = 64;
const MAX_TITLES = 10_000;
const MAX_RENDITIONS = 16;
const NAME = new RegExp(NAME_PATTERN);

export interface EdgePlanFile extends EdgePlan {
  fillAllowed: boolean;
}

export class EdgePlanError extends Error {
  override readonly name = 'EdgePlanError';
}

function fail(file: string, field: string, message: string): never {
  throw new EdgePlanError(`${file}: ${field}: ${message}`);
}

const isName = (v: unknown): v is string => typeof v === 'string' && v.length <= 63 && NAME.test(v);

/**
 * What is wrong with a parent's URL as the edge takes one, or undefined: nginx fills from it as a
 * plain upstream, so it is `http://host:port` and nothing more (the segments are encrypted
 * already). The site stack checks its `edge.originUrl` with this too.
 */
export function originUrlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) {
    return 'must be an http URL of at most 2048 characters';
  }
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url?.protocol !== 'http:' || url.pathname !== '/' || url.search || url.hash || url.username) {
    return `${JSON.stringify(value.slice(0, 80))} is not http://host:port`;
  }
  return undefined;
}

function originUrl(file: string, value: unknown, i: number): string {
  const problem = originUrlProblem(value);
  return problem ? fail(file, `originUrls[${i}]`, problem) : (value as string).replace(/\/$/, '');
}

/** Checks a parsed plan; `file` names it in errors. */
export function checkEdgePlan(file: string, value: unknown): EdgePlanFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(file, '(root)', 'must be a JSON object');
  }
  const v = value as Record<string, unknown>;
  const unknown = Object.keys(v).filter(
    (k) => !['egressBudgetMbps', 'originUrls', 'titles', 'fillAllowed'].includes(k),
  );
  if (unknown.length > 0) {
    fail(file, unknown[0] as string, 'unknown field');
  }
  const budget = v.egressBudgetMbps;
  if (typeof budget !== 'number' || !Number.isFinite(budget) || budget < 0 || budget > 1_000_000) {
    fail(file, 'egressBudgetMbps', 'must be a number from 0 to 1000000');
  }
  if (!Array.isArray(v.originUrls) || v.originUrls.length === 0 || v.originUrls.length > MAX_ORIGINS) {
    fail(file, 'originUrls', `must list 1 to ${MAX_ORIGINS} distribution nodes`);
  }
  if (!Array.isArray(v.titles) || v.titles.length > MAX_TITLES) {
    fail(file, 'titles', `must be a list of at most ${MAX_TITLES} placed titles`);
  }
  if (typeof v.fillAllowed !== 'boolean') {
    fail(file, 'fillAllowed', 'must be true or false');
  }
  const titles = v.titles.map((t: unknown, i: number) => {
    const field = `titles[${i}]`;
    const entry = t as { title?: unknown; renditions?: unknown; sizeMB?: unknown } | null;
    if (!entry || !isName(entry.title)) {
      return fail(file, `${field}.title`, 'must be a ContentTitle name');
    }
    const renditions = entry.renditions;
    if (!Array.isArray(renditions) || renditions.length < 1 || renditions.length > MAX_RENDITIONS) {
      return fail(file, `${field}.renditions`, `must list 1 to ${MAX_RENDITIONS} rendition names`);
    }
    renditions.forEach((r, j) => {
      if (!isName(r)) {
        fail(file, `${field}.renditions[${j}]`, 'must be a rendition name');
      }
    });
    const sizeMB = entry.sizeMB;
    if (sizeMB !== undefined && !(Number.isInteger(sizeMB) && (sizeMB as number) >= 0)) {
      return fail(file, `${field}.sizeMB`, 'must be a whole number of megabytes');
    }
    return {
      title: entry.title,
      renditions: renditions as string[],
      ...(sizeMB === undefined ? {} : { sizeMB: sizeMB as number }),
    };
  });
  return {
    egressBudgetMbps: budget as number,
    originUrls: v.originUrls.map((u: unknown, i: number) => originUrl(file, u, i)),
    titles,
    fillAllowed: v.fillAllowed as boolean,
  };
}

/** Reads and checks the plan file; throws EdgePlanError naming the file and field. */
export function readEdgePlan(file: string): EdgePlanFile {
  let text: string;
  try {
    if (statSync(file).size > MAX_PLAN_BYTES) {
      return fail(file, '(file)', `is over ${MAX_PLAN_BYTES} bytes`);
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof EdgePlanError) {
      throw error;
    }
    return fail(file, '(file)', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(file, '(file)', `is not JSON: ${(error as Error).message}`);
  }
  return checkEdgePlan(file, parsed);
}
