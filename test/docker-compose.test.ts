/**
 * docker-compose.yml and the Dockerfile, checked statically: Docker cannot run on the CI machine,
 * so this test reads the files and holds them to the hub's own configuration (hub/src/config.ts).
 * A variable can't be deployed without the hub knowing it, and the hub's environment as written
 * must pass the same validation the hub does at startup.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, VARIABLES } from '../hub/src/config.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | { target: number; published: string | number })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test: string | string[] };
  restart?: string;
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as ComposeFile;
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const services = compose.services ?? {};
const AGENTS = ['agent-1', 'agent-2'] as const;

/** A service's environment as a map, whether written as a map or as a list of KEY=value. */
function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => {
      const at = entry.indexOf('=');
      return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value == null ? '' : String(value)]));
}

/**
 * What Compose makes of `value` when no variable is set: `${VAR:-default}` and `${VAR-default}`
 * become their defaults and `$$` a literal `$`. Anything else (`${VAR}`, `$VAR`, `${VAR:?error}`)
 * would need the operator to set something, so it is reported instead of guessed.
 */
function withDefaults(value: string): { value: string; unresolved: string[] } {
  const unresolved: string[] = [];
  const resolved = value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, braced, fallback) => {
    if (match === '$$') return '$';
    if (braced !== undefined && fallback !== undefined) return fallback;
    unresolved.push(match);
    return '';
  });
  // `${VAR:?error}` and `${VAR?error}` are not matched above; catch them (and any other `${`) here.
  for (const rest of resolved.match(/\$\{[^}]*\}/g) ?? []) unresolved.push(rest);
  return { value: resolved, unresolved };
}

function healthcheckCommand(service: Service): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

function dependsOnHealthy(service: Service, dependency: string): boolean {
  const deps = service.depends_on;
  if (!deps || Array.isArray(deps)) return false; // the list form cannot wait for health
  return deps[dependency]?.condition === 'service_healthy';
}

function commandOf(service: Service): string[] {
  const command = service.command;
  return Array.isArray(command) ? command : (command ?? '').split(/\s+/).filter(Boolean);
}

/** Named volumes a service mounts (bind mounts start with `.`, `/` or `~`). */
function namedVolumes(service: Service): string[] {
  return (service.volumes ?? [])
    .map((volume) => (typeof volume === 'string' ? volume.split(':')[0] : volume.type === 'bind' ? '' : (volume.source ?? '')))
    .filter((source) => source !== '' && !/^[./~]/.test(source));
}

function hubEnvironment(): Record<string, string> {
  return Object.fromEntries(Object.entries(environmentOf(services.hub)).map(([key, value]) => [key, withDefaults(value).value]));
}

describe('docker-compose.yml', () => {
  it('defines the postgres, hub, agent-1 and agent-2 services', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'hub', ...AGENTS]));
  });

  describe('postgres', () => {
    it('runs the postgres:16 image', () => {
      expect(services.postgres.image).toBe('postgres:16');
    });

    it('keeps its data in a named volume', () => {
      const mounts = (services.postgres.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[1] : v.target));
      expect(mounts).toContain('/var/lib/postgresql/data');
      expect(namedVolumes(services.postgres)).toHaveLength(1);
    });

    it('reports healthy once pg_isready succeeds', () => {
      expect(healthcheckCommand(services.postgres)).toMatch(/\bpg_isready\b/);
    });
  });

  describe('hub', () => {
    it('is built from the Dockerfile at the repository root', () => {
      const build = services.hub.build;
      const context = typeof build === 'string' ? build : build?.context;
      const file = typeof build === 'object' ? (build.dockerfile ?? 'Dockerfile') : 'Dockerfile';
      expect(context).toBe('.');
      expect(file).toBe('Dockerfile');
    });

    it('publishes port 4000', () => {
      const ports = (services.hub.ports ?? []).map((p) => (typeof p === 'string' ? p : `${p.published}:${p.target}`));
      expect(ports).toContain('4000:4000');
    });

    it('starts only after PostgreSQL is healthy', () => {
      expect(dependsOnHealthy(services.hub, 'postgres')).toBe(true);
    });

    it('checks its health at /readyz, without needing curl in the image', () => {
      const test = services.hub.healthcheck?.test;
      expect(Array.isArray(test) && test[0]).toBe('CMD');
      expect(healthcheckCommand(services.hub)).toMatch(/^CMD node -e .*fetch\('http:\/\/localhost:4000\/readyz'\)/);
    });

    it('sets only environment variables the hub declares in hub/src/config.ts', () => {
      const unknown = Object.keys(environmentOf(services.hub)).filter((name) => !(name in VARIABLES));
      expect(unknown).toEqual([]);
    });

    it('needs no variable from the operator: every interpolation in its environment has a default', () => {
      const unresolved = Object.values(environmentOf(services.hub)).flatMap((value) => withDefaults(value).unresolved);
      expect(unresolved).toEqual([]);
    });

    it('has an environment, with interpolations at their defaults, that loadConfig accepts', () => {
      const config = loadConfig(hubEnvironment());
      expect(config).toMatchObject({ env: 'production', host: '0.0.0.0', port: 4000, dataDir: '/data' });
      expect(config.publicUrl).toMatch(/^https?:\/\//);
    });

    it('keeps AIMASS_DATA_DIR on a named volume', () => {
      const dataDir = hubEnvironment().AIMASS_DATA_DIR;
      const mounts = (services.hub.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':') : [v.source ?? '', v.target]));
      const mount = mounts.find(([, target]) => target === dataDir);
      expect(mount, `a volume mounted at ${dataDir}`).toBeDefined();
      expect(namedVolumes(services.hub)).toContain(mount![0]);
    });

    it("connects DATABASE_URL to the postgres service with its user, password and database", () => {
      const url = new URL(hubEnvironment().DATABASE_URL);
      const pgEnv = Object.fromEntries(Object.entries(environmentOf(services.postgres)).map(([k, v]) => [k, withDefaults(v).value]));
      expect(url.hostname).toBe('postgres');
      expect(url.port || '5432').toBe('5432');
      expect(decodeURIComponent(url.username)).toBe(pgEnv.POSTGRES_USER ?? 'postgres');
      expect(decodeURIComponent(url.password)).toBe(pgEnv.POSTGRES_PASSWORD);
      expect(url.pathname).toBe(`/${pgEnv.POSTGRES_DB ?? pgEnv.POSTGRES_USER ?? 'postgres'}`);
    });
  });

  describe.each(AGENTS)('%s', (name) => {
    const agent = () => services[name];

    it('starts only after the hub is healthy', () => {
      expect(dependsOnHealthy(agent(), 'hub')).toBe(true);
    });

    it('runs the hub image with the agent entry point, pointed at http://hub:4000', () => {
      expect(agent().image ?? agent().build).toEqual(services.hub.image ?? services.hub.build);
      const command = commandOf(agent());
      expect(command.slice(0, 2)).toEqual(['node', 'dist/node-agent/src/main.js']);
      expect(command[command.indexOf('--hub') + 1]).toBe('http://hub:4000');
    });

    it('takes its node token from the environment, required when Compose starts', () => {
      expect(commandOf(agent())).not.toContain('--token');
      const number = name.split('-')[1];
      expect(environmentOf(agent()).AIMASS_NODE_TOKEN).toMatch(new RegExp(`^\\$\\{AIMASS_NODE_TOKEN_${number}:\\?.+\\}$`));
    });

    it('restarts unless stopped', () => {
      expect(agent().restart).toBe('unless-stopped');
    });
  });

  it('declares every named volume a service mounts', () => {
    const used = Object.values(services).flatMap(namedVolumes);
    expect(used.length).toBeGreaterThan(0);
    expect(Object.keys(compose.volumes ?? {})).toEqual(expect.arrayContaining(used));
  });
});

describe('Dockerfile', () => {
  // The last stage is the image that runs.
  const runtime = dockerfile.split(/^FROM\s/im).at(-1) ?? '';

  it('starts the hub with node dist/hub/src/main.js and the young generation npm start gives it', () => {
    const cmd = [...runtime.matchAll(/^CMD\s+(.+)$/gm)].at(-1)?.[1];
    expect(cmd, 'a CMD in the last stage').toBeDefined();
    expect(JSON.parse(cmd!)).toEqual(['node', '--max-semi-space-size=64', 'dist/hub/src/main.js']);
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start).toContain('--max-semi-space-size=64');
  });

  it('runs as a user other than root and exposes port 4000', () => {
    const user = [...runtime.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(runtime).toMatch(/^EXPOSE\s+4000\b/m);
  });

  it('installs only production dependencies in the runtime stage', () => {
    expect(runtime).toMatch(/npm ci\b[^\n]*--omit=dev/);
  });
});
