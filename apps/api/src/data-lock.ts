/**
 * One server per data folder: a lock file created with O_EXCL holds the owner's pid, host, start time
 * and port, and is removed when the app closes. Hand-written because no lock library is in the tree,
 * and O_EXCL plus a pid-liveness check is all a single-host server needs (proper-lockfile adds
 * mtime polling for network file systems, which a local SQLite folder cannot safely live on anyway).
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock file inside a data folder. */
export const LOCK_FILE = 'georisk.lock';

/** What the lock file holds. */
export interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
  port: number | null;
}

/** The data folder cannot be used: held by another server, or its database is damaged. Exit 2 at start. */
export class DataFolderError extends Error {}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return undefined;
    return {
      pid: parsed.pid,
      hostname: parsed.hostname,
      startedAt: String(parsed.startedAt ?? 'an unknown time'),
      port: typeof parsed.port === 'number' ? parsed.port : null,
    };
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists here (EPERM: it exists but belongs to another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describe(h: LockHolder): string {
  return `pid ${h.pid} on ${h.hostname}, started ${h.startedAt}${h.port === null ? '' : `, port ${h.port}`}`;
}

/** A held lock on a data folder. */
export class DataLock {
  private constructor(
    private readonly path: string,
    private holder: LockHolder,
  ) {}

  /**
   * Takes the folder's lock, or throws `DataFolderError` naming the live holder. A lock whose pid is
   * not alive on this host is stale: it is taken over and `onStale` is told.
   */
  static acquire(dataDir: string, onStale: (note: string) => void = () => {}): DataLock {
    const path = join(dataDir, LOCK_FILE);
    const holder: LockHolder = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), port: null };
    for (let attempt = 0; attempt < 2; attempt++) {
      let fd: number;
      try {
        fd = openSync(path, 'wx');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new DataFolderError(`cannot create the lock file ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
        }
        const other = readHolder(path);
        if (other && (other.hostname !== holder.hostname || alive(other.pid))) {
          throw new DataFolderError(
            `the data folder ${dataDir} is in use by another georisk server (${describe(other)}); stop it, or use --data another folder`,
          );
        }
        onStale(
          other
            ? `took over the stale lock of ${describe(other)}, which is no longer running`
            : `took over an unreadable lock file ${path}`,
        );
        try {
          unlinkSync(path);
        } catch {
          // Another starter removed it first; the next attempt settles who holds the folder.
        }
        continue;
      }
      try {
        writeSync(fd, JSON.stringify(holder));
      } finally {
        closeSync(fd);
      }
      return new DataLock(path, holder);
    }
    const other = readHolder(path);
    throw new DataFolderError(
      `the data folder ${dataDir} is in use by another georisk server${other ? ` (${describe(other)})` : ''}; stop it, or use --data another folder`,
    );
  }

  /** Records the port the server listens on, so a refused second server can name it. */
  setPort(port: number): void {
    this.holder = { ...this.holder, port };
    if (readHolder(this.path)?.pid === process.pid) writeFileSync(this.path, JSON.stringify(this.holder));
  }

  /** Removes the lock file, if it is still ours. */
  release(): void {
    if (readHolder(this.path)?.pid !== process.pid) return;
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone.
    }
  }
}
