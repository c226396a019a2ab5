/**
 * What the edge knows of the titles it serves, from each title's packaged manifest
 * (`packaged.json`, written by the packager beside the title and served by the origin): its
 * renditions' names (the pre-positioning tells their directories apart) and bitrates (a session
 * reserves its title's top rendition). Loaded once per title and kept; bounded in size.
 */
import { MANIFEST_FILE, type PackagedRendition } from '../packager/packaged-manifest.ts';

const MAX_MANIFEST_BYTES = 1024 * 1024;
const TIMEOUT_MS = 10_000;

interface Rendition {
  name: string;
  bitrateMbps: number;
}

export class TitleCatalogError extends Error {
  override readonly name = 'TitleCatalogError';
}

function renditionsIn(manifest: unknown, url: string): Rendition[] {
  const list = (manifest as { renditions?: unknown })?.renditions;
  if (!Array.isArray(list) || list.length === 0 || list.length > 64) {
    throw new TitleCatalogError(`${url}: renditions must be a list of 1 to 64`);
  }
  return list.map((r: Partial<PackagedRendition>, i) => {
    if (typeof r?.name !== 'string' || typeof r.targetMbps !== 'number' || !(r.targetMbps > 0)) {
      throw new TitleCatalogError(`${url}: renditions[${i}] needs a name and a positive targetMbps`);
    }
    // A session reserves what the rendition really streams: its target, or more if it measured more.
    const measured = Math.max(r.hls?.measuredMbps ?? 0, r.dash?.measuredMbps ?? 0);
    return { name: r.name, bitrateMbps: Math.max(r.targetMbps, measured) };
  });
}

export class TitleCatalog {
  #origins: readonly string[];
  readonly #titles = new Map<string, Rendition[]>();

  constructor(originUrls: readonly string[]) {
    this.#origins = originUrls;
  }

  setOrigins(originUrls: readonly string[]): void {
    this.#origins = originUrls;
  }

  /** Loads a title's manifest if not known yet; a failure leaves it unknown (sessions refused, retried next plan). */
  async load(title: string): Promise<void> {
    if (this.#titles.has(title)) {
      return;
    }
    const url = `${this.#origins[0]}/titles/${title}/${MANIFEST_FILE}`;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      const text = res.ok ? await res.text() : '';
      if (!res.ok || text.length > MAX_MANIFEST_BYTES) {
        throw new TitleCatalogError(`${url}: HTTP ${res.status}${res.ok ? ', manifest too large' : ''}`);
      }
      this.#titles.set(title, renditionsIn(JSON.parse(text), url));
    } catch {
      // Unknown until a later plan loads it: the edge refuses its sessions with "unknown-title".
    }
  }

  async renditions(title: string): Promise<string[]> {
    await this.load(title);
    return (this.#titles.get(title) ?? []).map((r) => r.name);
  }

  /** A title not placed here is loaded on first use: the edge serves it from its parent. */
  async topBitrateMbps(title: string): Promise<number | undefined> {
    await this.load(title);
    const renditions = this.#titles.get(title);
    return renditions ? Math.max(...renditions.map((r) => r.bitrateMbps)) : undefined;
  }
}
