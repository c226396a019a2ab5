/**
 * Which unix socket file is at a path: its inode and change time (to the nanosecond). A kubelet
 * that restarts deletes the sockets in its directory and makes kubelet.sock again; the new file
 * may well get the old inode number back, so the inode alone cannot say it is a new socket.
 */
import { stat } from 'node:fs/promises';

/** The identity of the socket at `path`, or undefined when nothing, or no socket, is there. */
export async function socketIdentity(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path, { bigint: true });
    return info.isSocket() ? `${info.dev}:${info.ino}:${info.ctimeNs}` : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}
