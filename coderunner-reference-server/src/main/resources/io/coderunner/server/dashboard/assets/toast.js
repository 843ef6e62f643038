// Short messages in a corner: status changes and errors. Each stays a few seconds.

export function toast(text, kind = 'info') {
  const box = document.getElementById('toasts');
  const t = document.createElement('div');
  t.className = `toast ${kind}`;
  t.dataset.testid = 'toast';
  t.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  t.textContent = text;
  box.append(t);
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 5000);
}
