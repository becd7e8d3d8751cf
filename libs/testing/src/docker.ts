import fs from 'node:fs';
import net from 'node:net';

/** True when a Docker daemon answers on DOCKER_HOST or the default socket (a client binary is not enough). */
export const dockerDaemonAnswers = async (timeoutMs = 1_500): Promise<boolean> => {
  const host = process.env.DOCKER_HOST;
  const socketPath = host?.startsWith('unix://')
    ? host.slice('unix://'.length)
    : host
      ? null
      : '/var/run/docker.sock';
  if (socketPath !== null && !fs.existsSync(socketPath)) return false;
  return new Promise((resolve) => {
    const target = socketPath
      ? { path: socketPath }
      : (() => {
          const u = new URL(host!.replace(/^tcp:/, 'http:'));
          return { host: u.hostname, port: Number(u.port || 2375) };
        })();
    const s = net.connect(target as net.NetConnectOpts);
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.on('error', () => done(false));
    s.on('connect', () => s.write('GET /_ping HTTP/1.0\r\n\r\n'));
    s.on('data', (d) => done(d.toString().includes('200 OK')));
  });
};
