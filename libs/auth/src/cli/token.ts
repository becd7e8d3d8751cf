/* Prints a development bearer token: npm run token -- --role secretariat [--institution ministry-of-justice] [--sub alice] */
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET } from '../errors';
import { signDevToken } from '../jwt';
import { Role } from '../principal';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const role = Role.safeParse(flag('role') ?? 'secretariat');
if (!role.success) {
  process.stderr.write(
    `usage: npm run token -- --role <${Role.options.join('|')}> [--institution slug] [--sub name] [--ttl seconds]\n`,
  );
  process.exit(2);
}
const ttl = Number(flag('ttl') ?? 8 * 3600);
process.stdout.write(
  `${signDevToken(
    {
      secret: process.env.JWT_SECRET ?? DEV_JWT_SECRET,
      issuer: process.env.JWT_ISSUER ?? DEFAULT_JWT_ISSUER,
    },
    { sub: flag('sub') ?? `dev-${role.data}`, role: role.data, institution: flag('institution') ?? null },
    Number.isFinite(ttl) && ttl > 0 ? ttl : 8 * 3600,
  )}\n`,
);
