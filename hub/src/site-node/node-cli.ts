/**
 * `npm run site-node -- <command> --site NAME`: start, stop or ask about a site's real node (its own
 * control plane and a kubelet on containerd) beside the running local hub.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_HUB_DIR } from '@smart-fleet/kube';
import { NAME_PATTERN } from '@smart-fleet/model';
import { siteNodeDir, siteNodeStatus, startSiteNode, stopSiteNode } from './site-node.ts';

const USAGE = `usage: npm run site-node -- <start|stop|status> --site NAME [options]

  start    start the site's kube-apiserver, scheduler and controller-manager, and a kubelet on
           its own containerd (needs root and cgroup v1; builds the kubelet on first use)
  stop     stop them: every pod removed, the node's bridge deleted; the cluster's data stays
  status   say whether the node runs, is Ready, and how many pods it has

options:
  --site NAME           the Site (the Node's name)
  --hardware PROFILE    the site's hardware profile, put on the Node as a label
  --hub-dir DIR         the hub (default ${DEFAULT_HUB_DIR}, or $SMART_FLEET_HUB_DIR)`;

const OPTIONS = {
  site: { type: 'string' },
  hardware: { type: 'string' },
  'hub-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Target {
  site: string;
  hubDir: string;
  dir: string;
  hardware?: string;
}

async function status({ site, dir }: Target): Promise<number> {
  const s = await siteNodeStatus(dir);
  if (s.state === 'running') {
    console.log(
      `running: Node ${site} ${s.ready ? 'Ready' : 'NOT Ready'}, ${s.pods} pod(s), pods on ${s.info.network.subnet}`,
    );
    console.log(`kubeconfig: ${s.info.kubeconfig}`);
    return s.ready ? 0 : 1;
  }
  if (s.state === 'stale') {
    console.log(`stale: ${s.down.join(', ')} not running; run stop, then start`);
    return 1;
  }
  console.log(`stopped (${dir})`);
  return 3;
}

const COMMANDS: Record<string, (t: Target) => Promise<number>> = {
  async start({ site, hubDir, hardware }) {
    const info = await startSiteNode({ hubDir, site, hardwareProfile: hardware });
    console.log(`export KUBECONFIG=${info.kubeconfig}`);
    return 0;
  },
  async stop({ site, dir }) {
    if (!(await stopSiteNode(dir))) {
      console.error(`[node ${site}] no node is running in ${dir}`);
    }
    return 0;
  },
  status,
};

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: OPTIONS });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    console.error(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
    return 2;
  }
  const site = values.site ?? '';
  if (!new RegExp(NAME_PATTERN).test(site) || site.length > 63) {
    console.error(`--site must be a Site's name (a Kubernetes name), not ${JSON.stringify(site)}\n${USAGE}`);
    return 2;
  }
  const hubDir = values['hub-dir'] ?? DEFAULT_HUB_DIR;
  return run({ site, hubDir, dir: siteNodeDir(hubDir, site), hardware: values.hardware });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`[node] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
