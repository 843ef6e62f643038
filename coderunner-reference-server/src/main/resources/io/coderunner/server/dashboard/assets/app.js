// The dashboard: log in, the deployments list (live through the watch) and one log at a time.

import { createApi, describe } from './api.js';
import { createSession } from './session.js';
import { createLive } from './live.js';
import { createList } from './list.js';
import { createLogView } from './logview.js';
import { toast } from './toast.js';

const $ = (id) => document.getElementById(id);
const connection = document.querySelector('[data-testid="connection-state"]');

let live = null;
let list = null;
let logView = null;

const session = createSession({
  onChange(current, message) {
    if (current) {
      $('who').textContent = current.user.username;
      $('logout').hidden = false;
      $('login-view').hidden = true;
      live.start();
      route();
    } else {
      $('who').textContent = '';
      $('logout').hidden = true;
      live.stop();
      list.clear();
      logView.close();
      shown = null;
      $('list-view').hidden = true;
      $('log-view').hidden = true;
      $('login-view').hidden = false;
      $('login-error').textContent = message || '';
      $('login-username').focus();
    }
  },
  onWarn() {
    toast('Your session ends in a minute; log in again then to carry on.');
  },
});
const api = createApi(session);

live = createLive({
  token: () => session.token(),
  onState(s) {
    connection.textContent = s === 'connecting' ? 'reconnecting' : s;
    connection.dataset.state = s;
  },
  onFrame(f) {
    if (f.type === 'welcome') list.resync(); // the watch starts again on every connection
    else if (f.type === 'deployment') logView.deploymentChanged(list.change(f));
    else if (f.type === 'watching' && f.deployments) list.watching();
    else if (f.type === 'closed') session.ended('Your session has ended; log in again.');
    else if (f.type === 'error' && !f.ref) toast(f.message, 'error');
    logView.frame(f);
  },
});
list = createList({ api, open: (id) => navigate(`/deployments/${encodeURIComponent(id)}`) });
logView = createLogView({ live, list, api, back: () => navigate('/') });

function navigate(path) {
  history.pushState(null, '', path);
  route();
}

let shown = null; // the path on view: a new hash alone is the log view's to handle

function route() {
  if (!session.token()) return;
  const m = location.pathname.match(/^\/deployments\/([A-Za-z0-9._-]{1,64})$/);
  const now = location.pathname; // the query is the view's filter, kept by replaceState
  if (m && logView.isOpen() && shown === now) return;
  shown = now;
  if (m) {
    $('list-view').hidden = true;
    $('log-view').hidden = false;
    logView.close();
    logView.open(decodeURIComponent(m[1]), location.search, location.hash);
  } else {
    logView.close();
    $('log-view').hidden = true;
    $('list-view').hidden = false;
  }
}

window.addEventListener('popstate', route);

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = e.target.querySelector('button[type="submit"]');
  button.disabled = true;
  $('login-error').textContent = '';
  try {
    const s = await api.login($('login-username').value, $('login-password').value);
    $('login-password').value = '';
    session.loggedIn({ token: s.token, expiresAt: s.expiresAt, user: s.user });
  } catch (err) {
    $('login-error').textContent = describe(err);
  } finally {
    button.disabled = false;
  }
});
$('logout').addEventListener('click', () => session.logout());

// The theme: the reader's last choice, else what the system prefers.
const THEME_KEY = 'coderunner.theme';
function theme(name) {
  document.documentElement.dataset.theme = name;
  const other = name === 'dark' ? 'light' : 'dark';
  $('theme').textContent = `${other[0].toUpperCase()}${other.slice(1)} theme`;
  $('theme').setAttribute('aria-label', `Switch to the ${other} theme`);
}
theme(localStorage.getItem(THEME_KEY) || (matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark'));
$('theme').addEventListener('click', () => {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  localStorage.setItem(THEME_KEY, next);
  theme(next);
});

session.start();
