/**
 * The contract a schema change is judged against: the SDL on the main branch where this branch
 * left it (`git merge-base HEAD main`), read with `git show`, as well as the checked-in file a
 * developer can regenerate. A breaking change against the base is refused unless it is
 * acknowledged in api/schema-breaking-changes.json, which `npm run api:schema --
 * --allow-breaking` writes, so an intended break shows in the diff a reviewer reads.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BreakingChange, buildSchema, findBreakingChanges, type GraphQLSchema } from 'graphql';

export const SCHEMA_FILE = fileURLToPath(new URL('../schema.graphql', import.meta.url));
export const ACKNOWLEDGED_FILE = fileURLToPath(new URL('../schema-breaking-changes.json', import.meta.url));
/** Where the SDL lives in the repository, as `git show` names it. */
export const SCHEMA_PATH = 'api/schema.graphql';
export const DEFAULT_BASE_BRANCH = 'main';

export type BaseSchema =
  | { available: true; branch: string; commit: string; sdl: string | undefined }
  | { available: false; reason: string };

export interface BaseOptions {
  /** A directory in the work tree. */
  cwd: string;
  branch?: string;
  /** The git executable (tests name one that is missing). */
  git?: string;
}

class GitFailed extends Error {}

function gitRunner(options: BaseOptions) {
  return (...args: string[]): string => {
    try {
      return execFileSync(options.git ?? 'git', args, {
        cwd: options.cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      }).trim();
    } catch (error) {
      const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
      if (code === 'ENOENT') {
        throw new GitFailed('git is not installed');
      }
      throw new GitFailed(
        String(stderr ?? error)
          .trim()
          .split('\n')[0] ?? 'git failed',
      );
    }
  };
}

/** Why there is no merge base with `branch`, in words that say what to do. */
function missingBase(git: (...args: string[]) => string, branch: string): string {
  let shallow = false;
  try {
    shallow = git('rev-parse', '--is-shallow-repository') === 'true';
  } catch {
    // an old git without the flag: say the rest
  }
  if (shallow) {
    return `this is a shallow clone, so its history may not reach ${branch}: git fetch --unshallow origin ${branch}`;
  }
  return `no branch ${branch} (or origin/${branch}) to compare with: git fetch origin ${branch}:${branch}`;
}

/** The base branch's SDL, or why it cannot be had; never throws. */
export function mergeBaseSchema(options: BaseOptions): BaseSchema {
  const git = gitRunner(options);
  const branch = options.branch ?? DEFAULT_BASE_BRANCH;
  try {
    git('rev-parse', '--is-inside-work-tree');
  } catch (error) {
    const why = (error as Error).message;
    return { available: false, reason: why === 'git is not installed' ? why : 'not in a git work tree' };
  }
  let commit: string | undefined;
  for (const ref of [branch, `origin/${branch}`]) {
    try {
      commit = git('merge-base', 'HEAD', ref);
      break;
    } catch {
      // try the next ref
    }
  }
  if (!commit) {
    return { available: false, reason: missingBase(git, branch) };
  }
  let sdl: string | undefined;
  try {
    sdl = git('show', `${commit}:${SCHEMA_PATH}`);
  } catch {
    sdl = undefined; // the base has no schema yet: nothing to break
  }
  return { available: true, branch, commit, sdl: sdl === undefined ? undefined : `${sdl}\n` };
}

export const describeChange = (change: BreakingChange) => `${change.type}: ${change.description}`;

export function breakingChanges(previous: string | undefined, next: GraphQLSchema): string[] {
  return previous ? findBreakingChanges(buildSchema(previous), next).map(describeChange) : [];
}

export interface SchemaVerdict {
  /** Breaking changes against the checked-in file. */
  againstFile: string[];
  /** Breaking changes against the base branch's SDL (empty when it could not be read). */
  againstBase: string[];
  /** Those of againstBase not recorded as intended: what is refused. */
  unacknowledged: string[];
  /** Why the base could not be read, if it could not. */
  baseUnavailable?: string;
}

/** A schema judged against the checked-in SDL and the base's, given the breaks already meant. */
export function judgeSchema(input: {
  checkedIn: string | undefined;
  base: BaseSchema;
  acknowledged: ReadonlySet<string>;
  schema: GraphQLSchema;
}): SchemaVerdict {
  const { base, schema } = input;
  const againstBase = base.available ? breakingChanges(base.sdl, schema) : [];
  return {
    againstFile: breakingChanges(input.checkedIn, schema),
    againstBase,
    unacknowledged: againstBase.filter((c) => !input.acknowledged.has(c)),
    baseUnavailable: base.available ? undefined : base.reason,
  };
}

/** The breaking changes against the base that were meant (written by --allow-breaking). */
export function acknowledgedChanges(file: string = ACKNOWLEDGED_FILE): Set<string> {
  if (!existsSync(file)) {
    return new Set();
  }
  const value = JSON.parse(readFileSync(file, 'utf8')) as { changes?: unknown };
  const changes = Array.isArray(value.changes) ? value.changes.filter((c) => typeof c === 'string') : [];
  return new Set(changes);
}
