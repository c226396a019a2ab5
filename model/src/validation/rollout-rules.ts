/** Rollout rules a schema cannot say: a selector that selects something, waves that grow to 100%. */
import type { RolloutSpec } from '../kinds/rollout.ts';
import { type Problem, problem } from './problem.ts';

function selectorIsEmpty(selector: RolloutSpec['selector']): boolean {
  const labels = Object.keys(selector.matchLabels ?? {}).length;
  const lists = [selector.regions, selector.kinds, selector.channels, selector.tenants];
  return labels === 0 && lists.every((l) => (l ?? []).length === 0);
}

export function rolloutRules(spec: RolloutSpec): Problem[] {
  const problems: Problem[] = [];
  if (selectorIsEmpty(spec.selector)) {
    problems.push(
      problem(
        'spec.selector',
        'selects every site; name at least one of matchLabels, regions, kinds, channels, tenants',
      ),
    );
  }
  spec.waves.forEach((wave, i) => {
    const previous = spec.waves[i - 1];
    if (previous && wave.percent <= previous.percent) {
      problems.push(
        problem(
          `spec.waves[${i}].percent`,
          `${wave.percent}% must be more than wave ${previous.name}'s ${previous.percent}%`,
        ),
      );
    }
  });
  const last = spec.waves.at(-1);
  if (last && last.percent !== 100) {
    problems.push(
      problem(
        `spec.waves[${spec.waves.length - 1}].percent`,
        `the last wave must reach 100%, not ${last.percent}%`,
      ),
    );
  }
  const names = spec.waves.map((w) => w.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) {
      problems.push(problem(`spec.waves[${i}].name`, `wave name ${name} is used twice`));
    }
  });
  return problems;
}
