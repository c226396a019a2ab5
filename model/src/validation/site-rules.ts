/**
 * Site rules a schema cannot say: the egress budget (Table 1's binding rule) and the
 * subscriber cap, each checked against the hardware profile, and a maintenance window in a
 * time zone `Intl` knows.
 */
import {
  hardwareEgressLimitMbps,
  hardwareSubscriberLimit,
  MIN_BITRATE_MBPS,
  plannedEgressMbps,
} from '../capacity.ts';
import type { SiteSpec } from '../kinds/site.ts';
import { quote } from './echo.ts';
import { type Problem, problem } from './problem.ts';
import { isKnownTimeZone } from './time-zones.ts';

function describeHardware(hw: SiteSpec['hardware']): string {
  return `${hw.cpus} CPU${hw.cpus > 1 ? 's' : ''} and ${hw.modules} module${hw.modules > 1 ? 's' : ''}`;
}

function streamPlanProblems(spec: SiteSpec): Problem[] {
  const plan = spec.streaming.streamPlan ?? [];
  const problems: Problem[] = [];
  const seen = new Set<number>();
  plan.forEach((entry, i) => {
    if (seen.has(entry.bitrateMbps)) {
      problems.push(
        problem(`spec.streaming.streamPlan[${i}].bitrateMbps`, `${entry.bitrateMbps} Mbps is listed twice`),
      );
    }
    seen.add(entry.bitrateMbps);
  });
  const needed = plannedEgressMbps(plan);
  const budget = spec.streaming.egressBudgetMbps;
  if (needed > budget) {
    const detail = plan.map((p) => `${p.streams} x ${p.bitrateMbps} Mbps`).join(' + ');
    problems.push(
      problem(
        'spec.streaming.streamPlan',
        `${detail} needs ${needed} Mbps, over the egress budget of ${budget} Mbps`,
      ),
    );
  }
  return problems;
}

/** The rollout operator reads the window in its own zone; a zone Intl does not know is refused here. */
function timeZoneProblems(spec: SiteSpec): Problem[] {
  const { timeZone } = spec.maintenanceWindow;
  if (isKnownTimeZone(timeZone)) {
    return [];
  }
  return [
    problem(
      'spec.maintenanceWindow.timeZone',
      `unknown time zone ${quote(timeZone)}; use an IANA name such as Asia/Seoul, or UTC`,
    ),
  ];
}

export function siteRules(spec: SiteSpec): Problem[] {
  const hw = spec.hardware;
  const problems = [...streamPlanProblems(spec), ...timeZoneProblems(spec)];
  const egressLimit = hardwareEgressLimitMbps(hw);
  if (spec.streaming.egressBudgetMbps > egressLimit) {
    problems.push(
      problem(
        'spec.streaming.egressBudgetMbps',
        `${spec.streaming.egressBudgetMbps} Mbps is more than ${describeHardware(hw)} can stream (${egressLimit} Mbps)`,
      ),
    );
  }
  const subscriberLimit = hardwareSubscriberLimit(hw);
  if (spec.subscriberCap > subscriberLimit) {
    problems.push(
      problem(
        'spec.subscriberCap',
        `${spec.subscriberCap} subscribers is more than ${describeHardware(hw)} can serve (${subscriberLimit})`,
      ),
    );
  }
  const tvQualityNeed = spec.subscriberCap * MIN_BITRATE_MBPS;
  if (tvQualityNeed > spec.streaming.egressBudgetMbps) {
    problems.push(
      problem(
        'spec.subscriberCap',
        `${spec.subscriberCap} subscribers at TV quality (${MIN_BITRATE_MBPS} Mbps) need ${tvQualityNeed} Mbps, over the egress budget of ${spec.streaming.egressBudgetMbps} Mbps`,
      ),
    );
  }
  if (hw.accelerators > hw.modules) {
    problems.push(
      problem(
        'spec.hardware.accelerators',
        `${hw.accelerators} accelerators do not fit in ${hw.modules} network/storage module${hw.modules > 1 ? 's' : ''}`,
      ),
    );
  }
  return problems;
}
