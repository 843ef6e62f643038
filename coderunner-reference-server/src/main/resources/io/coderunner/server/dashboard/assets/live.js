// One WebSocket for the page: authenticates with the session's token, watches the user's
// deployments, follows at most one log, and reconnects with backoff and jitter, resuming from the
// last position it was given so that no line is lost or shown twice.

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;

export function createLive({ token, onState, onFrame }) {
  let ws = null;
  let attempt = 0;
  let retryTimer = null;
  let stopped = true;
  let follow = null; // {deploymentId, epoch, after, filter}

  function state(s) {
    onState(s);
  }

  function url() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}/ws`;
  }

  function send(frame) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }

  /** Subscribes anew; until its subscribed arrives, frames of an earlier one are dropped. */
  function subscribe() {
    follow.pending = true;
    send(subscribeFrame());
  }

  function subscribeFrame() {
    const f = { type: 'subscribe', deploymentId: follow.deploymentId };
    if (follow.after != null) {
      f.after = follow.after;
      if (follow.epoch) f.epoch = follow.epoch;
    } else {
      f.tail = follow.tail;
    }
    if (follow.filter) f.filter = follow.filter;
    return f;
  }

  function connect() {
    const t = token();
    if (stopped || !t) return;
    state(attempt === 0 ? 'connecting' : 'reconnecting');
    const socket = new WebSocket(url());
    ws = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token: t }));
    socket.onmessage = (e) => {
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      if (frame.type === 'welcome') {
        attempt = 0;
        state('connected');
        send({ type: 'watch', deployments: true });
        if (follow) subscribe();
      } else if (follow && frame.deploymentId === follow.deploymentId && frame.type === 'subscribed') {
        follow.epoch = frame.epoch;
        follow.pending = false;
      } else if (follow && follow.pending && frame.deploymentId === follow.deploymentId) {
        return; // still on its way from the subscription this one replaced
      } else if (frame.type === 'logs' && follow && frame.deploymentId === follow.deploymentId) {
        follow.after = frame.lines[frame.lines.length - 1].seq;
      } else if (frame.type === 'gap' && follow && frame.deploymentId === follow.deploymentId) {
        follow.after = frame.to;
      }
      onFrame(frame);
    };
    socket.onclose = (e) => {
      if (ws !== socket) return;
      ws = null;
      if (stopped) {
        state('offline');
        return;
      }
      if (e.code === 4401) {
        state('offline');
        onFrame({ type: 'closed', code: e.code, reason: e.reason });
        return;
      }
      attempt += 1;
      const cap = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** Math.min(attempt, 6));
      const delay = Math.random() * cap; // full jitter: clients do not come back in step
      state('reconnecting');
      retryTimer = setTimeout(connect, delay);
    };
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      connect();
    },
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      if (ws) ws.close(1000, 'logged out');
      ws = null;
      state('offline');
    },
    /** Follows one deployment's log from the last {@code tail} lines (or resumes after a seq). */
    follow(deploymentId, filter, tail) {
      if (follow && ws) send({ type: 'unsubscribe', deploymentId: follow.deploymentId });
      follow = { deploymentId, filter, tail, after: null, epoch: null, pending: true };
      subscribe();
    },
    unfollow() {
      if (follow) send({ type: 'unsubscribe', deploymentId: follow.deploymentId });
      follow = null;
    },
    refresh(newToken) {
      send({ type: 'refresh', token: newToken });
    },
  };
}
