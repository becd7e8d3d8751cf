import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { REPO_ROOT } from '@tracker/testing';

/**
 * Issue #16: the Helm chart in deploy/k8s lints, renders, and every manifest it renders validates
 * offline against the Kubernetes JSON schemas of the oldest and newest Kubernetes it targets.
 *
 * Tools (deploy/local/k8s-tools.sh, cached under .local/): Helm built from the Go module proxy, and
 * PyPI's kubernetes-validate, whose schemas ship inside its package. The custom resources of the
 * operators (Strimzi's Kafka and KafkaNodePool, MongoDBCommunity) have no core schema: they are the only
 * kinds allowed to go unvalidated, so a core kind under a wrong apiVersion fails here too.
 */
const CHART = path.join(REPO_ROOT, 'deploy/k8s/tracker');
const PRODUCTION = path.join(REPO_ROOT, 'deploy/k8s/values-production.yaml');
const HELM = path.join(REPO_ROOT, '.local/bin/helm');
const VENV = path.join(REPO_ROOT, '.local/k8s-validate/bin');
const RELEASE = 'tracker';
/** The chart's kubeVersion floor and the newest schemas kubernetes-validate ships. */
const KUBE_VERSIONS = ['1.30.0', '1.37.0'] as const;
const CUSTOM_KINDS = [
  'kafka.strimzi.io/v1 Kafka',
  'kafka.strimzi.io/v1 KafkaNodePool',
  'mongodbcommunity.mongodb.com/v1 MongoDBCommunity',
];
const APPS = ['commitments', 'follow-up', 'gateway', 'recommendations'];

const Manifest = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({ name: z.string(), labels: z.record(z.string(), z.string()).optional() }),
  spec: z.looseObject({}).optional(),
});
type Manifest = z.infer<typeof Manifest>;

const Labels = z.looseObject({ matchLabels: z.record(z.string(), z.string()) });
const Probe = z.looseObject({ httpGet: z.looseObject({ path: z.string(), port: z.string() }) });
const Deployment = z.looseObject({
  spec: z.looseObject({
    selector: Labels,
    template: z.looseObject({
      spec: z.looseObject({
        containers: z.array(
          z.looseObject({
            readinessProbe: Probe,
            livenessProbe: Probe,
            resources: z.looseObject({ requests: z.looseObject({ cpu: z.string(), memory: z.string() }) }),
          }),
        ),
      }),
    }),
  }),
});
const Selecting = z.looseObject({ spec: z.looseObject({ selector: Labels }) });
const Autoscaler = z.looseObject({
  spec: z.looseObject({ scaleTargetRef: z.looseObject({ kind: z.string(), name: z.string() }) }),
});
const Policy = z.looseObject({
  spec: z.looseObject({
    podSelector: Labels,
    ingress: z.array(
      z.looseObject({ from: z.array(z.looseObject({ podSelector: Labels.optional() })).optional() }),
    ),
  }),
});

const run = (cmd: string, args: string[]): { status: number | null; output: string } => {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tracker-k8s-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const valueArgs = (production: boolean): string[] => (production ? ['-f', PRODUCTION] : []);

/** `helm template` into a file; the manifests parsed by the validator's own PyYAML. */
const render = (production: boolean, kube: string): { file: string; manifests: Manifest[] } => {
  const r = run(HELM, ['template', RELEASE, CHART, '--kube-version', kube, ...valueArgs(production)]);
  expect(r).toMatchObject({ status: 0 });
  const file = path.join(tmp, `${production ? 'production' : 'default'}-${kube}.yaml`);
  fs.writeFileSync(file, r.output);
  return { file, manifests: parseYaml(file) };
};

const parseYaml = (file: string): Manifest[] => {
  const json = execFileSync(
    path.join(VENV, 'python'),
    [
      '-c',
      'import json,sys,yaml; json.dump([d for d in yaml.safe_load_all(open(sys.argv[1])) if d], sys.stdout)',
      file,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return z.array(Manifest).parse(JSON.parse(json));
};

interface Verdict {
  readonly status: number | null;
  readonly passed: string[];
  readonly errors: string[];
  /** `apiVersion Kind` of the resources no schema was found for. */
  readonly unvalidated: string[];
}

const validate = (file: string, kube: string): Verdict => {
  const r = run(path.join(VENV, 'kubernetes-validate'), ['--strict', '-k', kube, file]);
  const lines = r.output.split('\n');
  return {
    status: r.status,
    passed: lines.flatMap((l) => /passed for resource (\S+)/.exec(l)?.[1] ?? []),
    errors: lines.filter((l) => l.startsWith('ERROR')),
    unvalidated: lines.flatMap((l) => {
      const m = /Couldn't find schema for kind (\S+) with api version (\S+)/.exec(l);
      return m ? [`${m[2]} ${m[1]}`] : [];
    }),
  };
};

/** Every manifest passed, or is one of the operators' custom resources. */
const expectValid = (verdict: Verdict, manifests: Manifest[]): void => {
  expect(verdict.errors).toEqual([]);
  expect(verdict.status).toBe(0);
  expect(verdict.unvalidated.filter((k) => !CUSTOM_KINDS.includes(k))).toEqual([]);
  const core = manifests.filter((m) => !CUSTOM_KINDS.includes(`${m.apiVersion} ${m.kind}`));
  expect(verdict.passed.sort()).toEqual(core.map((m) => `${m.kind.toLowerCase()}/${m.metadata.name}`).sort());
};

const named = (manifests: Manifest[], kind: string): Map<string, Manifest> =>
  new Map(manifests.filter((m) => m.kind === kind).map((m) => [m.metadata.name, m]));

beforeAll(() => {
  // A no-op once the tools are cached; npm test provisions them before Jest (deploy/local/test.sh).
  execFileSync('bash', ['deploy/local/k8s-tools.sh'], { cwd: REPO_ROOT, stdio: 'inherit', timeout: 900_000 });
}, 900_000);

describe.each([
  ['default values (servers outside the cluster)', false],
  ['values-production.yaml (Strimzi, MongoDB operator, Redis)', true],
])('the chart with %s', (_label, production) => {
  it('passes helm lint --strict', () => {
    const r = run(HELM, [
      'lint',
      '--strict',
      '--kube-version',
      KUBE_VERSIONS[0],
      CHART,
      ...valueArgs(production),
    ]);
    expect(r).toMatchObject({ status: 0 });
  });

  it.each(KUBE_VERSIONS)('renders manifests that validate against the Kubernetes %s schemas', (kube) => {
    const { file, manifests } = render(production, kube);
    const verdict = validate(file, kube);
    expectValid(verdict, manifests);
    expect(verdict.unvalidated.sort()).toEqual(production ? CUSTOM_KINDS : []);
  });

  it('runs each app with /health probes and resources, a disruption budget, an autoscaler', () => {
    const { manifests } = render(production, KUBE_VERSIONS[1]);
    const deployments = named(manifests, 'Deployment');
    expect([...deployments.keys()].sort()).toEqual(APPS.map((a) => `${RELEASE}-${a}`));
    const budgets = named(manifests, 'PodDisruptionBudget');
    const scalers = named(manifests, 'HorizontalPodAutoscaler');
    for (const [name, manifest] of deployments) {
      const d = Deployment.parse(manifest);
      for (const c of d.spec.template.spec.containers) {
        expect([c.readinessProbe.httpGet.path, c.livenessProbe.httpGet.path]).toEqual(['/health', '/health']);
        expect(c.resources.requests.cpu).toMatch(/^\d+m?$/);
        expect(c.resources.requests.memory).toMatch(/^\d+[MG]i$/);
      }
      expect(Selecting.parse(budgets.get(name)).spec.selector.matchLabels).toEqual(
        d.spec.selector.matchLabels,
      );
      expect(Autoscaler.parse(scalers.get(name)).spec.scaleTargetRef).toMatchObject({
        kind: 'Deployment',
        name,
      });
    }
  });

  it('lets only gateway pods reach the services', () => {
    const { manifests } = render(production, KUBE_VERSIONS[1]);
    const policies = named(manifests, 'NetworkPolicy');
    for (const app of APPS.filter((a) => a !== 'gateway')) {
      const p = Policy.parse(policies.get(`${RELEASE}-${app}`));
      const sources = p.spec.ingress.flatMap((rule) => rule.from ?? [{}]);
      const fromGateway = sources.filter(
        (s) => s.podSelector?.matchLabels['app.kubernetes.io/component'] === 'gateway',
      );
      // The gateway's pods, plus only what values name for /metrics (production: the monitoring namespace).
      expect(fromGateway).toHaveLength(1);
      expect(sources.every((s) => s.podSelector !== undefined || 'namespaceSelector' in s)).toBe(true);
    }
  });
});

describe('the checks fail', () => {
  it('on a manifest the schemas refuse', () => {
    const { manifests } = render(false, KUBE_VERSIONS[1]);
    const broken = manifests.map((m) =>
      m.kind === 'Deployment' && m.metadata.name === `${RELEASE}-gateway`
        ? { ...m, spec: { ...m.spec, replicas: 'two', progressDeadline: 600 } }
        : m,
    );
    // JSON is YAML: one document per manifest.
    const file = path.join(tmp, 'broken.yaml');
    fs.writeFileSync(file, broken.map((m) => JSON.stringify(m)).join('\n---\n'));
    const verdict = validate(file, KUBE_VERSIONS[1]);
    expect(verdict.status).not.toBe(0);
    expect(verdict.errors.join('\n')).toContain(`deployment/${RELEASE}-gateway`);
  });

  it('on a core kind under an apiVersion the schemas do not know', () => {
    const { manifests } = render(false, KUBE_VERSIONS[1]);
    const file = path.join(tmp, 'removed-api.yaml');
    const old = manifests.map((m) =>
      m.kind === 'PodDisruptionBudget' ? { ...m, apiVersion: 'policy/v1beta1' } : m,
    );
    fs.writeFileSync(file, old.map((m) => JSON.stringify(m)).join('\n---\n'));
    const verdict = validate(file, KUBE_VERSIONS[1]);
    expect(() => expectValid(verdict, old)).toThrow();
    expect(verdict.unvalidated).toContain('policy/v1beta1 PodDisruptionBudget');
  });

  it('on values the chart schema refuses', () => {
    const r = run(HELM, [
      'lint',
      '--strict',
      '--kube-version',
      KUBE_VERSIONS[0],
      CHART,
      '--set',
      'apps.gateway.port=0',
    ]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('/apps/gateway/port');
  });
});
