import type { Job } from 'agenda';
import type { Logger } from 'pino';

interface RunningJob {
  id: string;
  name: string;
  startedAt: Date;
  heartbeat: NodeJS.Timeout | null;
}

/**
 * Jobs this process is running. While a handler runs, its lock is renewed so the lock lifetime
 * can stay short; `waitUntilIdle` lets `stop()` wait for the jobs to finish.
 */
export class RunningJobs {
  private readonly jobs = new Map<string, RunningJob>();
  private readonly idleWaiters = new Set<() => void>();

  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.jobs.size;
  }

  /** Records a job whose handler starts now and renews its lock every quarter of `lockLifetimeMs`. */
  started(job: Job, lockLifetimeMs: number): void {
    const id = String(job.attrs._id);
    let renewing = false;
    const heartbeat = setInterval(() => {
      if (renewing) return;
      renewing = true;
      job
        .touch()
        .catch((error: unknown) => {
          // A renewal still in flight when the handler returns can fail, because removeOnComplete
          // already deleted the finished job's row. Only a failure while the handler runs matters.
          const stillRunning = this.jobs.get(id)?.heartbeat != null;
          const fields = { err: error, jobName: job.attrs.name, jobId: id };
          if (stillRunning) this.logger.warn(fields, 'Renewing the lock of a running job failed; another worker may take the job over');
          else this.logger.debug(fields, 'lock renewal of a finished job failed; nothing to do');
        })
        .finally(() => {
          renewing = false;
        });
    }, Math.max(1, Math.floor(lockLifetimeMs / 4)));
    // The timer only matters while something else keeps the process running.
    heartbeat.unref();
    this.jobs.set(id, { id, name: job.attrs.name, startedAt: new Date(), heartbeat });
  }

  /** Stops renewing the lock once the handler has returned or thrown. */
  handlerFinished(id: string): void {
    const job = this.jobs.get(id);
    if (job?.heartbeat) {
      clearInterval(job.heartbeat);
      job.heartbeat = null;
    }
  }

  /** Forgets a job after Agenda has saved its final state. */
  completed(id: string): void {
    this.handlerFinished(id);
    if (!this.jobs.delete(id) || this.jobs.size > 0) return;
    for (const resolve of this.idleWaiters) resolve();
    this.idleWaiters.clear();
  }

  list(): Array<{ id: string; name: string; startedAt: Date }> {
    return [...this.jobs.values()].map(({ id, name, startedAt }) => ({ id, name, startedAt }));
  }

  /** Stops every lock renewal, so the locks of jobs left running expire and other workers can retry them. */
  stopAllHeartbeats(): void {
    for (const id of this.jobs.keys()) this.handlerFinished(id);
  }

  /** Resolves true once no job runs, or false after `timeoutMs`. */
  waitUntilIdle(timeoutMs: number): Promise<boolean> {
    if (this.jobs.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onIdle = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.idleWaiters.delete(onIdle);
        resolve(false);
      }, timeoutMs);
      this.idleWaiters.add(onIdle);
    });
  }
}
