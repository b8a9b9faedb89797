// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// jsdom lacks these browser APIs that @grafana/ui and @grafana/scenes use (virtualized lists, panel sizing).
class ObserverShim {
  constructor(callback) {
    this.callback = callback;
  }
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
if (typeof window !== 'undefined') {
  window.IntersectionObserver = window.IntersectionObserver || ObserverShim;
  window.ResizeObserver = window.ResizeObserver || ObserverShim;
  global.IntersectionObserver = window.IntersectionObserver;
  global.ResizeObserver = window.ResizeObserver;
  if (!window.HTMLElement.prototype.scrollIntoView) window.HTMLElement.prototype.scrollIntoView = () => {};
}

// @grafana/ui measures text on a 2D canvas (jsdom has none).
if (typeof HTMLCanvasElement !== 'undefined') {
  HTMLCanvasElement.prototype.getContext = () => ({ measureText: (t) => ({ width: String(t).length * 7, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 }), font: '' });
}
