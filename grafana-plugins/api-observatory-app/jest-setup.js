// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

/*
 * jsdom does no layout: every element measures 0×0 and ResizeObserver / IntersectionObserver do not exist.
 * Scenes' VizPanel renders its panel (title and body) only once react-use's useMeasure (a ResizeObserver)
 * reports a non-zero size, and @grafana/ui's AutoSizer (react-virtualized-auto-sizer) reads
 * offsetWidth / offsetHeight. Report a fixed, non-zero layout size instead, as grafana/metrics-drilldown's
 * and react-virtualized-auto-sizer's own tests do.
 */
const LAYOUT = { width: 1200, height: 400 };

class ResizeObserverShim {
  constructor(callback) {
    this.callback = callback;
    this.targets = new Set();
  }
  observe(target) {
    if (this.targets.has(target)) {
      return;
    }
    this.targets.add(target);
    const { width, height } = LAYOUT;
    const contentRect = { x: 0, y: 0, top: 0, left: 0, bottom: height, right: width, width, height };
    const size = [{ inlineSize: width, blockSize: height }];
    this.callback([{ target, contentRect, borderBoxSize: size, contentBoxSize: size, devicePixelContentBoxSize: size }], this);
  }
  unobserve(target) {
    this.targets.delete(target);
  }
  disconnect() {
    this.targets.clear();
  }
  takeRecords() {
    return [];
  }
}
class IntersectionObserverShim {
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
  window.ResizeObserver = ResizeObserverShim;
  window.IntersectionObserver = window.IntersectionObserver || IntersectionObserverShim;
  global.ResizeObserver = window.ResizeObserver;
  global.IntersectionObserver = window.IntersectionObserver;
  Object.defineProperties(window.HTMLElement.prototype, {
    offsetWidth: { configurable: true, get: () => LAYOUT.width },
    offsetHeight: { configurable: true, get: () => LAYOUT.height },
    clientWidth: { configurable: true, get: () => LAYOUT.width },
    clientHeight: { configurable: true, get: () => LAYOUT.height },
  });
  window.HTMLElement.prototype.getBoundingClientRect = () => {
    const { width, height } = LAYOUT;
    return { x: 0, y: 0, top: 0, left: 0, bottom: height, right: width, width, height, toJSON: () => ({}) };
  };
  if (!window.HTMLElement.prototype.scrollIntoView) {
    window.HTMLElement.prototype.scrollIntoView = () => {};
  }
}

// @grafana/ui measures text on a 2D canvas (jsdom has none).
if (typeof HTMLCanvasElement !== 'undefined') {
  HTMLCanvasElement.prototype.getContext = () => ({
    measureText: (t) => ({ width: String(t).length * 7, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 }),
    font: '',
  });
}
