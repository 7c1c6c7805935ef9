// Messages for the person using the page: one banner per problem, each saying what to do.

const area = () => document.getElementById('notices');

/** Shows (or replaces) the notice with this key; level is 'error' or 'warn'. */
export function notify(key, message, level = 'error') {
  let el = area().querySelector(`[data-key="${key}"]`);
  if (!el) {
    el = document.createElement('div');
    el.dataset.key = key;
    const text = document.createElement('span');
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Dismiss';
    close.addEventListener('click', () => el.remove());
    el.append(text, close);
    area().append(el);
  }
  el.className = `notice ${level}`;
  el.firstChild.textContent = message;
}

export function clearNotice(key) {
  area().querySelector(`[data-key="${key}"]`)?.remove();
}

/** Plain words for getUserMedia failures: what went wrong with the mic or camera and what to do. */
export function mediaErrorMessage(error, device) {
  const what = device === 'camera' ? 'camera' : 'microphone';
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    return `The browser only allows the ${what} on https:// pages or on http://localhost. Open the gateway through https or localhost.`;
  }
  switch (error?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Access to the ${what} was denied. Allow it in the browser's site settings (the icon left of the address), then try again.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${what} was found. Plug one in, or choose another in the browser's settings, then try again.`;
    case 'NotReadableError':
    case 'AbortError':
      return `The ${what} is in use by another application or could not be started. Close the other application, then try again.`;
    default:
      return `The ${what} could not be opened: ${error?.message || error}.`;
  }
}
