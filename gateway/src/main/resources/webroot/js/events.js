// What the views tell each other (a voice turn finished, the video session changed), without importing each other.

export const bus = new EventTarget();

export function emit(type, detail) {
  bus.dispatchEvent(new CustomEvent(type, { detail }));
}

export function on(type, listener) {
  bus.addEventListener(type, e => listener(e.detail));
}
