// The kubernetes connection's host settings: names, precedence, `namespace/pod` inventory
// names, defaults and the errors that quote a bad value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KUBERNETES_SETTINGS, kubernetesOptions, splitPodRef } from '../../../src/connections/kubernetes/settings.js';

test('every setting is declared with names and a description', () => {
  for (const [key, s] of Object.entries(KUBERNETES_SETTINGS)) {
    assert.ok(s.names.length > 0, key);
    assert.ok(s.names.every((n) => /^(drover_k8s_|ansible_)/.test(n)), key);
    assert.ok(s.description.length > 10, key);
  }
  assert.deepEqual(KUBERNETES_SETTINGS.pod!.names, ['drover_k8s_pod', 'ansible_kubectl_pod']);
});

test('the inventory name is the pod; `namespace/pod` is split', () => {
  assert.deepEqual(splitPodRef('web-1'), { pod: 'web-1' });
  assert.deepEqual(splitPodRef('shop/web-1'), { namespace: 'shop', pod: 'web-1' });
  const plain = kubernetesOptions('web-1', {});
  assert.equal(plain.pod, 'web-1');
  assert.equal(plain.namespace, undefined, 'left to the context');
  const split = kubernetesOptions('shop/web-1', {});
  assert.equal(split.namespace, 'shop');
  assert.equal(split.pod, 'web-1');
});

test('drover_k8s_* wins over ansible_kubectl_*, which wins over the inventory name', () => {
  const o = kubernetesOptions('shop/web-1', {
    drover_k8s_pod: 'api-0',
    ansible_kubectl_pod: 'ignored',
    ansible_kubectl_namespace: 'payments',
    ansible_kubectl_container: 'app',
    drover_k8s_kubeconfig: '/k/config',
    ansible_kubectl_context: 'prod',
  });
  assert.deepEqual({ pod: o.pod, namespace: o.namespace, container: o.container, kubeconfig: o.kubeconfig, context: o.context }, { pod: 'api-0', namespace: 'payments', container: 'app', kubeconfig: '/k/config', context: 'prod' });
  assert.equal(kubernetesOptions('x', { drover_k8s_pod: 'ns2/api-0' }).namespace, 'ns2');
  assert.equal(kubernetesOptions('x', { drover_k8s_namespace: '' }).namespace, undefined, 'empty means unset');
});

test('timeouts and retries: defaults and overrides', () => {
  const d = kubernetesOptions('web-1', {});
  assert.deepEqual([d.connectTimeoutMs, d.execTimeoutMs, d.retries], [10_000, 0, 2]);
  const o = kubernetesOptions('web-1', { drover_k8s_connect_timeout: '3', drover_k8s_exec_timeout: 60, drover_k8s_retries: 0 });
  assert.deepEqual([o.connectTimeoutMs, o.execTimeoutMs, o.retries], [3000, 60_000, 0]);
});

test('bad values are refused, quoted', () => {
  assert.throws(() => kubernetesOptions('Web_1', {}), /'Web_1' is not a valid pod name/);
  assert.throws(() => kubernetesOptions('web-1', { drover_k8s_namespace: 'a/b' }), /'a\/b' is not a valid namespace/);
  assert.throws(() => kubernetesOptions('web-1', { drover_k8s_exec_timeout: 'soon' }), /drover_k8s_exec_timeout .* got 'soon'/);
  assert.throws(() => kubernetesOptions('web-1', { drover_k8s_retries: -1 }), /drover_k8s_retries .* got '-1'/);
});

test('-T (drover_cli_timeout) is the pod connect timeout unless the host sets one, as for ssh', () => {
  assert.equal(kubernetesOptions('shop/web-1', { drover_cli_timeout: 3 }).connectTimeoutMs, 3000);
  assert.equal(kubernetesOptions('shop/web-1', { drover_cli_timeout: 3, ansible_timeout: 7 }).connectTimeoutMs, 7000);
  assert.equal(kubernetesOptions('shop/web-1', {}).connectTimeoutMs, 10_000);
});
