// Who is logged in: the token lives in memory and in sessionStorage (never a cookie), and every tab
// of this origin shares logins and logouts over a BroadcastChannel.

const KEY = 'coderunner.session';
const WARN_BEFORE_MS = 60_000;

export function createSession({ onChange, onWarn }) {
  let current = null;
  let timers = [];
  const channel = 'BroadcastChannel' in window ? new BroadcastChannel('coderunner') : null;

  function clearTimers() {
    timers.forEach(clearTimeout);
    timers = [];
  }

  function schedule() {
    clearTimers();
    if (!current) return;
    const left = Date.parse(current.expiresAt) - Date.now();
    if (left <= 0) {
      end('Your session has ended; log in again.', true);
      return;
    }
    if (left > WARN_BEFORE_MS) timers.push(setTimeout(() => onWarn(current), left - WARN_BEFORE_MS));
    timers.push(setTimeout(() => end('Your session has ended; log in again.', true), left));
  }

  function set(session, announce) {
    current = session;
    if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
    else sessionStorage.removeItem(KEY);
    schedule();
    if (announce && channel) channel.postMessage(session ? { type: 'login', session } : { type: 'logout' });
    onChange(current, null);
  }

  function end(message, announce) {
    current = null;
    sessionStorage.removeItem(KEY);
    clearTimers();
    if (announce && channel) channel.postMessage({ type: 'logout' });
    onChange(null, message);
  }

  if (channel) {
    channel.onmessage = (e) => {
      const m = e.data || {};
      if (m.type === 'login' && m.session) set(m.session, false);
      else if (m.type === 'logout') end('You logged out in another tab.', false);
      else if (m.type === 'hello' && current) channel.postMessage({ type: 'login', session: current });
    };
  }

  return {
    start() {
      let stored = null;
      try {
        stored = JSON.parse(sessionStorage.getItem(KEY) || 'null');
      } catch (e) {
        stored = null;
      }
      if (stored && Date.parse(stored.expiresAt) > Date.now()) set(stored, false);
      else onChange(null, null);
      // A new tab has an empty sessionStorage: ask the others for theirs.
      if (!current && channel) channel.postMessage({ type: 'hello' });
    },
    token: () => (current ? current.token : null),
    user: () => (current ? current.user : null),
    loggedIn: (session) => set(session, true),
    logout: () => end(null, true),
    ended: (message) => end(message, true),
  };
}
