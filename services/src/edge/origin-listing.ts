/**
 * A title's files as the origin lists them (nginx's JSON autoindex, one request per directory),
 * bounded in depth and count, every name checked before it becomes a path on this disk.
 */
const MAX_DEPTH = 4;
const MAX_FILES_PER_TITLE = 20_000;
const MAX_FILE_BYTES = 64 * 1024 ** 3;
const LIST_TIMEOUT_MS = 10_000;
/** What a stored name may be: no separators, no dot-dot, nothing hidden. */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A file being fetched; never a listed name, never served. */
export const PARTIAL = '.partial';

export interface ListedFile {
  /** Relative to the title's directory. */
  path: string;
  bytes: number;
}

export class ListingError extends Error {
  override readonly name = 'ListingError';
}

interface Entry {
  name?: unknown;
  type?: unknown;
  size?: unknown;
}

function checkedName(entry: Entry, url: string): string {
  const name = String(entry.name ?? '');
  if (!SAFE_NAME.test(name) || name.endsWith(PARTIAL)) {
    throw new ListingError(`listing ${url}: "${name.slice(0, 80)}" is not a name this edge stores`);
  }
  return name;
}

function checkedSize(entry: Entry, url: string, name: string): number {
  const bytes = Number(entry.size);
  if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > MAX_FILE_BYTES) {
    throw new ListingError(`listing ${url}: ${name} has an impossible size`);
  }
  return bytes;
}

function checkedDepth(depth: number, url: string): number {
  if (depth > MAX_DEPTH) {
    throw new ListingError(`listing ${url}: deeper than ${MAX_DEPTH} directories`);
  }
  return depth;
}

async function listDirectory(url: string): Promise<Entry[]> {
  const res = await fetch(url, { signal: AbortSignal.timeout(LIST_TIMEOUT_MS) });
  if (!res.ok) {
    throw new ListingError(`listing ${url}: HTTP ${res.status}`);
  }
  const entries = (await res.json()) as unknown;
  if (!Array.isArray(entries)) {
    throw new ListingError(`listing ${url}: not a JSON directory listing`);
  }
  return entries as Entry[];
}

/** Every file of `title` at the origin, but those under a directory named in `skipDirs`. */
export async function listTitle(
  originUrl: string,
  title: string,
  skipDirs: ReadonlySet<string>,
): Promise<ListedFile[]> {
  const files: ListedFile[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const url = `${originUrl}/titles/${title}/${dir}`;
    for (const entry of await listDirectory(url)) {
      const name = checkedName(entry, url);
      if (entry.type === 'file') {
        files.push({ path: `${dir}${name}`, bytes: checkedSize(entry, url, name) });
      } else if (entry.type === 'directory' && !skipDirs.has(name)) {
        await walk(`${dir}${name}/`, checkedDepth(depth + 1, url));
      }
      if (files.length > MAX_FILES_PER_TITLE) {
        throw new ListingError(`title ${title} lists over ${MAX_FILES_PER_TITLE} files`);
      }
    }
  };
  await walk('', 0);
  return files;
}
