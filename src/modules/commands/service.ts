// service/systemd: converge a unit's running state and boot enablement through systemctl.
import { quote } from '../../connections/shell-quote.js';
import type { ModuleContext, ModuleDef, ModuleResult } from '../types.js';

/** systemctl with systemd's scope and no_block switches, as Ansible builds it for every call. */
function systemctlFor(a: Record<string, unknown>): string {
  const scope = a.scope && a.scope !== 'system' ? ` --${String(a.scope)}` : '';
  // a user or global manager is found through XDG_RUNTIME_DIR, which Ansible sets when a login did not
  const env = scope ? 'export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/run/user/$(id -u)}"; ' : '';
  return `${env}systemctl${scope}${a.no_block ? ' --no-block' : ''}`;
}

async function sh(ctx: ModuleContext, cmd: string): Promise<{ rc: number; out: string; err: string }> {
  const r = await ctx.conn.exec(cmd.replace(/^systemctl\b/, systemctlFor(ctx.args)), { become: ctx.become });
  return { rc: r.rc, out: r.stdout.trim(), err: r.stderr.trim() };
}

async function converge(ctx: ModuleContext): Promise<ModuleResult> {
  const a = ctx.args;
  const name = String(a.name ?? '');
  const unit = quote(name);
  const result: ModuleResult = { changed: false, name };
  // Ansible's service action drops these on a systemd host, saying so (Drover's service is systemd's)
  const ignored = ['pattern', 'sleep', 'arguments'].filter((k) => a[k] !== undefined && a[k] !== null && a[k] !== '' && a[k] !== 0);
  if (ignored.length) result.warnings = ignored.map((k) => `Ignoring "${k}" as it is not used in "systemd"`);
  if (a.daemon_reload) {
    if (!ctx.check) await sh(ctx, 'systemctl daemon-reload');
    if (!name) return { changed: true, name };
  }
  if (!name) return { changed: false, failed: true, msg: 'missing required argument: name' };
  if (a.masked !== undefined && a.masked !== null) {
    // as Ansible's systemd: masking works before a unit is installed; only "masked" counts as masked
    const masked = (await sh(ctx, `systemctl is-enabled ${unit}`)).out === 'masked';
    if (masked !== a.masked) {
      result.changed = true;
      if (!ctx.check) {
        const r = await sh(ctx, `systemctl ${a.masked ? 'mask' : 'unmask'} ${unit}`);
        if (r.rc !== 0) return { ...result, failed: true, msg: `Unable to ${a.masked ? 'mask' : 'unmask'} service ${name}: ${r.err || r.out}` };
      }
    }
  }
  const active = await sh(ctx, `systemctl is-active ${unit}`);
  // the daemonless systemctl on test hosts says "unknown" for units it does not track
  const running = active.out === 'active' || active.out === 'activating' || active.out === 'reloading';
  let action: string | undefined;
  switch (a.state) {
    case 'started':
      if (!running) action = 'start';
      break;
    case 'stopped':
      if (running) action = 'stop';
      break;
    case 'restarted':
      action = 'restart';
      break;
    case 'reloaded':
      action = running ? 'reload' : 'start';
      break;
  }
  if (action) {
    result.changed = true;
    if (!ctx.check) {
      const r = await sh(ctx, `systemctl ${action} ${unit}`);
      if (r.rc !== 0) return { ...result, failed: true, msg: `Unable to ${action} service ${name}: ${r.err || r.out}` };
    }
  }
  if (a.state) result.state = a.state === 'stopped' ? 'stopped' : 'started';
  if (a.enabled !== undefined && a.enabled !== null) {
    const en = await sh(ctx, `systemctl is-enabled ${unit}`);
    const isEnabled = ['enabled', 'static', 'enabled-runtime', 'alias', 'indirect'].includes(en.out);
    if (isEnabled !== a.enabled) {
      result.changed = true;
      if (!ctx.check) {
        const r = await sh(ctx, `systemctl ${a.enabled ? 'enable' : 'disable'} ${unit}`);
        if (r.rc !== 0) return { ...result, failed: true, msg: `Unable to ${a.enabled ? 'enable' : 'disable'} service ${name}: ${r.err || r.out}` };
      }
    }
    result.enabled = a.enabled;
  }
  result.status = { ActiveState: running ? 'active' : 'inactive' };
  return result;
}

const ARGS = {
  name: { type: 'str', aliases: ['service', 'unit'] },
  state: { type: 'str', choices: ['started', 'stopped', 'restarted', 'reloaded'] },
  enabled: { type: 'bool' },
} as const;

/** Ansible's service module (systemd hosts). */
export const serviceModule: ModuleDef = { name: 'service', supportsCheck: true, args: { ...ARGS, arguments: { type: 'str' }, sleep: { type: 'int' }, pattern: { type: 'str' } }, run: converge };

/** Ansible's systemd module. */
export const systemdModule: ModuleDef = {
  name: 'systemd',
  aliases: ['systemd_service'],
  supportsCheck: true,
  args: { ...ARGS, daemon_reload: { type: 'bool', default: false, aliases: ['daemon-reload'] }, masked: { type: 'bool' }, scope: { type: 'str', default: 'system', choices: ['system', 'user', 'global'] }, no_block: { type: 'bool', default: false } },
  run: converge,
};
