// A TCP round-robin balancer for several local instances of one app (deploy/local/services.sh with
// APPS_REPLICAS > 1): what a Kubernetes Service (kube-proxy) does in front of pods, on 127.0.0.1.
// Connection-level, like kube-proxy: a client's keep-alive connection stays on one instance, so the
// gateway's pool of connections spreads over the instances. A refused connection moves to the next
// instance before any byte is forwarded, so a stopped instance costs nothing but a reconnect.
// Usage: node balancer.mjs LISTEN_PORT TARGET_PORT...
import net from 'node:net';

const [listen, ...targets] = process.argv.slice(2).map(Number);
if (!Number.isInteger(listen) || targets.length === 0 || !targets.every(Number.isInteger)) {
  console.error('usage: node balancer.mjs LISTEN_PORT TARGET_PORT...');
  process.exit(2);
}

let next = 0;
const counts = new Map(targets.map((t) => [t, 0]));

const connect = (client, tried) => {
  if (tried >= targets.length) return void client.destroy();
  const port = targets[next++ % targets.length];
  const upstream = net.connect({ host: '127.0.0.1', port });
  upstream.once('error', () => {
    upstream.destroy();
    connect(client, tried + 1);
  });
  upstream.once('connect', () => {
    counts.set(port, counts.get(port) + 1);
    upstream.removeAllListeners('error');
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
};

const server = net.createServer({ pauseOnConnect: true }, (client) => {
  client.on('error', () => undefined);
  connect(client, 0);
});
server.listen(listen, '127.0.0.1', () =>
  console.log(`balancing 127.0.0.1:${listen} over ${targets.join(', ')}`),
);

// Connections per instance, in the log, on SIGUSR2 and at exit (the proof reads how the load spread).
const report = () => console.log(JSON.stringify({ listen, connections: Object.fromEntries(counts) }));
process.on('SIGUSR2', report);
for (const signal of ['SIGTERM', 'SIGINT'])
  process.on(signal, () => {
    report();
    server.close();
    process.exit(0);
  });
