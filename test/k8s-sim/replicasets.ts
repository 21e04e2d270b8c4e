// extensions/v1beta1 ReplicaSets as a 1.5/1.6 apiserver takes them (SetDefaults_ReplicaSet,
// ValidateReplicaSet): the selector defaults to the template's labels, the object's labels too,
// replicas to 1; an empty selector, a template whose labels the selector does not match, a
// template without containers or a negative replica count is 422 Invalid. Shared by the
// simulator and the stand-in apiserver; the newer apps/v1 type is stored unchecked.
import { ApiError } from './store.js';

type Obj = Record<string, any>;

interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

/** Whether labels satisfy a LabelSelector (matchLabels and matchExpressions); an empty selector matches nothing, as for controllers. */
export function selectorMatches(selector: Obj | undefined, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  const exprs: Requirement[] = selector?.matchExpressions ?? [];
  const eq = Object.entries((selector?.matchLabels ?? {}) as Record<string, string>);
  if (!eq.length && !exprs.length) return false;
  if (eq.some(([k, v]) => l[k] !== v)) return false;
  return exprs.every((e) => {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    if (e.operator === 'In') return has && (e.values ?? []).includes(l[e.key]!);
    if (e.operator === 'NotIn') return !has || !(e.values ?? []).includes(l[e.key]!);
    if (e.operator === 'Exists') return has;
    if (e.operator === 'DoesNotExist') return !has;
    return false;
  });
}

const goMap = (m: Record<string, string>): string => `map[string]string{${Object.entries(m).map(([k, v]) => `"${k}":"${v}"`).join(', ')}}`;

/** Default and validate an extensions/v1beta1 ReplicaSet in place (create and update); throws 422 as the real validation does. */
export function prepareReplicaSet(rs: Obj): void {
  rs.spec ??= {};
  const labels: Record<string, string> | undefined = rs.spec.template?.metadata?.labels;
  if (labels) {
    rs.spec.selector ??= { matchLabels: { ...labels } };
    rs.metadata ??= {};
    if (!Object.keys(rs.metadata.labels ?? {}).length) rs.metadata.labels = { ...labels };
  }
  rs.spec.replicas ??= 1;
  const name = rs.metadata?.name ?? rs.metadata?.generateName ?? '';
  const invalid = (field: string, why: string): ApiError => new ApiError(422, 'Invalid', `ReplicaSet.extensions "${name}" is invalid: ${field}: ${why}`, { name, group: 'extensions', kind: 'ReplicaSet', causes: [{ reason: 'FieldValueInvalid', message: why, field }] });
  if (typeof rs.spec.replicas !== 'number' || rs.spec.replicas < 0) throw invalid('spec.replicas', `Invalid value: ${JSON.stringify(rs.spec.replicas)}: must be greater than or equal to 0`);
  const sel: Obj = rs.spec.selector ?? {};
  if (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length) throw invalid('spec.selector', 'Required value');
  if (!selectorMatches(sel, labels)) throw invalid('spec.template.metadata.labels', `Invalid value: ${goMap(labels ?? {})}: \`selector\` does not match template \`labels\``);
  const containers = rs.spec.template?.spec?.containers;
  if (!Array.isArray(containers) || !containers.length) throw invalid('spec.template.spec.containers', 'Required value');
}

/** Whether a resource type is the 1.5/1.6 ReplicaSet that prepareReplicaSet applies to. */
export const isLegacyReplicaSet = (r: { group: string; plural: string }): boolean => r.group === 'extensions' && r.plural === 'replicasets';
