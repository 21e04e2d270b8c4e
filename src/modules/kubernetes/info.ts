// k8s_info (kubernetes.core.k8s_info): read objects of any kind, by name or by selectors.
// Read-only: never changed, and it runs in check mode.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ModuleDef } from '../types.js';
import { KUBE_ARGS, kubeFor, type Kube } from './kube-target.js';

/**
 * client-node's discovery failed for this kind: either the group/version is not served (404 on
 * /apis/GROUP/VERSION) or it is, without this kind. Ansible's k8s_info answers api_found: false.
 */
function unknownKind(kube: Kube, err: unknown): boolean {
  const message = String((err as Error)?.message ?? '');
  if (/^Unrecognized API version and kind/.test(message)) return true;
  return kube.status(err) === 404 && message.startsWith('Failed to fetch resource metadata');
}

const joined = (v: unknown): string | undefined => (Array.isArray(v) && v.length ? v.map(String).join(',') : undefined);

/** kubernetes.core.k8s_info: {resources: [...]}; api_found false when the kind is unknown to the server. */
export const k8sInfoModule: ModuleDef = {
  name: 'k8s_info',
  aliases: ['kubernetes.core.k8s_info'],
  controllerOnly: true,
  supportsCheck: true,
  args: {
    kind: { type: 'str', required: true },
    api_version: { type: 'str', default: 'v1', aliases: ['api', 'version'] },
    name: { type: 'str' },
    namespace: { type: 'str' },
    label_selectors: { type: 'list', default: [] },
    field_selectors: { type: 'list', default: [] },
    ...KUBE_ARGS,
  },
  async run(ctx) {
    const kube = await kubeFor(ctx);
    const apiVersion = String(ctx.args.api_version);
    const kind = String(ctx.args.kind);
    const namespace = ctx.args.namespace as string | undefined;
    const name = ctx.args.name as string | undefined;
    try {
      if (name) {
        try {
          const obj = await kube.client.objects.read({ apiVersion, kind, metadata: { name, namespace } });
          return { changed: false, api_found: true, resources: [obj] };
        } catch (err) {
          if (kube.status(err) === 404 && !unknownKind(kube, err)) return { changed: false, api_found: true, resources: [] };
          throw err;
        }
      }
      const list = await kube.client.objects.list<KubernetesObject>(apiVersion, kind, namespace, undefined, undefined, undefined, joined(ctx.args.field_selectors), joined(ctx.args.label_selectors));
      // A list's items omit apiVersion and kind; Ansible's results carry them.
      return { changed: false, api_found: true, resources: list.items.map((o) => ({ apiVersion, kind, ...o })) };
    } catch (err) {
      if (unknownKind(kube, err)) {
        return { changed: false, api_found: false, resources: [], msg: `the API server has no ${kind} in ${apiVersion}` };
      }
      return { changed: false, failed: true, msg: `listing ${kind} (${apiVersion}): ${kube.message(err)}` };
    }
  },
};
