import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/**
 * Preloaded (`node --require`) into each service the e2e bench starts. Over the IPC channel the bench asks
 * it to start V8's sampling CPU profiler (the one `node --cpu-prof` drives, same interval, same
 * .cpuprofile format) and later to stop and write the profile. Unlike `--cpu-prof`, the profile covers
 * just the load window, needs no restart of the service, and does not depend on how the process exits
 * (Nest's shutdown hooks re-raise the signal, and a process killed by a signal writes no --cpu-prof file).
 */
export type ProfileRequest =
  | { readonly kind: 'profile-start'; readonly intervalUs: number }
  | { readonly kind: 'profile-stop'; readonly file: string };

export interface ProfileReply {
  readonly kind: 'profile-reply';
  readonly file?: string;
  readonly error?: string;
}

const isRequest = (m: unknown): m is ProfileRequest =>
  typeof m === 'object' &&
  m !== null &&
  'kind' in m &&
  (m.kind === 'profile-start' || m.kind === 'profile-stop');

const reply = (r: Omit<ProfileReply, 'kind'>): void => {
  process.send?.({ kind: 'profile-reply', ...r } satisfies ProfileReply);
};

if (process.send) {
  // Connected only when a profile is asked for, so an unprofiled service runs as it would without the hook.
  const session = new Session();
  let connected = false;
  const post = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      session.post(method, params, (err, result) => (err ? reject(err) : resolve(result)));
    });
  const handle = async (m: ProfileRequest): Promise<void> => {
    if (m.kind === 'profile-start') {
      if (!connected) session.connect();
      connected = true;
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: m.intervalUs });
      await post('Profiler.start');
      reply({});
      return;
    }
    const result = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(m.file, JSON.stringify(result.profile));
    await post('Profiler.disable');
    reply({ file: m.file });
  };
  process.on('message', (m: unknown) => {
    if (!isRequest(m)) return;
    handle(m).catch((err: unknown) => reply({ error: err instanceof Error ? err.message : String(err) }));
  });
  // The channel must not keep a service alive once it is asked to stop.
  process.channel?.unref();
}
