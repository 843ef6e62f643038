// The deployments list, kept by the watch's deployment frames, with create and the actions.

import { describe } from './api.js';
import { toast } from './toast.js';

const ACTIONS = {
  start: ['created', 'stopped', 'failed'],
  stop: ['starting', 'running', 'restarting'],
  restart: ['running', 'stopped', 'failed'],
  delete: ['created', 'stopped', 'failed'],
};

export function createList({ api, open }) {
  const items = new Map(); // id -> deployment
  const busy = new Set(); // ids with an action in flight
  let complete = false;
  const ul = document.getElementById('deployments');
  const empty = document.getElementById('list-empty');
  const form = document.getElementById('create-form');
  const envRows = document.getElementById('env-rows');

  function row(d) {
    let li = ul.querySelector(`li[data-deployment-id="${CSS.escape(d.id)}"]`);
    if (!li) {
      li = document.createElement('li');
      li.className = 'deployment';
      li.dataset.testid = 'deployment-row';
      li.dataset.deploymentId = d.id;
      li.innerHTML =
        '<a class="name" href=""></a><span class="badge" data-testid="status-badge"></span>' +
        '<span class="command"></span><span class="row-actions"></span>';
      const actions = li.querySelector('.row-actions');
      for (const a of Object.keys(ACTIONS)) {
        const b = document.createElement('button');
        b.type = 'button';
        b.dataset.testid = `action-${a}`;
        b.dataset.action = a;
        b.textContent = a[0].toUpperCase() + a.slice(1);
        b.className = a === 'delete' ? 'danger' : '';
        b.addEventListener('click', (e) => {
          e.stopPropagation();
          act(d.id, a);
        });
        actions.append(b);
      }
      li.querySelector('a.name').addEventListener('click', (e) => {
        e.preventDefault();
        open(d.id);
      });
      ul.append(li);
    }
    const a = li.querySelector('a.name');
    a.textContent = d.name;
    a.href = `/deployments/${encodeURIComponent(d.id)}`;
    const badge = li.querySelector('.badge');
    badge.textContent = d.status;
    badge.dataset.status = d.status;
    li.querySelector('.command').textContent = d.command.join(' ');
    for (const b of li.querySelectorAll('button[data-action]')) {
      b.disabled = busy.has(d.id) || !ACTIONS[b.dataset.action].includes(d.status);
    }
    return li;
  }

  function render() {
    for (const li of [...ul.children]) {
      if (!items.has(li.dataset.deploymentId)) li.remove();
    }
    const order = [...items.values()].sort(
      (x, y) => x.name.localeCompare(y.name) || x.id.localeCompare(y.id),
    );
    for (const d of order) ul.append(row(d)); // append moves a row: the list ends up in order
    empty.hidden = !complete || items.size > 0;
  }

  async function act(id, action) {
    const d = items.get(id);
    if (!d) return;
    if (action === 'delete' && !confirm(`Delete ${d.name} and its log?`)) return;
    busy.add(id);
    render();
    try {
      if (action === 'delete') await api.remove(id);
      else await api.action(id, action);
    } catch (e) {
      toast(`${action} ${d.name}: ${describe(e)}`, 'error');
    } finally {
      busy.delete(id);
      render();
    }
  }

  function envRow(name = '', value = '') {
    const div = document.createElement('div');
    div.className = 'env-row';
    div.innerHTML =
      '<input aria-label="Variable name" class="env-name" placeholder="NAME">' +
      '<input aria-label="Variable value" class="env-value" placeholder="value">' +
      '<button type="button" class="link" aria-label="Remove variable">Remove</button>';
    div.querySelector('.env-name').value = name;
    div.querySelector('.env-value').value = value;
    div.querySelector('button').addEventListener('click', () => div.remove());
    envRows.append(div);
  }

  function showErrors(errors) {
    for (const p of form.querySelectorAll('.field-error')) p.textContent = '';
    for (const err of errors) {
      const field = String(err.field || '').split(/[.[]/)[0];
      const p = form.querySelector(`.field-error[data-field="${CSS.escape(field)}"]`);
      if (p) p.textContent = p.textContent ? `${p.textContent}; ${err.message}` : `${err.field} ${err.message}`;
    }
  }

  document.getElementById('show-create').addEventListener('click', () => {
    form.hidden = false;
    form.querySelector('#create-name').focus();
  });
  document.getElementById('cancel-create').addEventListener('click', () => {
    form.hidden = true;
  });
  document.getElementById('add-env').addEventListener('click', () => envRow());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const submit = form.querySelector('button[type="submit"]');
    const env = {};
    for (const r of envRows.querySelectorAll('.env-row')) {
      const n = r.querySelector('.env-name').value.trim();
      if (n) env[n] = r.querySelector('.env-value').value;
    }
    const spec = {
      name: form.querySelector('#create-name').value.trim(),
      command: form
        .querySelector('#create-command')
        .value.split('\n')
        .map((s) => s.trim())
        .filter((s) => s),
      env,
    };
    const wd = form.querySelector('#create-workdir').value.trim();
    if (wd) spec.workingDir = wd;
    submit.disabled = true;
    document.getElementById('create-error').textContent = '';
    try {
      const d = await api.create(spec);
      items.set(d.id, d);
      render();
      form.reset();
      envRows.replaceChildren();
      showErrors([]);
      form.hidden = true;
      toast(`Created ${d.name}`);
    } catch (err) {
      showErrors(err.errors);
      document.getElementById('create-error').textContent = err.errors.length ? '' : describe(err);
    } finally {
      submit.disabled = false;
    }
  });

  let seen = null; // ids the current watch reported before its watching marker

  return {
    /** A (new) watch starts: what it does not report as existing is gone. */
    resync() {
      seen = new Set();
    },
    /** A deployment frame of the watch. */
    change(frame) {
      const d = frame.deployment;
      if (seen) seen.add(d.id);
      const before = items.get(d.id);
      if (frame.event === 'deleted') items.delete(d.id);
      else items.set(d.id, d);
      render();
      const settled = ['running', 'stopped', 'failed'].includes(d.status);
      if (before && frame.event === 'updated' && before.status !== d.status && settled) {
        toast(`${d.name} is ${d.status}`, d.status === 'failed' ? 'error' : 'info');
      }
      return d;
    },
    watching() {
      if (seen) {
        for (const id of [...items.keys()]) if (!seen.has(id)) items.delete(id);
        seen = null;
      }
      complete = true;
      render();
    },
    get: (id) => items.get(id),
    clear() {
      items.clear();
      complete = false;
      render();
    },
  };
}
