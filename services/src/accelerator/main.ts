/**
 * `npm run accelerator-plugin -- [--device-plugins-dir DIR] [--resource NAME] [--pattern GLOB]...
 *    [--rescan-seconds N] [--expected N] [--health-command "PROGRAM ARGS..."]
 *    [--status-listen HOST:PORT] [--pre-start-required]`
 * The stream-accelerator device plugin (the DaemonSet in stacks/site/accelerator-device-plugin.ts):
 * advertises the cards matching the patterns (default /dev/smart-accel[0-9]*) to the kubelet as
 * the resource (default ACCELERATOR_RESOURCE, or the ACCELERATOR_RESOURCE variable), and serves
 * its status for the site agent. `--expected` defaults to the ACCELERATOR_COUNT variable. A
 * health command is split on spaces and run with the device path appended; exit 0 is healthy.
 */
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { processLogger } from '@smart-fleet/kube/log';
import { ACCELERATOR_RESOURCE } from '@smart-fleet/model/site-sizing';
import { AcceleratorPlugin, DEFAULT_RESCAN_SECONDS, MAX_RESCAN_SECONDS } from './accelerator-plugin.ts';
import { DEFAULT_DEVICE_PATTERN, parseDevicePatterns } from './device-pattern.ts';
import { commandProbe } from './health-probe.ts';
import { checkResourceName } from './resource-names.ts';

const KUBELET_DEVICE_PLUGINS = '/var/lib/kubelet/device-plugins';
const MAX_EXPECTED = 256;

const OPTIONS = {
  'device-plugins-dir': { type: 'string', default: KUBELET_DEVICE_PLUGINS },
  resource: { type: 'string', default: process.env.ACCELERATOR_RESOURCE || ACCELERATOR_RESOURCE },
  pattern: { type: 'string', multiple: true, default: [DEFAULT_DEVICE_PATTERN] as string[] },
  'rescan-seconds': { type: 'string', default: String(DEFAULT_RESCAN_SECONDS) },
  expected: { type: 'string', default: process.env.ACCELERATOR_COUNT ?? '' },
  'health-command': { type: 'string' },
  'status-listen': { type: 'string', default: '127.0.0.1:9470' },
  'pre-start-required': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `usage: npm run accelerator-plugin -- [--device-plugins-dir DIR] [--resource NAME]
  [--pattern GLOB]... [--rescan-seconds N] [--expected N] [--health-command "PROGRAM ARGS..."]
  [--status-listen HOST:PORT] [--pre-start-required]`;

function fail(message: string): never {
  console.error(`accelerator-plugin: ${message}\n${USAGE}`);
  process.exit(2);
}

const parsed = (() => {
  try {
    return parseArgs({ options: OPTIONS });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
const { values } = parsed;

function whole(flag: string, text: string, range: [number, number]): number {
  const n = Number(text);
  return Number.isInteger(n) && n >= range[0] && n <= range[1]
    ? n
    : fail(`--${flag} "${text}" is not a whole number from ${range[0]} to ${range[1]}`);
}
function attempt<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    return fail((error as Error).message);
  }
}

const dir = values['device-plugins-dir'];
const dirInfo = statSync(dir, { throwIfNoEntry: false });
if (!dirInfo?.isDirectory()) {
  fail(`--device-plugins-dir ${dir} is not a directory (mount the kubelet's device-plugins directory there)`);
}
const resource = attempt(() => checkResourceName(values.resource));
const patterns = values.pattern;
attempt(() => parseDevicePatterns(patterns));
const listen =
  /^(?<host>[^:]*):(?<port>\d{1,5})$/.exec(values['status-listen'])?.groups ??
  fail(`--status-listen "${values['status-listen']}" is not [HOST]:PORT`);
const healthCommand = values['health-command']?.trim();

const log = processLogger({ component: 'accelerator-device-plugin' });
const plugin = await AcceleratorPlugin.start({
  devicePluginsDir: dir,
  resource,
  patterns,
  rescanSeconds: whole('rescan-seconds', values['rescan-seconds'], [1, MAX_RESCAN_SECONDS]),
  ...(values.expected === '' ? {} : { expected: whole('expected', values.expected, [0, MAX_EXPECTED]) }),
  ...(healthCommand ? { healthProbe: attempt(() => commandProbe(healthCommand.split(/\s+/))) } : {}),
  preStartRequired: values['pre-start-required'],
  status: {
    host: listen.host || '0.0.0.0',
    port: whole('status-listen port', listen.port ?? '', [0, 65535]),
  },
  log,
}).catch((error: Error) => fail(error.message));
log.info('started', {
  patterns,
  devices: plugin.devices().length,
  healthy: plugin.healthyCount(),
  kubelet: plugin.kubeletState,
  status: plugin.statusUrl,
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info('stopping', { signal });
    void plugin.stop().then(() => process.exit(0));
  });
}
