// The session time-out warning (GOV.UK/HMRC "warn users their session will time out"; ADR 0024, session 21).
// The server says how long a signed-in session lasts without a request and how early to warn (data attributes on
// <body>) and gives every word shown (the <dialog> in includes/session_timeout.html), so Welsh pages warn in Welsh.
// Nothing is submitted for the user: "Stay signed in" renews the session and leaves what they typed where it is.

const TICK_MS = 1000;

export function initSessionTimeout(body = document.body) {
  const idle = Number(body.dataset.sessionIdleSeconds);
  const warning = Number(body.dataset.sessionWarningSeconds);
  const dialog = document.getElementById('session-timeout');
  if (!idle || !warning || !dialog || typeof dialog.showModal !== 'function') return;

  const timeLeft = dialog.querySelector('[data-time-left]');
  const announced = dialog.querySelector('[data-time-announced]');
  const heading = dialog.querySelector('h2');
  const keepAlive = dialog.querySelector('form[data-keep-alive]');
  // Whole minutes left -> the sentence for them, largest first ("less than a minute" is 0).
  const sentences = [...dialog.querySelectorAll('li[data-seconds]')]
    .map((item) => [Number(item.dataset.seconds), item.textContent.trim()])
    .sort((a, b) => b[0] - a[0]);

  let deadline = 0;
  let shown = '';
  let returnFocus = null;

  const restart = () => {
    // The server's idle clock started with the response that drew this page (or renewed the session).
    deadline = Date.now() + idle * 1000;
  };

  const sentenceFor = (secondsLeft) => {
    const minutes = Math.floor(secondsLeft / 60) * 60;
    const found = sentences.find(([seconds]) => seconds <= minutes);
    return found ? found[1] : sentences[sentences.length - 1][1];
  };

  const open = () => {
    returnFocus = document.activeElement;
    shown = '';
    dialog.showModal();
    heading.focus();
  };

  const close = () => {
    dialog.close();
    if (returnFocus && typeof returnFocus.focus === 'function') returnFocus.focus();
  };

  const timedOut = () => {
    const next = new URLSearchParams({ next: window.location.pathname + window.location.search });
    window.location.assign(`${dialog.dataset.timedOutUrl}?${next}`);
  };

  const staySignedIn = async () => {
    try {
      const response = await fetch(keepAlive.action, {
        method: 'POST',
        body: new FormData(keepAlive),
        credentials: 'same-origin',
        redirect: 'manual',
      });
      if (response.status !== 204) return timedOut();
    } catch {
      return timedOut();
    }
    restart();
    close();
  };

  const tick = () => {
    const secondsLeft = Math.ceil((deadline - Date.now()) / 1000);
    if (secondsLeft <= 0) return timedOut();
    if (secondsLeft > warning) return;
    if (!dialog.open) open();
    const sentence = sentenceFor(secondsLeft);
    if (sentence !== shown) {
      // Read when the dialog opens (its description), then said again only when the minute changes.
      if (shown) announced.textContent = sentence;
      timeLeft.textContent = sentence;
      shown = sentence;
    }
  };

  keepAlive.addEventListener('submit', (event) => {
    event.preventDefault();
    staySignedIn();
  });
  // Escape means "stay signed in", as in the HMRC pattern.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    staySignedIn();
  });
  // Focus stays in the dialog: Tab from its last button goes back to its first, Shift+Tab the other way.
  dialog.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const buttons = [...dialog.querySelectorAll('button')];
    const first = buttons[0];
    const last = buttons[buttons.length - 1];
    if (event.shiftKey && (document.activeElement === first || document.activeElement === heading)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });

  restart();
  window.setInterval(tick, TICK_MS);
}
